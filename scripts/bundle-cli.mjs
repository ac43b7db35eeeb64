// Bundles the command-line client with esbuild into dist/cli/main.js (over tsc's output) and
// dist/cli/chunks/. A client call then loads a few large files instead of some sixty modules
// (grpc-js, protobufjs, commander, ours), which is most of what starting `kubets get pods` costs
// beyond node itself. Each verb stays its own chunk, loaded when it runs. The daemons and the
// local-cluster commands are left out of the bundle: they import tsc's output in dist/ (at the
// same relative paths), since some of their dependencies read files beside their own code.
//
// grpc-js and protobufjs go into a CommonJS file of their own, dist/cli/vendor.cjs, which the
// bundle compiles with a V8 code cache (cli/vendor-loader.ts); the cache's name carries the
// file's hash, and caches of an earlier build are removed here.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';

const root = new URL('..', import.meta.url).pathname;
const outdir = join(root, 'dist/cli');
const UNBUNDLED = /^\.\.?\/(services|up|join|completion)\//;
const VENDOR = { '@grpc/grpc-js': 'grpc', protobufjs: 'protobuf' };
const common = { bundle: true, platform: 'node', target: 'node20', logLevel: 'warning' };

rmSync(join(outdir, 'chunks'), { recursive: true, force: true });
for (const name of readdirSync(outdir)) if (/^vendor-.*\.cache/.test(name)) rmSync(join(outdir, name), { force: true });

// Each library is evaluated when first asked for: `kubets --help` needs neither.
const getters = Object.entries(VENDOR).map(([pkg, name]) => `get ${name}() { return require(${JSON.stringify(pkg)}); }`);
await build({
  ...common,
  stdin: { contents: `module.exports = { ${getters.join(', ')} };`, resolveDir: root, sourcefile: 'vendor.cjs' },
  format: 'cjs',
  outfile: join(outdir, 'vendor.cjs'),
});
const vendorKey = createHash('sha256').update(readFileSync(join(outdir, 'vendor.cjs'))).digest('hex').slice(0, 16);

await build({
  ...common,
  entryPoints: { main: join(root, 'cli/main.ts') },
  outdir,
  chunkNames: 'chunks/[name]-[hash]',
  splitting: true,
  format: 'esm',
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
    {
      name: 'cached-vendor',
      setup(build) {
        build.onResolve({ filter: /^(@grpc\/grpc-js|protobufjs)$/ }, (args) => ({ path: args.path, namespace: 'vendor' }));
        build.onLoad({ filter: /.*/, namespace: 'vendor' }, (args) => ({
          contents: `module.exports = require(${JSON.stringify(join(root, 'cli/vendor-loader.ts'))}).vendorModule(${JSON.stringify(VENDOR[args.path])}, ${JSON.stringify(vendorKey)});`,
          resolveDir: root,
        }));
      },
    },
  ],
});
