// Bundles the command-line client with esbuild over tsc's output: cli/client-bundle.ts and
// everything it imports (grpc-js, protobufjs, commander, every verb) into one CommonJS file,
// dist/cli/kubets-<hash>.cjs, and cli/launcher.ts into dist/cli/main.js, which runs that file
// compiled from a V8 code cache (dist/cli/kubets-<hash>.cache, written by the first call). A
// client call then compiles almost nothing and resolves no modules, which was most of what
// starting `kubets get pods` cost beyond node itself; verbs' code still runs only when the verb
// does. The daemons and the local-cluster commands (cli/external-commands.ts) are left out: the
// entry point imports tsc's output in dist/ for them (at the same relative paths), since some of
// their dependencies read files beside their own code. Bundles and caches of an earlier build
// are removed.
import { createHash } from 'node:crypto';
import { readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';

const root = new URL('..', import.meta.url).pathname;
const outdir = join(root, 'dist/cli');
const UNBUNDLED = /^\.\.?\/(services|up|join|completion)\//;
// Whitespace and syntax minified (names kept, so errors and stack frames still name our
// functions): every call reads and converts the whole script before its code cache can be used,
// and a third less text is a third less of that.
const common = { bundle: true, platform: 'node', target: 'node20', logLevel: 'warning', write: false, minifyWhitespace: true, minifySyntax: true };

rmSync(join(outdir, 'chunks'), { recursive: true, force: true });
for (const name of readdirSync(outdir)) if (/^kubets-.*\.(cjs|cache)/.test(name)) rmSync(join(outdir, name), { force: true });

const client = await build({
  ...common,
  entryPoints: [join(root, 'cli/client-bundle.ts')],
  format: 'cjs',
  outfile: join(outdir, 'kubets.cjs'),
  // Strict throughout, as the ES modules it is made of are; lib/paths.ts finds the project from
  // its own location.
  define: { 'import.meta.url': 'kubetsModuleUrl' },
  banner: { js: "'use strict';\nconst kubetsModuleUrl = require('node:url').pathToFileURL(__filename).href;" },
});
const code = client.outputFiles[0].contents;
const name = `kubets-${createHash('sha256').update(code).digest('hex').slice(0, 16)}`;
writeFileSync(join(outdir, `${name}.cjs`), code);

const launcher = await build({
  ...common,
  entryPoints: [join(root, 'cli/launcher.ts')],
  format: 'esm',
  outfile: join(outdir, 'main.js'),
  define: { KUBETS_BUNDLE: JSON.stringify({ script: `${name}.cjs`, cache: `${name}.cache` }) },
  banner: { js: '#!/usr/bin/env node' },
  plugins: [
    {
      name: 'unbundled-commands',
      setup(build) {
        build.onResolve({ filter: UNBUNDLED }, (args) =>
          args.importer === join(root, 'cli/external-commands.ts') ? { path: args.path, external: true } : undefined,
        );
      },
    },
  ],
});
writeFileSync(join(outdir, 'main.js'), launcher.outputFiles[0].contents);
