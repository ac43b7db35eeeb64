import { execFile } from 'node:child_process';
import { isAscii } from 'node:buffer';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { warmUpCodeCache } from '../../../cli/build-warm-up.js';
import { runVerb } from '../../../cli/testing/run-verb.js';
import { projectRoot } from '../../../lib/paths.js';
import { useControlPlane } from '../../harness/use-control-plane.js';

// The built `kubets` (dist/cli/main.js running the client bundled into one script compiled from a
// code cache, with the schema built one definition at a time) against a real apiserver, printing
// exactly what the same verbs print run in-process from the sources, which build the whole schema.

const run = promisify(execFile);
const DIST = join(projectRoot, 'dist/cli');
const CLI = join(DIST, 'main.js');
const bundles = (): string[] => (existsSync(DIST) ? readdirSync(DIST).filter((name) => /^kubets-[0-9a-f]+\.cjs$/.test(name)) : []);

const fixture = useControlPlane();
let dir: string;
let flags: string[];

/** Runs the built CLI with the flags that reach the test's apiserver; its per-user code cache goes under the test's directory unless `env` says otherwise. */
async function builtCli(args: string[], env: Record<string, string> = {}): Promise<{ stdout: string; stderr: string; code: number }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [CLI, ...args, ...flags], { env: { PATH: process.env.PATH ?? '', XDG_CACHE_HOME: join(dir, 'cache-home'), ...env } });
    return { stdout, stderr, code: 0 };
  } catch (err) {
    const failed = err as { stdout: string; stderr: string; code: number };
    return { stdout: failed.stdout, stderr: failed.stderr, code: failed.code };
  }
}

