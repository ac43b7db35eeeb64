import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readlinkSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { processesUsing, stopProcessesUsing } from './leftover-processes.js';

describe('leftover processes of a data directory', () => {
  const children: ChildProcess[] = [];
  const dirs: string[] = [];
  afterEach(() => {
    for (const child of children.splice(0)) child.kill('SIGKILL');
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  function dataDir(): string {
    const dir = mkdtempSync(join(tmpdir(), 'kubets-leftover-'));
    dirs.push(dir);
    return dir;
  }

  function sleeper(...args: string[]): ChildProcess {
    // sh -c with extra arguments: they sit in its command line without being run. It waits in the
    // builtin read on a pipe left open, not in sleep: a child forked for sleep carries the same
    // command line until its exec, and was once counted as a second process naming the path.
    const child = spawn('sh', ['-c', 'read _', 'sh', ...args], { stdio: ['pipe', 'ignore', 'ignore'] });
    children.push(child);
    return child;
  }

  it('finds processes naming a path inside the directory, as an argument or a --flag=value, and no others', () => {
    const dir = dataDir();
    const byPath = sleeper('serve', join(dir, 'registry', 'config.yml'));
    const byFlag = sleeper(`--data-dir=${dir}`);
    const sibling = sleeper(`${dir}2/registry/config.yml`);
    const found = processesUsing(dir);
    expect(found).toEqual(expect.arrayContaining([byPath.pid, byFlag.pid]));
    expect(found).not.toContain(sibling.pid);
    expect(found).not.toContain(process.pid);
  });

  it('leaves processes of another mount namespace alone (a container\'s, kept with --keep-workloads)', async () => {
    const dir = dataDir();
    const contained = spawn('unshare', ['--mount', 'sleep', '60', join(dir, 'x')], { stdio: 'ignore' });
    children.push(contained);
    // Until unshare has made its namespace it is a process of ours naming the path.
    const mountNamespace = (pid: number | string): string | undefined => {
      try {
        return readlinkSync(`/proc/${pid}/ns/mnt`);
      } catch {
        return undefined;
      }
    };
    for (let tries = 0; mountNamespace(contained.pid!) === mountNamespace('self') && tries < 500; tries++) await new Promise((r) => setTimeout(r, 10));
    const plain = sleeper(join(dir, 'x'));
    const found = processesUsing(dir);
    expect(found).toContain(plain.pid);
    expect(found).not.toContain(contained.pid);
  });

  it('stops them, the caller spared', async () => {
    const dir = dataDir();
    const child = sleeper(join(dir, 'etcd'));
    const exited = new Promise((r) => child.once('exit', r));
    expect(await stopProcessesUsing(dir, 5_000)).toBe(1);
    await exited;
    expect(processesUsing(dir)).toEqual([]);
  });
});
