import { buildSchemaOnDemand } from '../lib/api/schema-build.js';

// What the built CLI's bundle exports to its entry point (cli/launcher.ts, scripts/bundle-cli.mjs).
// A client verb lives for one call and reaches a small part of the API schema, so the bundle builds
// it one definition at a time. The daemons and the local-cluster commands are not in the bundle:
// they import their own copy of lib/ from dist/ and keep building the whole schema, which their
// code walks.
buildSchemaOnDemand();

export { runKubets } from './program.js';
export { servedVerb } from './served-verb.js';
