import { loadCommonJS } from './cached-script.js';
import { CLUSTER_COMMANDS, DAEMON_COMMANDS } from './external-commands.js';

// The built `kubets` (dist/cli/main.js). scripts/bundle-cli.mjs bundles the client
// (cli/client-bundle.ts and everything it imports: every verb, grpc-js, protobufjs, commander)
// into one CommonJS file and builds this module as the entry point that runs it, compiled from a
// V8 code cache beside it (cli/cached-script.ts). The names of both carry the bundle's hash
// (KUBETS_BUNDLE, set by the build), so a rebuilt CLI never meets the cache of an earlier one. A
// call that finds no usable cache writes one as it exits, with every function it compiled. The
// daemons and the local-cluster commands are imported from here, as ES modules.

declare const KUBETS_BUNDLE: { script: string; cache: string };

// Not imported, for the reason cli/cached-script.ts gives.
const { dirname, join } = process.getBuiltinModule('node:path');
const { fileURLToPath } = process.getBuiltinModule('node:url');

const here = dirname(fileURLToPath(import.meta.url));
const bundle = loadCommonJS(join(here, KUBETS_BUNDLE.script), join(here, KUBETS_BUNDLE.cache));
if (!bundle.cacheUsed) process.once('exit', bundle.saveCache);
(bundle.exports as typeof import('./client-bundle.js')).runKubets({ daemons: DAEMON_COMMANDS, cluster: CLUSTER_COMMANDS });
