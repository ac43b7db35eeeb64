// Bundles the command-line client with esbuild into dist/cli/main.js (over tsc's output) and
// dist/cli/chunks/. A client call then loads a few large files instead of some sixty modules
// (grpc-js, protobufjs, commander, ours), which is most of what starting `kubets get pods` costs
// beyond node itself. Each verb stays its own chunk, loaded when it runs. The daemons and the
// local-cluster commands are left out of the bundle: they import tsc's output in dist/ (at the
// same relative paths), since some of their dependencies read files beside their own code.
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';

const root = new URL('..', import.meta.url).pathname;
const outdir = join(root, 'dist/cli');
const UNBUNDLED = /^\.\.?\/(services|up|join|completion)\//;

rmSync(join(outdir, 'chunks'), { recursive: true, force: true });
await build({
  entryPoints: { main: join(root, 'cli/main.ts') },
  outdir,
  chunkNames: 'chunks/[name]-[hash]',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  // The CommonJS dependencies require node's built-ins, which an ES module bundle has no require for.
  banner: { js: "import { createRequire as kubetsCreateRequire } from 'node:module'; const require = kubetsCreateRequire(import.meta.url);" },
  plugins: [
    {
      name: 'unbundled-commands',
      setup(build) {
        build.onResolve({ filter: UNBUNDLED }, (args) =>
          args.importer === join(root, 'cli/main.ts') ? { path: args.path, external: true } : undefined,
        );
      },
    },
  ],
  logLevel: 'warning',
});
