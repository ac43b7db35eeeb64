import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { useFakeApiServer } from '../../lib/client/testing/fake-api-per-test.js';
import { runVerb } from '../testing/run-verb.js';
import { parseRemoteSpec, renameTransforms } from './cp.js';

// The container is a scratch directory: the fake apiserver's exec runs each command on this host
// with the container's absolute paths moved under that directory, so real tar runs on both ends.

const api = useFakeApiServer();
const run = (...argv: string[]) => runVerb(argv, { client: api.client });
let work: string;
let containerRoot: string;

beforeEach(async () => {
  work = mkdtempSync(join(tmpdir(), 'kubets-cp-'));
  containerRoot = join(work, 'container');
  mkdirSync(join(containerRoot, 'data', 'site'), { recursive: true });
  writeFileSync(join(containerRoot, 'data', 'site', 'index.html'), '<h1>hi</h1>');
  writeFileSync(join(containerRoot, 'data', 'app.conf'), 'port=80\n');
  await api.client.resource('pod').create({ metadata: { name: 'web', namespace: 'default' }, spec: { containers: [{ name: 'nginx', image: 'nginx' }] } });
  api.fake.execHandler = (start, io) =>
    new Promise((resolve) => {
      const [cmd, ...args] = (start.command ?? []).map((a) => (a.startsWith('/') ? join(containerRoot, a) : a));
      const child = spawn(cmd!, args, { stdio: ['pipe', 'pipe', 'pipe'] });
      if (start.stdin) io.stdin.pipe(child.stdin);
      else child.stdin.end();
      child.stdout.on('data', (d: Buffer) => io.stdout(d));
      child.stderr.on('data', (d: Buffer) => io.stderr(d.toString().replaceAll(containerRoot, '')));
      child.on('close', (code) => resolve(code ?? 1));
    });
});

afterEach(() => rmSync(work, { recursive: true, force: true }));

describe('cp', () => {
  it('parses remote specs and builds tar renames', () => {
    expect(parseRemoteSpec('web:/data')).toEqual({ pod: 'web', path: '/data' });
    expect(parseRemoteSpec('prod/web:/data')).toEqual({ namespace: 'prod', pod: 'web', path: '/data' });
    expect(parseRemoteSpec('/tmp/x')).toBeUndefined();
    expect(() => parseRemoteSpec('web:')).toThrow('filepath can not be empty');
    expect(renameTransforms('a.b', 'c&d')).toEqual(['--transform=s,^a\\.b$,c\\&d,S', '--transform=s,^a\\.b/,c\\&d/,S']);
    expect(renameTransforms('same', 'same')).toEqual([]);
  });

  it('copies a file and a directory out of the container, renamed or into a directory', async () => {
    expect(await run('cp', 'web:/data/app.conf', join(work, 'local.conf'))).toEqual({ stdout: '', stderr: '', code: 0 });
    expect(readFileSync(join(work, 'local.conf'), 'utf8')).toBe('port=80\n');
    expect((await run('cp', 'default/web:/data/site', join(work, 'copy'))).code).toBe(0);
    expect(readFileSync(join(work, 'copy', 'index.html'), 'utf8')).toBe('<h1>hi</h1>');
    mkdirSync(join(work, 'into'));
    expect((await run('cp', 'web:/data/site', join(work, 'into'))).code).toBe(0);
    expect(readFileSync(join(work, 'into', 'site', 'index.html'), 'utf8')).toBe('<h1>hi</h1>');
  });

  it('copies a file and a directory into the container', async () => {
    writeFileSync(join(work, 'notes.txt'), 'hello');
    mkdirSync(join(work, 'assets'));
    writeFileSync(join(work, 'assets', 'logo.svg'), '<svg/>');
    expect((await run('cp', join(work, 'notes.txt'), 'web:/data/renamed.txt')).code).toBe(0);
    expect(readFileSync(join(containerRoot, 'data', 'renamed.txt'), 'utf8')).toBe('hello');
    expect((await run('cp', join(work, 'notes.txt'), 'web:/data/site')).code).toBe(0);
    expect(readFileSync(join(containerRoot, 'data', 'site', 'notes.txt'), 'utf8')).toBe('hello');
    expect((await run('cp', join(work, 'assets'), 'web:/data/static')).code).toBe(0);
    expect(readFileSync(join(containerRoot, 'data', 'static', 'logo.svg'), 'utf8')).toBe('<svg/>');
  });

  it('reports what is wrong', async () => {
    expect((await run('cp', 'web:/data/missing', join(work, 'x'))).stderr).toMatch(/^error: tar: .*missing.*No such file or directory/);
    expect((await run('cp', join(work, 'nope'), 'web:/data')).stderr).toBe(`error: ${join(work, 'nope')} doesn't exist in local filesystem\n`);
    expect((await run('cp', 'a:/x', 'b:/y')).stderr).toBe('error: one of src or dest must be a local file specification\n');
    expect((await run('cp', '/x', '/y')).stderr).toBe('error: one of src or dest must be a remote file specification\n');
    expect((await run('cp', 'ghost:/x', join(work, 'x'))).stderr).toBe('Error from server (NotFound): pods "ghost" not found\n');
  });
});
