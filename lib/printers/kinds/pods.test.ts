import { describe, expect, it } from 'vitest';
import type { ContainerStatus, Pod } from '../../api/generated/index.js';
import { podPrinter, podSummary } from './pods.js';

const now = Date.parse('2024-05-10T12:00:00Z');
const minutesAgo = (m: number): string => new Date(now - m * 60_000).toISOString();

function pod(phase: string, statuses: ContainerStatus[], extra: Partial<Pod> = {}): Pod {
  return {
    metadata: { name: 'web', creationTimestamp: minutesAgo(10), ...extra.metadata },
    spec: { containers: statuses.map((s) => ({ name: s.name, image: 'busybox' })), ...extra.spec },
    status: { phase, containerStatuses: statuses, ...extra.status },
  };
}

const running = (name = 'c', ready = true, restartCount = 0): ContainerStatus => ({
  name,
  ready,
  restartCount,
  state: { running: { startedAt: minutesAgo(1) } },
});
const waiting = (reason: string, name = 'c', restartCount = 0): ContainerStatus => ({ name, ready: false, restartCount, state: { waiting: { reason } } });
const terminated = (exitCode: number, reason?: string, signal?: number): ContainerStatus => ({
  name: 'c',
  ready: false,
  restartCount: 0,
  state: { terminated: { exitCode, reason, signal } },
});

describe('podSummary', () => {
  it.each<[string, Pod, string, string]>([
    ['pending without statuses', pod('Pending', []), '0/0', 'Pending'],
    ['container creating', pod('Pending', [waiting('ContainerCreating')]), '0/1', 'ContainerCreating'],
    ['image pull back-off', pod('Pending', [waiting('ImagePullBackOff')]), '0/1', 'ImagePullBackOff'],
    ['image pull error', pod('Pending', [waiting('ErrImagePull')]), '0/1', 'ErrImagePull'],
    ['running and ready', pod('Running', [running()]), '1/1', 'Running'],
    ['running but not ready', pod('Running', [running('c', false)]), '0/1', 'Running'],
    ['completed', pod('Succeeded', [terminated(0, 'Completed')]), '0/1', 'Completed'],
    ['failed', pod('Failed', [terminated(1, 'Error')]), '0/1', 'Error'],
    ['exit code without reason', pod('Failed', [terminated(137)]), '0/1', 'ExitCode:137'],
    ['signal without reason', pod('Failed', [terminated(0, undefined, 9)]), '0/1', 'Signal:9'],
    ['evicted', pod('Failed', [], { status: { reason: 'Evicted' } }), '0/0', 'Evicted'],
    ['first troubled container wins', pod('Running', [waiting('CrashLoopBackOff', 'a'), running('b'), waiting('ErrImagePull', 'c')]), '1/3', 'CrashLoopBackOff'],
  ])('%s', (_name, p, ready, status) => {
    const summary = podSummary(p, now);
    expect([summary.ready, summary.status]).toEqual([ready, status]);
  });

  it('reports a completed sidecar next to a running container as Running or NotReady by the Ready condition', () => {
    const statuses = [running('app'), { ...terminated(0, 'Completed'), name: 'job' }];
    expect(podSummary(pod('Running', statuses, { status: { conditions: [{ type: 'Ready', status: 'True' }] } }), now).status).toBe('Running');
    expect(podSummary(pod('Running', statuses), now).status).toBe('NotReady');
  });

  it('shows init progress and init failures', () => {
    const spec = { initContainers: [{ name: 'i1' }, { name: 'i2' }], containers: [{ name: 'c' }] };
    const init = (...initContainerStatuses: ContainerStatus[]): Pod => ({
      metadata: { name: 'p' },
      spec,
      status: { phase: 'Pending', initContainerStatuses, containerStatuses: [waiting('PodInitializing')] },
    });
    const done = { ...terminated(0, 'Completed'), name: 'i1' };
    expect(podSummary(init(running('i1', false), waiting('PodInitializing', 'i2')), now).status).toBe('Init:0/2');
    expect(podSummary(init(done, running('i2', false)), now).status).toBe('Init:1/2');
    expect(podSummary(init(done, waiting('CrashLoopBackOff', 'i2', 3)), now)).toEqual({ ready: '0/1', status: 'Init:CrashLoopBackOff', restarts: '3' });
    expect(podSummary(init({ ...terminated(1, 'Error'), name: 'i1' }), now).status).toBe('Init:Error');
    expect(podSummary(init({ ...terminated(2), name: 'i1' }), now).status).toBe('Init:ExitCode:2');
    expect(podSummary(init(done, waiting('PodInitializing', 'i2')), now).status).toBe('Init:1/2');
  });

  it('says Terminating for a pod being deleted, and Unknown when its node was lost', () => {
    const deleting = { metadata: { name: 'web', deletionTimestamp: minutesAgo(0) } };
    expect(podSummary(pod('Running', [running()], deleting), now).status).toBe('Terminating');
    expect(podSummary(pod('Running', [running()], { ...deleting, status: { reason: 'NodeLost' } }), now).status).toBe('Unknown');
    expect(podSummary(pod('Succeeded', [terminated(0, 'Completed')], deleting), now).status).toBe('Completed');
  });

  it('says SchedulingGated while scheduling gates hold the pod', () => {
    const gated = pod('Pending', [], { status: { conditions: [{ type: 'PodScheduled', status: 'False', reason: 'SchedulingGated' }] } });
    expect(podSummary(gated, now).status).toBe('SchedulingGated');
  });

  it('counts restarts and says how long ago the last one was', () => {
    const crashing: ContainerStatus = {
      ...waiting('CrashLoopBackOff', 'c', 5),
      lastState: { terminated: { exitCode: 1, reason: 'Error', finishedAt: minutesAgo(5) } },
    };
    const other: ContainerStatus = { ...running('d', true, 2), lastState: { terminated: { exitCode: 1, finishedAt: minutesAgo(50) } } };
    expect(podSummary(pod('Running', [crashing, other]), now)).toEqual({ ready: '1/2', status: 'CrashLoopBackOff', restarts: '7 (5m ago)' });
    expect(podSummary(pod('Running', [running('c', true, 3)]), now).restarts).toBe('3');
  });
});

describe('podPrinter', () => {
  it('fills NAME READY STATUS RESTARTS AGE and the wide columns', () => {
    const p = pod('Running', [running()], { spec: { nodeName: 'node-1' }, status: { podIP: '172.17.0.4', podIPs: [{ ip: '172.17.0.4' }] } });
    expect(podPrinter.cells(p, { now })).toEqual(['web', '1/1', 'Running', '0', '10m', '172.17.0.4', 'node-1', '<none>', '<none>']);
    expect(podPrinter.cells({ metadata: { name: 'x' } }, { now })).toEqual(['x', '0/0', '', '0', '<unknown>', '<none>', '<none>', '<none>', '<none>']);
  });
});
