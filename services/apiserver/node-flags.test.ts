import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { APISERVER_NODE_FLAGS } from './node-flags.js';

describe('APISERVER_NODE_FLAGS', () => {
  it('turns allocation-site pretenuring off, so per-call garbage dies young', () => {
    expect(APISERVER_NODE_FLAGS).toContain('--no-allocation-site-pretenuring');
  });

  it('holds only flags this Node accepts (a bad one stops the apiserver from starting)', () => {
    const run = spawnSync(process.execPath, [...APISERVER_NODE_FLAGS, '-e', '0'], { encoding: 'utf8' });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
  });

  it('are the flags the systemd unit starts the apiserver with', () => {
    const unit = readFileSync(new URL('../../deploy/systemd/kubets-apiserver.service', import.meta.url), 'utf8');
    const execStart = unit.split('\n').find((line) => line.startsWith('ExecStart='))!;
    const [, between] = /^ExecStart=\/usr\/bin\/node (.*?) \/usr\/local\/bin\/kubets apiserver/.exec(execStart) ?? [];
    expect(between?.split(' ').sort()).toEqual([...APISERVER_NODE_FLAGS].sort());
  });
});