beforeAll(async () => {
  if (!existsSync(CLI) || bundles().length !== 1) throw new Error('run npm run build first: dist/cli is missing or holds more than one bundle');
  dir = mkdtempSync(join(tmpdir(), 'kubets-built-cli-'));
  const ca = join(dir, 'ca.crt');
  writeFileSync(ca, fixture.cp.caPem);
  flags = ['--server', fixture.cp.apiservers[0]!.address, '--token', fixture.cp.token, '--certificate-authority', ca];
  const manifest = join(dir, 'objects.yaml');
  writeFileSync(
    manifest,
    [
      'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web, labels: {app: web}}\nspec:\n  replicas: 2\n  selector: {matchLabels: {app: web}}\n  template:\n    metadata: {labels: {app: web}}\n    spec: {containers: [{name: web, image: "kubets/busybox:1.36", ports: [{containerPort: 8080}], resources: {limits: {cpu: 500m}}}]}',
      'apiVersion: v1\nkind: Pod\nmetadata: {name: one, labels: {app: one}}\nspec: {containers: [{name: c, image: "kubets/busybox:1.36", args: [sleep, "3600"]}], terminationGracePeriodSeconds: 0}',
      'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: settings}\ndata: {a: "1"}',
    ].join('\n---\n'),
  );
  const created = await builtCli(['apply', '-f', manifest]);
  expect(created.stderr).toBe('');
  expect(created.stdout).toBe('deployment.apps/web created\npod/one created\nconfigmap/settings created\n');
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the built kubets', () => {
  it.each([
    ['get', 'pods', '-o', 'yaml'],
    ['get', 'deployments,configmaps', '-o', 'json'],
    ['get', 'deployment', 'web', '-o', 'custom-columns=NAME:.metadata.name,REPLICAS:.spec.replicas,IMAGE:.spec.template.spec.containers[0].image'],
    ['get', 'pod', 'one', '-o', 'jsonpath={.spec.containers[0].args}'],
    ['describe', 'pod', 'one'],
    ['explain', 'deployment.spec.strategy', '--recursive'],
    ['create', 'configmap', 'other', '--from-literal=b=2', '--dry-run=client', '-o', 'yaml'],
    ['get', 'pod', 'missing'],
  ])('prints what the verb prints in-process: %s', async (...args) => {
    const built = await builtCli(args);
    const inProcess = await runVerb([...args, ...flags], {});
    expect(built).toEqual(inProcess);
  });

  // The bundle builds each message's codecs when first used; once they were built before the
  // message's fields were resolved and printed int64 fields as protobufjs Long objects.
  it('prints int64 fields as JSON numbers', async () => {
    const manifest = join(dir, 'int64.yaml');
    writeFileSync(manifest, 'apiVersion: v1\nkind: Pod\nmetadata: {name: timed}\nspec: {containers: [{name: c, image: "kubets/busybox:1.36"}], terminationGracePeriodSeconds: 45, activeDeadlineSeconds: 600}');
    expect((await builtCli(['create', '-f', manifest])).stdout).toBe('pod/timed created\n');
    const pod = await builtCli(['get', 'pod', 'timed', '-o', 'json']);
    expect(pod.stdout).not.toContain('"low"');
    const spec = (JSON.parse(pod.stdout) as { spec: Record<string, unknown> }).spec;
    expect(spec).toMatchObject({ terminationGracePeriodSeconds: 45, activeDeadlineSeconds: 600 });
    const deployment = await builtCli(['get', 'deployment', 'web', '-o', 'json']);
    expect(deployment.stdout).not.toContain('"low"');
    const { metadata } = JSON.parse(deployment.stdout) as { metadata: { generation: unknown } };
    expect(typeof metadata.generation).toBe('number');
    expect(metadata.generation).toBeGreaterThanOrEqual(1);
  });

  // The entry point then reads it as latin1, without decoding UTF-8 into a two-byte string.
  it('is built as ASCII', () => {
    expect(isAscii(readFileSync(join(DIST, bundles()[0]!)))).toBe(true);
  });

  it('names its bundle by its hash', () => {
    const bundle = bundles()[0]!;
    expect(bundle).toBe(`kubets-${createHash('sha256').update(readFileSync(join(DIST, bundle))).digest('hex').slice(0, 16)}.cjs`);
    expect(readFileSync(CLI, 'utf8')).toContain(bundle);
  });

  // Every built-in module a call loads costs it start-up time; these serve verbs that run other
  // programs, compressed calls and verbs that read stdin.
  it('loads no built-in module a get pods leaves unused', async () => {
    const probe = join(dir, 'loaded-builtins.cjs');
    writeFileSync(probe, "process.on('exit', () => { const loaded = JSON.stringify(process.moduleLoadList); process.stderr.write(loaded); });");
    const { stderr } = await run(process.execPath, ['--require', probe, CLI, 'get', 'pods', ...flags], { env: { PATH: process.env.PATH ?? '', XDG_CACHE_HOME: join(dir, 'cache-home') } });
    const loaded = JSON.parse(stderr) as string[];
    expect(loaded).toContain('NativeModule http2');
    for (const unused of ['NativeModule child_process', 'NativeModule zlib', 'NativeModule internal/fs/streams']) expect(loaded).not.toContain(unused);
  });

  // A daemon uses none of the client's code; the bundle, compiled, cost each daemon megabytes of
  // memory for its whole life. Its command line still reads as the whole program's.
  it("runs a daemon's command line without loading the client's bundle", async () => {
    const probe = join(dir, 'bundle-read.cjs');
    writeFileSync(
      probe,
      "const fs = require('node:fs'); const read = fs.readFileSync; let bundle = false;\n" +
        "fs.readFileSync = function (file, ...rest) { if (/kubets-[0-9a-f]+\\.cjs$/.test(String(file))) bundle = true; return read.call(this, file, ...rest); };\n" +
        "process.on('exit', () => process.stderr.write(JSON.stringify({ bundle })));",
    );
    const env = { env: { PATH: process.env.PATH ?? '', XDG_CACHE_HOME: join(dir, 'cache-home') } };
    const help = await run(process.execPath, ['--require', probe, CLI, 'apiserver', '--help'], env);
    expect(help.stdout).toMatch(/^Usage: kubets apiserver \[options\]\n/);
    expect(JSON.parse(help.stderr)).toEqual({ bundle: false });
    const wrong = await run(process.execPath, ['--require', probe, CLI, 'scheduler', '--no-such-flag'], env).catch((err: { stdout: string; stderr: string; code: number }) => err);
    expect(wrong).toMatchObject({ code: 1, stdout: '' });
    expect(wrong.stderr).toBe("error: unknown flag: --no-such-flag\nSee 'kubets scheduler --help' for usage.\n" + JSON.stringify({ bundle: false }));
    const client = await run(process.execPath, ['--require', probe, CLI, 'get', 'pods', ...flags], env);
    expect(client.stderr).toBe(JSON.stringify({ bundle: true }));
  });

  it('compiles the bundle from the cache the first call left beside it, and replaces a cache V8 refuses', async () => {
    const cache = join(DIST, bundles()[0]!.replace(/\.cjs$/, '.cache'));
    // A user whose cache directory cannot be made (a file is in the way) has only that cache.
    const noUserCache = { XDG_CACHE_HOME: join(dir, 'objects.yaml') };
    rmSync(cache, { force: true });
    expect((await builtCli(['get', 'pods'], noUserCache)).code).toBe(0);
    const written = statSync(cache).mtimeMs;
    expect((await builtCli(['get', 'pods'], noUserCache)).code).toBe(0);
    expect(statSync(cache).mtimeMs).toBe(written);

    writeFileSync(cache, 'not a code cache');
    expect((await builtCli(['get', 'pods'], noUserCache)).code).toBe(0);
    expect(readFileSync(cache, 'utf8')).not.toBe('not a code cache');
  });

  it("keeps the cache of a call made with the test run's environment in the run's cache home, not the user's", async () => {
    const runCacheHome = process.env.XDG_CACHE_HOME ?? '';
    expect(runCacheHome.startsWith(join(homedir(), '.cache'))).toBe(false);
    await run(process.execPath, [CLI, 'get', 'pods', ...flags], { env: process.env });
    expect(readdirSync(join(runCacheHome, 'kubets'))).toContainEqual(expect.stringMatching(new RegExp(`^${bundles()[0]!.replace(/\.cjs$/, '')}-`)));
  });

  it("has the build's warm-up call get as far as its connection attempt, whatever client config the machine has", async () => {
    expect(await warmUpCodeCache(CLI)).toMatch(/^Unable to connect to the server: no apiserver reachable \(127\.0\.0\.1:1: /);
  });

  // The cache beside the bundle holds what a call compiles before it connects; the user's holds a
  // whole call, answer and printing included, and is what every later call compiles from.
  it("keeps the user's own cache of a call that reached the apiserver, uses it, and drops one V8 refuses", async () => {
    const cacheDir = join(dir, 'own-cache', 'kubets');
    const env = { XDG_CACHE_HOME: join(dir, 'own-cache') };
    expect((await builtCli(['--help'], env)).code).toBe(0);
    expect(existsSync(cacheDir)).toBe(false);

    const listed = await builtCli(['get', 'pods', '-o', 'name'], env);
    expect(listed.code).toBe(0);
    const names = readdirSync(cacheDir);
    expect(names).toEqual([expect.stringMatching(new RegExp(`^${bundles()[0]!.replace(/\.cjs$/, '')}-node[\\d.]+-[0-9a-f]{8}\\.cache$`))]);
    const own = join(cacheDir, names[0]!);
    expect(statSync(cacheDir).mode & 0o777).toBe(0o700);
    expect(statSync(own).mode & 0o777).toBe(0o600);
    const written = statSync(own).mtimeMs;
    expect(await builtCli(['get', 'pods', '-o', 'name'], env)).toEqual(listed);
    expect(statSync(own).mtimeMs).toBe(written);

    writeFileSync(own, 'not a code cache');
    expect((await builtCli(['--help'], env)).code).toBe(0);
    expect(existsSync(own)).toBe(false);
    writeFileSync(own, 'not a code cache');
    expect(await builtCli(['get', 'pods', '-o', 'name'], env)).toEqual(listed);
    expect(readFileSync(own, 'utf8')).not.toBe('not a code cache');
  });
});
