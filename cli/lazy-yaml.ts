import { createRequire } from 'node:module';

// The yaml package is some seventy modules; tables and most verbs never touch it, so the printers
// and the manifest reader load it on first use (synchronously, as their callers are).
const require = createRequire(import.meta.url);
let loaded: typeof import('yaml') | undefined;

export function yaml(): typeof import('yaml') {
  loaded ??= require('yaml') as typeof import('yaml');
  return loaded;
}
