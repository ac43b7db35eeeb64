import { spawnSync } from 'node:child_process';
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
});
