// Makes the built CLI executable so `npm link`/the package bin can run it directly.
import { chmodSync } from 'node:fs';

chmodSync(new URL('../dist/cli/main.js', import.meta.url), 0o755);
