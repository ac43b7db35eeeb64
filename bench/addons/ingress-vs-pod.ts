// Ingress throughput against a running cluster: requests/s and p99 latency of the same pods
// reached through the ingress add-on's HAProxy (127.0.0.1 with a Host header) and directly by
// pod IP, in the same run, and the resident memory of each add-on's processes.
//
//   npx tsx bench/addons/ingress-vs-pod.ts --ingress http://127.0.0.1:PORT --host shop.example.com --pod http://POD_IP:8080 [--seconds 10] [--concurrency 8]
//
// New connection per request (HAProxy's and the pods' servers close after each answer anyway).
import { execFileSync } from 'node:child_process';
import { request } from 'node:http';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: { ingress: { type: 'string' }, host: { type: 'string' }, pod: { type: 'string' }, seconds: { type: 'string', default: '10' }, concurrency: { type: 'string', default: '8' } },
});
if (!values.ingress || !values.host || !values.pod) throw new Error('--ingress, --host and --pod are required');

function once(url: URL, host: string): Promise<number> {
  const start = process.hrtime.bigint();
  return new Promise((resolve, reject) => {
    const req = request({ host: url.hostname, port: url.port, path: '/', headers: { host }, agent: false }, (res) => {
      res.resume();
      res.on('end', () => (res.statusCode === 200 ? resolve(Number(process.hrtime.bigint() - start) / 1e6) : reject(new Error(`status ${res.statusCode}`))));
    });
    req.on('error', reject);
    req.end();
  });
}

async function run(target: string, host: string): Promise<{ rps: number; p50: number; p99: number; errors: number }> {
  const url = new URL(target);
  const until = Date.now() + Number(values.seconds) * 1000;
  const latencies: number[] = [];
  let errors = 0;
  await Promise.all(
    Array.from({ length: Number(values.concurrency) }, async () => {
      while (Date.now() < until) {
        try {
          latencies.push(await once(url, host));
        } catch {
          errors++;
        }
      }
    }),
  );
  latencies.sort((a, b) => a - b);
  const at = (q: number): number => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? NaN;
  return { rps: latencies.length / Number(values.seconds), p50: at(0.5), p99: at(0.99), errors };
}

/** RSS in MiB of the processes whose command line matches, summed. */
function rssMiB(pattern: RegExp): number {
  const out = execFileSync('ps', ['-eo', 'rss=,args='], { encoding: 'utf8' });
  return out.split('\n').filter((l) => pattern.test(l) && !l.includes('ps -eo')).reduce((sum, l) => sum + Number(l.trim().split(/\s+/)[0]), 0) / 1024;
}

const results = {
  ingress: await run(values.ingress, values.host),
  pod: await run(values.pod, values.host),
};
const loadavg = execFileSync('cat', ['/proc/loadavg'], { encoding: 'utf8' }).split(' ').slice(0, 3).join(' ');
console.log(JSON.stringify({ loadavg, ...results }, null, 2));
console.log(
  JSON.stringify(
    {
      memoryMiB: {
        'ingress: haproxy': rssMiB(/haproxy -W/),
        'ingress: controller': rssMiB(/ ingress-controller /),
        'monitoring: prometheus': rssMiB(/\/usr\/bin\/prometheus /),
        'monitoring: discovery': rssMiB(/ prometheus-discovery /),
        'logging: systemd-journal-remote': rssMiB(/systemd-journal-remote/),
        'logging: log-shipper': rssMiB(/ log-shipper /),
      },
    },
    null,
    2,
  ),
);
