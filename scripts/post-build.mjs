// After tsc: bundles the command-line client (scripts/bundle-cli.mjs) and makes it executable so
// `npm link`/the package bin can run it directly.
import { chmodSync } from 'node:fs';
import './bundle-cli.mjs';

chmodSync(new URL('../dist/cli/main.js', import.meta.url), 0o755);
