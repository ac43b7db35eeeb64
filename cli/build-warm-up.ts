import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCertificateAuthority } from '../lib/certs/index.js';

// The call `npm run build` makes so that the built CLI's first code cache holds what most calls
// compile: a `get pods` loads grpc-js and the schema and encodes a request before it connects. It
// must get that far on any machine, so it brings every connection detail on the command line (a
// CA made for it included: without one, and without a client config file to take it from, the
// call stops at its flags) and runs in an empty home of its own, where no user's config file
// changes what it does and nothing is left in the user's cache. No server listens on port 1 of
// loopback, so the call ends at its connection attempt.

/** Runs the warm-up call of the built CLI at main; returns what it wrote to stderr. */
export async function warmUpCodeCache(main: string): Promise<string> {
  const home = mkdtempSync(join(tmpdir(), 'kubets-build-'));
  try {
    const ca = join(home, 'ca.crt');
    writeFileSync(ca, (await createCertificateAuthority()).certPem);
    const call = spawnSync(process.execPath, [main, 'get', 'pods', '--server', '127.0.0.1:1', '--token', 'build', '--certificate-authority', ca], {
      stdio: ['ignore', 'ignore', 'pipe'],
      encoding: 'utf8',
      env: { PATH: process.env.PATH ?? '', HOME: home, XDG_CACHE_HOME: join(home, 'cache') },
    });
    return call.stderr;
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
}
