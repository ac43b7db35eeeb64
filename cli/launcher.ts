import { discardCache, loadCommonJS } from './cached-script.js';
import { CLUSTER_COMMANDS, DAEMON_COMMANDS, daemonIn, runDaemon } from './external-commands.js';
import { pruneUserCodeCaches, userCodeCacheFile } from './user-code-cache.js';

// The built `kubets` (dist/cli/main.js). scripts/bundle-cli.mjs bundles the client
// (cli/client-bundle.ts and everything it imports: every verb, grpc-js, protobufjs, commander)
// into one CommonJS file and builds this module as the entry point that runs it, compiled from a
// V8 code cache (cli/cached-script.ts). Two caches serve it: the user's own, written by a call that
// reached an apiserver (cli/user-code-cache.ts), and the one beside the bundle, written by the
// build (or by a call that found it missing or refused), which holds only what a call compiles
// before it connects. The user's goes first: with the decoding and printing of an answer in it, a
// `get pods` runs about 6% fewer instructions. The names of both carry the bundle's hash
// (KUBETS_BUNDLE, set by the build), so a rebuilt CLI never meets the cache of an earlier one. The
// daemons and the local-cluster commands are imported from here, as ES modules; a daemon's command
// line runs without the bundle (cli/daemon-program.ts).

declare const KUBETS_BUNDLE: { script: string; cache: string };
type ClientBundle = typeof import('./client-bundle.js');

// Not imported, for the reason cli/cached-script.ts gives.
const { dirname, join } = process.getBuiltinModule('node:path');
const { fileURLToPath } = process.getBuiltinModule('node:url');

const daemon = daemonIn(process.argv);
if (daemon) await runDaemon(daemon);
else runClient();

function runClient(): void {
  const here = dirname(fileURLToPath(import.meta.url));
  const shipped = join(here, KUBETS_BUNDLE.cache);
  const own = userCodeCacheFile(KUBETS_BUNDLE.script.replace(/\.cjs$/, ''), process.env, { version: process.version, flags: [...process.execArgv, process.env.NODE_OPTIONS ?? ''] });
  const bundle = loadCommonJS(join(here, KUBETS_BUNDLE.script), [own, shipped]);
  const client = bundle.exports as ClientBundle;

  process.once('exit', (code) => {
    if (bundle.cacheUsed && bundle.cacheRead === own) return;
    if (code === 0 && client.servedVerb()) {
      bundle.saveCache(own);
      pruneUserCodeCaches(dirname(own));
    } else if (bundle.cacheRead === own) {
      // Refused (another V8 build under the same name, or damaged): the next calls use the one beside the bundle.
      discardCache(own);
    }
    if (!bundle.cacheUsed) bundle.saveCache(shipped);
  });
  client.runKubets({ daemons: DAEMON_COMMANDS, cluster: CLUSTER_COMMANDS });
}
