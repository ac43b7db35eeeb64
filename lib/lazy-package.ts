import { createRequire } from 'node:module';

// Some packages serve only a path a process may never take (a verb's YAML, a CronJob's schedule,
// a certificate to make or a request to read), yet loading one with its importer costs every
// process that imports it the package's code and data for its whole life. A package here is
// required the first time it is asked for, synchronously, as the callers that need it are; so it
// must be one require() can load (CommonJS).
const require = createRequire(import.meta.url);

/** `name` (a package or a file in one), loaded on the first call and the same module after. */
export function lazyPackage<T>(name: string): () => T {
  let loaded: T | undefined;
  return () => (loaded ??= require(name) as T);
}
