import { lazyPackage } from '../lib/lazy-package.js';

// The yaml package is some seventy modules; tables and most verbs never touch it, so the printers
// and the manifest reader load it on first use.
export const yaml = lazyPackage<typeof import('yaml')>('yaml');
