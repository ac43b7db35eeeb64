// Counts a process's Docker API calls: preloaded into every Node process of a benchmark run with
// NODE_OPTIONS="--require <this file>" and DOCKER_TRACE_DIR set, it logs each request dockerode
// makes, "<epoch ms> <method> <path> <option names>", to <dir>/<pid>.log, the process's command line
// first (which kubelet, which node). Paths keep container ids and image names; query strings are cut.
const { appendFileSync, writeFileSync } = require('node:fs');

const dir = process.env.DOCKER_TRACE_DIR;
if (dir) {
  const Modem = require('docker-modem/lib/modem.js');
  const file = `${dir}/${process.pid}.log`;
  writeFileSync(file, `# ${process.argv.slice(1).join(' ')} ${process.env.DOCKER_HOST ?? ''}\n`);
  let lines = [];
  const flush = () => {
    if (lines.length > 0) appendFileSync(file, lines.join(''));
    lines = [];
  };
  setInterval(flush, 500).unref();
  process.on('exit', flush);
  const dial = Modem.prototype.dial;
  Modem.prototype.dial = function (options, callback) {
    const names = options.options ? Object.keys(options.options).join('+') : '';
    lines.push(`${Date.now()} ${options.method} ${options.path.replace(/\?.*/, '')} ${names}\n`);
    return dial.call(this, options, callback);
  };
}
