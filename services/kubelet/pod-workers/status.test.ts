import { describe, expect, it } from 'vitest';
import type { Container, Pod } from '../../../lib/api/generated/index.js';
import type { RuntimeContainerStatus, RuntimePodStatus } from '../runtime/types.js';
import { generatePodStatus, noProbes, rfc3339, type StatusInput } from './status.js';

const T0 = Date.parse('2024-05-01T10:00:00Z');
const app: Container = { name: 'app', image: 'kubets/busybox:1.36' };

function pod(spec: Pod['spec'] = {}): Pod {
  return { metadata: { uid: 'u', name: 'p', namespace: 'default' }, spec: { containers: [app], ...spec } };
}

function instance(name: string, state: RuntimeContainerStatus['state'], extra: Partial<RuntimeContainerStatus> = {}): RuntimeContainerStatus {
  return {
    id: `${name}-${extra.restartCount ?? 0}`,
    name,
    state,
    createdAt: T0,
    startedAt: T0 + 1000,
    image: 'kubets/busybox:1.36',
    imageRef: 'docker://sha256:abc',
    restartCount: 0,
    hash: 'h',
    init: false,
    ...extra,
  };
}

const sandbox = { id: 's', ready: true, ip: '172.17.0.7', attempt: 0, createdAt: T0, hostNetwork: false };

function runtime(containers: RuntimeContainerStatus[], sandboxes = [sandbox]): RuntimePodStatus {
  return { uid: 'u', name: 'p', namespace: 'default', sandboxes, containers };
}

function status(input: Partial<StatusInput> & { pod: Pod; runtime: RuntimePodStatus }) {
  return generatePodStatus({ reasons: new Map(), hostIP: '10.0.0.1', probes: noProbes, now: () => T0 + 5000, ...input });
}

