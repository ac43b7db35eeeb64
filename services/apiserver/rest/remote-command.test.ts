import { describe, expect, it } from 'vitest';
import { execStartFrom, exitStatus } from './remote-command.js';

describe('pods/exec and pods/attach over WebSocket', () => {
  it('reads the session from the query as kubectl sends it', () => {
    const query = new URLSearchParams('command=sh&command=-c&command=echo+hi&container=shell&stdin=true&stdout=true&stderr=true&tty=false');
    expect(execStartFrom(query, 'dev', 'web', false)).toEqual({ namespace: 'dev', name: 'web', container: 'shell', command: ['sh', '-c', 'echo hi'], stdin: true, tty: false });
    expect(execStartFrom(new URLSearchParams('container=c&stdin=1&tty=true'), 'dev', 'web', true)).toMatchObject({ command: [], stdin: true, tty: true });
    expect(() => execStartFrom(new URLSearchParams('container=c'), 'dev', 'web', false)).toThrow('you must specify at least one command for the container');
  });

  it('ends with the Status kubectl reads the exit code from', () => {
    expect(exitStatus(0)).toEqual({ metadata: {}, status: 'Success' });
    expect(exitStatus(3)).toMatchObject({ status: 'Failure', reason: 'NonZeroExitCode', details: { causes: [{ reason: 'ExitCode', message: '3' }] } });
  });
});
