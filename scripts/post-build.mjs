// After tsc: bundles the command-line client (scripts/bundle-cli.mjs), makes it executable so
// `npm link`/the package bin can run it directly, and writes its code cache. The cache holds what
// the call that wrote it compiled, so it is written here by a `get pods` that gets as far as its
// connection attempt (cli/build-warm-up.ts), the shape of most calls (loading grpc-js and the
// schema, encoding a request), rather than by whatever runs first: a `--help` or a daemon would
// leave a cache without any of that. The call's failure to connect is the expected end, not news.
import { chmodSync } from 'node:fs';
import './bundle-cli.mjs';
import { warmUpCodeCache } from '../dist/cli/build-warm-up.js';

const main = new URL('../dist/cli/main.js', import.meta.url).pathname;
chmodSync(main, 0o755);
await warmUpCodeCache(main);
