import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { Script } from 'node:vm';
import { projectRoot } from '../lib/paths.js';

// grpc-js and protobufjs are most of the code a client call compiles, and compiling it again on
// every call is time V8 can save: a code cache keeps what it compiled for the next process. Node 20
// offers one only through vm.Script, so the build puts both libraries in one CommonJS file
// (dist/cli/vendor.cjs, scripts/bundle-cli.mjs) that this module compiles with the cache beside
// it. The cache's name carries a hash of that file, so a rebuilt vendor.cjs never meets an old
// cache (V8 itself checks only the source's length, its own version and its flags; a cache it
// refuses, say after an upgrade of node, is compiled around and written anew). A call that finds
// no usable cache writes one as it exits, with every function it compiled.

export interface Vendor {
  grpc: unknown;
  protobuf: unknown;
}

let vendor: Vendor | undefined;

/** One of the bundled libraries; `key` is the hash of dist/cli/vendor.cjs the build saw. */
export function vendorModule(name: keyof Vendor, key: string): unknown {
  if (!vendor) {
    const loaded = loadCommonJS(join(projectRoot, 'dist/cli/vendor.cjs'), join(projectRoot, `dist/cli/vendor-${key}.cache`));
    if (!loaded.cacheUsed) process.once('exit', loaded.saveCache);
    vendor = loaded.exports as Vendor;
  }
  return vendor[name];
}

export interface LoadedCommonJS {
  exports: unknown;
  /** Whether V8 compiled it from the cache file. */
  cacheUsed: boolean;
  /** Writes the cache of everything compiled so far (best effort: a user who may not write there goes without). */
  saveCache(): void;
}

/** Runs a CommonJS file as node's loader would, compiled from `cacheFile` when V8 accepts it. */
export function loadCommonJS(file: string, cacheFile: string): LoadedCommonJS {
  const cachedData = readIfPresent(cacheFile);
  const source = `(function (exports, require, module, __filename, __dirname) {${readFileSync(file, 'utf8')}\n})`;
  const script = new Script(source, { filename: file, ...(cachedData && { cachedData }) });
  const module = { exports: {} as unknown };
  const run = script.runInThisContext() as (exports: unknown, require: NodeRequire, module: unknown, filename: string, dirname: string) => void;
  run(module.exports, createRequire(file), module, file, dirname(file));
  return { exports: module.exports, cacheUsed: cachedData !== undefined && script.cachedDataRejected === false, saveCache: () => writeCache(script, cacheFile) };
}

function readIfPresent(file: string): Buffer | undefined {
  try {
    return readFileSync(file);
  } catch {
    return undefined;
  }
}

function writeCache(script: Script, cacheFile: string): void {
  const partial = `${cacheFile}.${process.pid}`;
  try {
    writeFileSync(partial, script.createCachedData());
    renameSync(partial, cacheFile);
  } catch {
    // Not writable (or gone): the next call compiles again.
    rmSync(partial, { force: true });
  }
}
