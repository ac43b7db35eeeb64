import type { ContainerInfo, ContainerInspectInfo } from 'dockerode';
import { describe, expect, it } from 'vitest';
import {
  cannotRunMessage,
  containerStatusFromInspect,
  dockerTime,
  groupByPod,
  imageRefFromImage,
  runStateFromInspect,
  sandboxStatusFromInspect,
} from './docker-status.js';

const ZERO = '0001-01-01T00:00:00Z';

function inspect(state: Partial<ContainerInspectInfo['State']>, labels: Record<string, string> = {}): ContainerInspectInfo {
  return {
    Id: 'abc',
    Created: '2024-01-01T00:00:00.5Z',
    State: { Status: 'exited', Running: false, Paused: false, Restarting: false, OOMKilled: false, Dead: false, Pid: 0, ExitCode: 0, Error: '', StartedAt: ZERO, FinishedAt: ZERO, ...state },
    Config: { Image: 'kubets/busybox:1.36', Labels: { 'io.kubets.container.name': 'app', 'io.kubets.container.restartCount': '3', 'io.kubets.container.hash': 'h', ...labels } },
    HostConfig: { NetworkMode: 'bridge' },
    NetworkSettings: { Networks: { bridge: { IPAddress: '172.17.0.9' } } },
  } as unknown as ContainerInspectInfo;
}

describe('docker inspect → runtime status', () => {
  it('reads Docker zero times as absent', () => {
    expect(dockerTime(ZERO)).toBeUndefined();
    expect(dockerTime('2024-01-01T00:00:01Z')).toBe(Date.parse('2024-01-01T00:00:01Z'));
  });

  it('classifies states like dockershim', () => {
    expect(runStateFromInspect(inspect({ Running: true, Status: 'running' }).State)).toBe('running');
    expect(runStateFromInspect(inspect({ FinishedAt: '2024-01-01T00:00:02Z' }).State)).toBe('exited');
    expect(runStateFromInspect(inspect({ ExitCode: 127, Error: 'boom', Status: 'created' }).State)).toBe('exited');
    expect(runStateFromInspect(inspect({ Status: 'created' }).State)).toBe('created');
  });

  it('reports Completed, Error and OOMKilled with exit codes and times', () => {
    const finished = { StartedAt: '2024-01-01T00:00:01Z', FinishedAt: '2024-01-01T00:00:02Z' };
    expect(containerStatusFromInspect(inspect({ ...finished, ExitCode: 0 }), 'ref')).toMatchObject({
      state: 'exited',
      reason: 'Completed',
      exitCode: 0,
      restartCount: 3,
      hash: 'h',
      startedAt: Date.parse('2024-01-01T00:00:01Z'),
      finishedAt: Date.parse('2024-01-01T00:00:02Z'),
    });
    expect(containerStatusFromInspect(inspect({ ...finished, ExitCode: 2 }), 'ref').reason).toBe('Error');
    expect(containerStatusFromInspect(inspect({ ...finished, ExitCode: 137, OOMKilled: true }), 'ref').reason).toBe('OOMKilled');
  });

  it('reports a container Docker could not start as ContainerCannotRun with its message', () => {
    const s = containerStatusFromInspect(inspect({ ExitCode: 127, Error: 'exec: "nope": executable file not found in $PATH' }), 'ref');
    expect(s).toMatchObject({ state: 'exited', reason: 'ContainerCannotRun', message: 'exec: "nope": executable file not found in $PATH' });
    expect(s.finishedAt).toBe(s.createdAt);
  });

  it("recognises docker-init's report of an unrunnable command", () => {
    const log = '\u0002\u0000\u0000\u0000\u0000\u0000\u0000\u0040[FATAL tini (7)] exec nosuchcmd failed: No such file or directory\n';
    const message = cannotRunMessage(log);
    expect(message).toBe('exec nosuchcmd failed: No such file or directory');
    const finished = { StartedAt: '2024-01-01T00:00:01Z', FinishedAt: '2024-01-01T00:00:02Z', ExitCode: 127 };
    expect(containerStatusFromInspect(inspect(finished), 'ref', message)).toMatchObject({ reason: 'ContainerCannotRun', message });
    expect(cannotRunMessage('sh: nosuchcmd: not found\n')).toBeUndefined();
  });

  it('reads the sandbox IP from the pod network', () => {
    const info = inspect({ Running: true, Status: 'running' }, { 'io.kubets.container.name': 'POD', 'io.kubets.container.restartCount': '1' });
    expect(sandboxStatusFromInspect(info, 'bridge')).toMatchObject({ ready: true, ip: '172.17.0.9', attempt: 1, hostNetwork: false });
  });

  it('builds image ids as Kubernetes reports them', () => {
    expect(imageRefFromImage({ Id: 'sha256:1', RepoDigests: [] }, 'sha256:1')).toBe('docker://sha256:1');
    expect(imageRefFromImage({ Id: 'sha256:1', RepoDigests: ['busybox@sha256:2'] }, 'sha256:1')).toBe('docker-pullable://busybox@sha256:2');
  });
});

describe('groupByPod', () => {
  it('groups listed containers by pod uid, newest first', () => {
    const listed = (id: string, uid: string, name: string, created: number, restart = '0') =>
      ({
        Id: id,
        Created: created,
        State: 'running',
        Labels: {
          'io.kubets.pod.uid': uid,
          'io.kubets.pod.name': `pod-${uid}`,
          'io.kubets.pod.namespace': 'ns',
          'io.kubets.container.name': name,
          'io.kubets.container.restartCount': restart,
        },
      }) as unknown as ContainerInfo;
    const pods = groupByPod([listed('a', 'u1', 'POD', 1), listed('b', 'u1', 'app', 2), listed('c', 'u2', 'app', 3), listed('d', 'u1', 'app', 2, '1')]);
    expect(pods.map((p) => [p.uid, p.name, p.containers.map((c) => c.id)])).toEqual([
      ['u1', 'pod-u1', ['d', 'b', 'a']],
      ['u2', 'pod-u2', ['c']],
    ]);
    expect(pods[0]?.containers[2]?.sandbox).toBe(true);
  });
});
