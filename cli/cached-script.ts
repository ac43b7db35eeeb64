import type * as vm from 'node:vm';

// Taken with getBuiltinModule rather than imported: the built CLI's entry point is an ES module,
// and importing node:fs there builds its module namespace, which reads every export, and so
// loads fs' streams and promises a `get pods` never uses.
const { isAscii } = process.getBuiltinModule('node:buffer');
const { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } = process.getBuiltinModule('node:fs');
const { createRequire } = process.getBuiltinModule('node:module');
const { dirname } = process.getBuiltinModule('node:path');
const { Script } = process.getBuiltinModule('node:vm');

// V8 can keep what it compiled for the next process, in a code cache. Node 20 offers that only
// through vm.Script, for a script of CommonJS shape; the built CLI is one such file
// (scripts/bundle-cli.mjs, cli/launcher.ts), and compiling it from its cache saves most of what
// compiling and loading its modules cost each call. A script run so cannot use import(): code
// compiled from a cache loses what resolves it.

export interface LoadedCommonJS {
  exports: unknown;
  /** The cache file that was read (the first of the candidates present), whether or not V8 took it. */
  cacheRead: string | undefined;
  /** Whether V8 compiled it from that file. */
  cacheUsed: boolean;
  /**
   * Writes the cache of everything compiled so far to `cacheFile`, in a directory only its user
   * may enter, readable by that user alone, and whole or not at all (best effort: where it may
   * not write, the call goes without).
   */
  saveCache(cacheFile: string): void;
}

/** Runs a CommonJS file as node's loader would, compiled from the first of `cacheFiles` present when V8 accepts it. */
export function loadCommonJS(file: string, cacheFiles: readonly string[]): LoadedCommonJS {
  let cacheRead: string | undefined;
  let cachedData: Buffer | undefined;
  for (const candidate of cacheFiles) {
    cachedData = readIfPresent(candidate);
    if (cachedData) {
      cacheRead = candidate;
      break;
    }
  }
  const source = `(function (exports, require, module, __filename, __dirname) {${readText(file)}\n})`;
  const script = new Script(source, { filename: file, ...(cachedData && { cachedData }) });
  const module = { exports: {} as unknown };
  const run = script.runInThisContext() as (exports: unknown, require: NodeRequire, module: unknown, filename: string, dirname: string) => void;
  run(module.exports, createRequire(file), module, file, dirname(file));
  return {
    exports: module.exports,
    cacheRead,
    cacheUsed: cachedData !== undefined && script.cachedDataRejected === false,
    saveCache: (cacheFile) => writeCache(script, cacheFile),
  };
}

/** A bundle is almost all ASCII, which reads as latin1 in a third of the time UTF-8 decoding takes. */
function readText(file: string): string {
  const bytes = readFileSync(file);
  return isAscii(bytes) ? bytes.toString('latin1') : bytes.toString('utf8');
}

function readIfPresent(file: string): Buffer | undefined {
  try {
    return readFileSync(file);
  } catch {
    return undefined;
  }
}

function writeCache(script: vm.Script, cacheFile: string): void {
  const partial = `${cacheFile}.${process.pid}`;
  try {
    mkdirSync(dirname(cacheFile), { recursive: true, mode: 0o700 });
    writeFileSync(partial, script.createCachedData(), { mode: 0o600 });
    renameSync(partial, cacheFile);
  } catch {
    // Not writable (or gone): the next call compiles again.
    discardCache(partial);
  }
}

/** Removes a cache file if there is one (best effort, as writing it is). */
export function discardCache(file: string): void {
  try {
    rmSync(file, { force: true });
  } catch {
    // Its directory is not one (or not ours): there is nothing of ours to remove.
  }
}
