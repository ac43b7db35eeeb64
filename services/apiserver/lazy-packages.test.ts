import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { projectRoot } from '../../lib/paths.js';

// Packages that serve only a path an apiserver may never take load when it is first taken
// (lib/lazy-package.ts), not with the apiserver's code: each would cost the process its code and
// data for as long as it runs (bench/README.md, issue 9, the idle apiserver's memory).

const run = promisify(execFile);
const source = (path: string): string => JSON.stringify(pathToFileURL(join(projectRoot, path)).href);

/** The packages a fresh node holds once it loaded the apiserver's code (from the sources) and ran `then`. */
async function packagesLoaded(then = ''): Promise<string[]> {
  const program = [
    `await import(${source('services/apiserver/index.ts')});`,
    then,
    "const { createRequire } = await import('node:module');",
    'const files = Object.keys(createRequire(process.cwd() + "/").cache);',
    'const names = files.map((file) => file.split("/node_modules/").at(-1).split("/")).map((p) => (p[0].startsWith("@") ? p[0] + "/" + p[1] : p[0]));',
    'process.stdout.write(JSON.stringify([...new Set(names)]));',
  ].join('\n');
  const { stdout } = await run(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', program], { cwd: projectRoot });
  return JSON.parse(stdout) as string[];
}

const LAZY = ['@peculiar/x509', 'reflect-metadata', 'cron-parser', 'luxon'];

describe("the apiserver's code", () => {
  it('loads none of the packages kept for first use', async () => {
    const loaded = await packagesLoaded();
    expect(loaded).toContain('@grpc/grpc-js');
    for (const name of LAZY) expect(loaded).not.toContain(name);
  });

  it('loads them when a schedule is first parsed and a certificate first made', async () => {
    const loaded = await packagesLoaded(
      [
        `(await import(${source('lib/cron/schedule.ts')})).parseSchedule('*/5 * * * *', 'UTC');`,
        `await (await import(${source('lib/certs/index.ts')})).createCertificateAuthority();`,
      ].join('\n'),
    );
    for (const name of LAZY) expect(loaded).toContain(name);
  });
});
