// After tsc: bundles the command-line client (scripts/bundle-cli.mjs), makes it executable so
// `npm link`/the package bin can run it directly, and writes its code cache. The cache holds what
// the call that wrote it compiled, so it is written here by a `get pods`, the shape of most calls
// (loading grpc-js and the schema, encoding a request), rather than by whatever runs first: a
// `--help` or a daemon would leave a cache without any of that. No server listens on port 1 of
// loopback, so the call ends at its connection attempt.
import { spawnSync } from 'node:child_process';
import { chmodSync } from 'node:fs';
import './bundle-cli.mjs';

const main = new URL('../dist/cli/main.js', import.meta.url).pathname;
chmodSync(main, 0o755);
spawnSync(process.execPath, [main, 'get', 'pods', '--server', '127.0.0.1:1', '--token', 'build'], { stdio: 'ignore', env: { PATH: process.env.PATH ?? '' } });
