// Bundles the command-line client with esbuild over tsc's output: cli/client-bundle.ts and
// everything it imports (grpc-js, protobufjs, commander, every verb) into one CommonJS file,
// dist/cli/kubets-<hash>.cjs, and cli/launcher.ts into dist/cli/main.js, which runs that file
// compiled from a V8 code cache (dist/cli/kubets-<hash>.cache, written by the first call). A
// client call then compiles almost nothing and resolves no modules, which was most of what
// starting `kubets get pods` cost beyond node itself; verbs' code still runs only when the verb
// does. The daemons and the local-cluster commands (cli/external-commands.ts) are left out: the
// entry point imports tsc's output in dist/ for them (at the same relative paths), since some of
// their dependencies read files beside their own code; a daemon's command line is tsc's output too
// (cli/daemon-program.ts), so that a daemon never loads the bundle. Bundles and caches of an
// earlier build are removed.
import { createHash } from 'node:crypto';
import { readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';

const root = new URL('..', import.meta.url).pathname;
const outdir = join(root, 'dist/cli');
const UNBUNDLED = /^\.\.?\/(services|up|join|completion)\/|^\.\/daemon-program\.js$/;
// Whitespace and syntax minified (names kept, so errors and stack frames still name our
// functions): every call reads and converts the whole script before its code cache can be used,
// and a third less text is a third less of that.
const common = { bundle: true, platform: 'node', target: 'node20', logLevel: 'warning', write: false, minifyWhitespace: true, minifySyntax: true };

rmSync(join(outdir, 'chunks'), { recursive: true, force: true });
for (const name of readdirSync(outdir)) if (/^kubets-.*\.(cjs|cache)/.test(name)) rmSync(join(outdir, name), { force: true });

// Built-in modules that libraries in the client require when loaded but use only in paths a
// client call rarely takes: commander spawns executable subcommands (we have none) with
// child_process, grpc-js compresses with zlib (our calls are not compressed). Loading the two cost
// a tenth of what loading the client's code costs; each becomes a stand-in that loads the real
// module when one of its properties is first read.
const LAZY_BUILTINS = [
  { module: 'child_process', importer: /node_modules\/commander\// },
  { module: 'zlib', importer: /node_modules\/@grpc\/grpc-js\// },
];
const lazyBuiltins = {
  name: 'lazy-builtins',
  setup(build) {
    for (const { module, importer } of LAZY_BUILTINS) {
      build.onResolve({ filter: new RegExp(`^(node:)?${module}$`) }, (args) => (importer.test(args.importer) ? { path: module, namespace: 'lazy-builtin' } : undefined));
    }
    build.onLoad({ filter: /.*/, namespace: 'lazy-builtin' }, (args) => ({
      contents: `let real;\nmodule.exports = new Proxy({}, { get: (_, key) => (real ??= require('node:${args.path}'))[key] });\n`,
      loader: 'js',
    }));
  },
};

const client = await build({
  ...common,
  entryPoints: [join(root, 'cli/client-bundle.ts')],
  format: 'cjs',
  outfile: join(outdir, 'kubets.cjs'),
  plugins: [lazyBuiltins],
  // Strict throughout, as the ES modules it is made of are; lib/paths.ts finds the project from
  // its own location.
  define: { 'import.meta.url': 'kubetsModuleUrl' },
  banner: { js: "'use strict';\nconst kubetsModuleUrl = require('node:url').pathToFileURL(__filename).href;" },
});
const code = client.outputFiles[0].contents;
assertAscii(code);
const name = `kubets-${createHash('sha256').update(code).digest('hex').slice(0, 16)}`;
writeFileSync(join(outdir, `${name}.cjs`), code);

/**
 * The entry point reads an ASCII bundle as latin1, a plain copy, where one other character makes
 * it decode all 2 MB as UTF-8 into a string of twice the size (cli/cached-script.ts). esbuild
 * escapes strings and names but copies regular expressions as written: write `\u00b5`, not `µ`.
 */
function assertAscii(bytes) {
  const at = bytes.findIndex((byte) => byte > 0x7f);
  if (at < 0) return;
  const around = Buffer.from(bytes.subarray(Math.max(0, at - 60), at + 20)).toString('utf8');
  throw new Error(`the CLI bundle must be ASCII; a character at byte ${at} is not: ...${around}...`);
}

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