describe('generatePodStatus', () => {
  it('reports a new pod as Pending with ContainerCreating', () => {
    const s = status({ pod: pod(), runtime: runtime([], []) });
    expect(s.phase).toBe('Pending');
    expect(s.podIP).toBeUndefined();
    expect(s.hostIP).toBe('10.0.0.1');
    expect(s.hostIPs).toEqual([{ ip: '10.0.0.1' }]);
    expect(s.qosClass).toBe('BestEffort');
    expect(s.startTime).toBe('2024-05-01T10:00:05Z');
    expect(s.containerStatuses).toEqual([
      { name: 'app', state: { waiting: { reason: 'ContainerCreating' } }, lastState: {}, ready: false, restartCount: 0, image: 'kubets/busybox:1.36', imageID: '', started: false },
    ]);
    expect(s.conditions?.map((c) => [c.type, c.status, c.reason])).toEqual([
      ['Initialized', 'True', undefined],
      ['Ready', 'False', 'ContainersNotReady'],
      ['ContainersReady', 'False', 'ContainersNotReady'],
      ['PodScheduled', 'True', undefined],
    ]);
    expect(s.conditions?.[1]?.message).toBe('containers with unready status: [app]');
  });

  it('reports a running pod as Running and Ready with its IP and container IDs', () => {
    const s = status({ pod: pod(), runtime: runtime([instance('app', 'running')]) });
    expect(s.phase).toBe('Running');
    expect(s.podIP).toBe('172.17.0.7');
    expect(s.podIPs).toEqual([{ ip: '172.17.0.7' }]);
    expect(s.containerStatuses?.[0]).toEqual({
      name: 'app',
      state: { running: { startedAt: '2024-05-01T10:00:01Z' } },
      lastState: {},
      ready: true,
      started: true,
      restartCount: 0,
      image: 'kubets/busybox:1.36',
      imageID: 'docker://sha256:abc',
      containerID: 'docker://app-0',
    });
    expect(s.conditions?.every((c) => c.status === 'True')).toBe(true);
  });

  it('keeps lastTransitionTime while a condition does not change', () => {
    const first = status({ pod: pod(), runtime: runtime([instance('app', 'running')]), now: () => T0 });
    const second = status({ pod: pod(), runtime: runtime([instance('app', 'running')]), previous: first, now: () => T0 + 60_000 });
    expect(second.conditions?.map((c) => c.lastTransitionTime)).toEqual(first.conditions?.map((c) => c.lastTransitionTime));
    const notReady = { started: () => true, ready: () => false };
    const third = status({ pod: pod(), runtime: runtime([instance('app', 'running')]), previous: second, probes: notReady, now: () => T0 + 120_000 });
    expect(third.conditions?.find((c) => c.type === 'Ready')?.lastTransitionTime).toBe(rfc3339(T0 + 120_000));
    expect(third.conditions?.find((c) => c.type === 'Initialized')?.lastTransitionTime).toBe(rfc3339(T0));
    expect(third.startTime).toBe(first.startTime);
  });

  it('shows a crash loop: waiting CrashLoopBackOff with the last termination', () => {
    const crashed = instance('app', 'exited', { restartCount: 1, exitCode: 1, reason: 'Error', finishedAt: T0 + 2000 });
    const older = instance('app', 'exited', { restartCount: 0, exitCode: 1, reason: 'Error', finishedAt: T0 + 1500 });
    const reasons = new Map([['app', { reason: 'CrashLoopBackOff', message: 'back-off 10s restarting failed container=app pod=p_default(u)' }]]);
    const s = status({ pod: pod(), runtime: runtime([crashed, older]), reasons });
    expect(s.phase).toBe('Running');
    expect(s.containerStatuses?.[0]).toMatchObject({
      restartCount: 1,
      state: { waiting: { reason: 'CrashLoopBackOff', message: 'back-off 10s restarting failed container=app pod=p_default(u)' } },
      lastState: { terminated: { exitCode: 1, reason: 'Error', finishedAt: '2024-05-01T10:00:02Z', containerID: 'docker://app-1' } },
    });
  });

  it('reports Succeeded and Failed for finished pods that do not restart', () => {
    const done = instance('app', 'exited', { exitCode: 0, reason: 'Completed', finishedAt: T0 + 2000 });
    expect(status({ pod: pod({ restartPolicy: 'Never' }), runtime: runtime([done]) }).phase).toBe('Succeeded');
    expect(status({ pod: pod({ restartPolicy: 'OnFailure' }), runtime: runtime([done]) }).phase).toBe('Succeeded');
    const failed = instance('app', 'exited', { exitCode: 2, reason: 'Error', finishedAt: T0 + 2000 });
    const s = status({ pod: pod({ restartPolicy: 'Never' }), runtime: runtime([failed]) });
    expect(s.phase).toBe('Failed');
    expect(s.conditions?.find((c) => c.type === 'Ready')).toMatchObject({ status: 'False', reason: 'PodFailed' });
    expect(s.containerStatuses?.[0]?.state?.terminated).toMatchObject({ exitCode: 2, reason: 'Error' });
  });

  it('never leaves a terminal phase', () => {
    const running = instance('app', 'running');
    expect(status({ pod: pod(), runtime: runtime([running]), previous: { phase: 'Succeeded' } }).phase).toBe('Succeeded');
  });

  it('treats stopped containers of a pod being shut down as finished', () => {
    const stopped = instance('app', 'exited', { exitCode: 137, reason: 'Error', finishedAt: T0 + 2000 });
    expect(status({ pod: pod(), runtime: runtime([stopped]), terminal: true }).phase).toBe('Failed');
  });

  it('shows image pull failures as waiting reasons', () => {
    const reasons = new Map([['app', { reason: 'ErrImagePull', message: 'connection refused' }]]);
    const s = status({ pod: pod(), runtime: runtime([]), reasons });
    expect(s.phase).toBe('Pending');
    expect(s.containerStatuses?.[0]?.state).toEqual({ waiting: { reason: 'ErrImagePull', message: 'connection refused' } });
  });

  it('tracks init containers: PodInitializing, then Initialized', () => {
    const p = pod({ initContainers: [{ name: 'setup', image: 'kubets/busybox:1.36' }] });
    const initRunning = instance('setup', 'running', { init: true });
    const s = status({ pod: p, runtime: runtime([initRunning]) });
    expect(s.phase).toBe('Pending');
    expect(s.containerStatuses?.[0]?.state).toEqual({ waiting: { reason: 'PodInitializing' } });
    expect(s.initContainerStatuses?.[0]?.state?.running).toBeDefined();
    expect(s.conditions?.find((c) => c.type === 'Initialized')).toMatchObject({
      status: 'False',
      reason: 'ContainersNotInitialized',
      message: 'containers with incomplete status: [setup]',
    });
    const initDone = instance('setup', 'exited', { init: true, exitCode: 0, reason: 'Completed', finishedAt: T0 + 2000 });
    const later = status({ pod: p, runtime: runtime([instance('app', 'running'), initDone]) });
    expect(later.phase).toBe('Running');
    expect(later.initContainerStatuses?.[0]).toMatchObject({ ready: true, state: { terminated: { reason: 'Completed' } } });
    expect(later.conditions?.find((c) => c.type === 'Initialized')?.status).toBe('True');
  });

  it('fails a Never pod whose init container failed', () => {
    const p = pod({ restartPolicy: 'Never', initContainers: [{ name: 'setup', image: 'i' }] });
    const failed = instance('setup', 'exited', { init: true, exitCode: 1, reason: 'Error', finishedAt: T0 + 2000 });
    expect(status({ pod: p, runtime: runtime([failed]) }).phase).toBe('Failed');
  });

  it('uses the host IP for host-network pods', () => {
    const s = status({ pod: pod({ hostNetwork: true }), runtime: runtime([instance('app', 'running')], [{ ...sandbox, ip: undefined, hostNetwork: true }] as never) });
    expect(s.podIP).toBe('10.0.0.1');
  });

  it('honours readiness and startup from the prober', () => {
    const s = status({ pod: pod(), runtime: runtime([instance('app', 'running')]), probes: { started: () => false, ready: () => true } });
    expect(s.containerStatuses?.[0]).toMatchObject({ started: false, ready: false });
  });

  it('keeps the scheduler PodScheduled condition', () => {
    const scheduled = { type: 'PodScheduled', status: 'True', lastTransitionTime: '2024-01-01T00:00:00Z' };
    const p = { ...pod(), status: { conditions: [scheduled] } };
    expect(status({ pod: p, runtime: runtime([]) }).conditions?.find((c) => c.type === 'PodScheduled')).toEqual(scheduled);
  });
});
