import { describe, expect, it } from 'vitest';
import type { Container, Pod } from '../../../lib/api/generated/index.js';
import { hashContainer } from './labels.js';
import { computePodActions, containerIdFor, nextInitContainer, sandboxChanged, shouldContainerBeRestarted } from './pod-actions.js';
import type { ProbeVerdicts, RuntimeContainerStatus, RuntimePodStatus, RuntimeSandboxStatus } from './types.js';

const app: Container = { name: 'app', image: 'kubets/busybox:1.36' };
const sidecar: Container = { name: 'side', image: 'kubets/busybox:1.36' };
const init1: Container = { name: 'init1', image: 'kubets/busybox:1.36' };
const init2: Container = { name: 'init2', image: 'kubets/busybox:1.36' };

function pod(spec: Pod['spec'] = {}): Pod {
  return { metadata: { uid: 'u', name: 'p', namespace: 'default' }, spec: { containers: [app], ...spec } };
}

const readySandbox: RuntimeSandboxStatus = { id: 's1', ready: true, ip: '172.17.0.5', attempt: 0, createdAt: 1, hostNetwork: false };

function container(c: Container, state: RuntimeContainerStatus['state'], extra: Partial<RuntimeContainerStatus> = {}): RuntimeContainerStatus {
  return {
    id: `${c.name}-${extra.restartCount ?? 0}`,
    name: c.name ?? '',
    state,
    createdAt: 10 + (extra.restartCount ?? 0),
    image: c.image ?? '',
    imageRef: 'docker://sha256:x',
    restartCount: 0,
    hash: hashContainer(c),
    init: false,
    ...extra,
  };
}

function status(sandboxes: RuntimeSandboxStatus[], containers: RuntimeContainerStatus[]): RuntimePodStatus {
  return { uid: 'u', name: 'p', namespace: 'default', sandboxes, containers };
}

const healthy: ProbeVerdicts = { liveness: () => 'unknown', startup: () => 'unknown' };

describe('sandboxChanged', () => {
  it('creates attempt 0 when there is no sandbox', () => {
    expect(sandboxChanged(pod(), [])).toEqual({ create: true, attempt: 0 });
  });

  it('keeps a ready sandbox with an IP', () => {
    expect(sandboxChanged(pod(), [readySandbox])).toEqual({ create: false, attempt: 0, sandboxId: 's1' });
  });

  it('recreates a dead sandbox with the next attempt', () => {
    expect(sandboxChanged(pod(), [{ ...readySandbox, ready: false }])).toMatchObject({ create: true, attempt: 1 });
  });

  it('recreates when host networking changed', () => {
    expect(sandboxChanged(pod({ hostNetwork: true }), [readySandbox])).toMatchObject({ create: true, attempt: 1 });
  });
});

describe('computePodActions', () => {
  it('starts a new pod: sandbox, then the app containers', () => {
    const actions = computePodActions(pod({ containers: [app, sidecar] }), status([], []), healthy);
    expect(actions).toMatchObject({ createSandbox: true, killPod: true, sandboxAttempt: 0, containersToStart: [0, 1] });
  });

  it('runs init containers one at a time, in order', () => {
    const p = pod({ initContainers: [init1, init2] });
    expect(computePodActions(p, status([], []), healthy)).toMatchObject({ createSandbox: true, nextInitContainer: 0, containersToStart: [] });
    const firstDone = status([readySandbox], [container(init1, 'exited', { exitCode: 0, init: true })]);
    expect(computePodActions(p, firstDone, healthy)).toMatchObject({ createSandbox: false, nextInitContainer: 1 });
    const running = status([readySandbox], [container(init1, 'running', { init: true })]);
    expect(computePodActions(p, running, healthy)).toMatchObject({ containersToStart: [] });
    expect(computePodActions(p, running, healthy).nextInitContainer).toBeUndefined();
    const allDone = status(
      [readySandbox],
      [container(init2, 'exited', { exitCode: 0, init: true, createdAt: 20 }), container(init1, 'exited', { exitCode: 0, init: true })],
    );
    expect(computePodActions(p, allDone, healthy)).toMatchObject({ containersToStart: [0] });
    expect(computePodActions(p, allDone, healthy).nextInitContainer).toBeUndefined();
  });

  it('retries a failed init container unless restartPolicy is Never', () => {
    const failed = status([readySandbox], [container(init1, 'exited', { exitCode: 1, init: true })]);
    expect(computePodActions(pod({ initContainers: [init1] }), failed, healthy)).toMatchObject({ nextInitContainer: 0, killPod: false });
    const never = computePodActions(pod({ initContainers: [init1], restartPolicy: 'Never' }), failed, healthy);
    expect(never.killPod).toBe(true);
    expect(never.nextInitContainer).toBeUndefined();
  });

  it('keeps running containers whose spec and probes are fine', () => {
    const actions = computePodActions(pod(), status([readySandbox], [container(app, 'running')]), healthy);
    expect(actions).toMatchObject({ killPod: false, createSandbox: false, containersToStart: [], containersToKill: [] });
  });

  it('restarts a container whose spec changed', () => {
    const stale = container(app, 'running', { hash: 'old' });
    const actions = computePodActions(pod({ restartPolicy: 'Never' }), status([readySandbox], [stale]), healthy);
    expect(actions.containersToKill).toEqual([{ id: stale.id, name: 'app', message: 'Container app definition changed, will be restarted' }]);
    expect(actions.containersToStart).toEqual([0]);
  });

  it('restarts a container that failed its liveness probe', () => {
    const running = container(app, 'running');
    const probes: ProbeVerdicts = { liveness: (id) => (id === running.id ? 'failure' : 'unknown'), startup: () => 'unknown' };
    const actions = computePodActions(pod(), status([readySandbox], [running]), probes);
    expect(actions.containersToKill[0]?.message).toBe('Container app failed liveness probe, will be restarted');
    expect(actions.containersToStart).toEqual([0]);
  });

  it('kills without restarting a failed-liveness container under restartPolicy Never', () => {
    const running = container(app, 'running');
    const probes: ProbeVerdicts = { liveness: () => 'failure', startup: () => 'unknown' };
    const actions = computePodActions(pod({ restartPolicy: 'Never' }), status([readySandbox], [running]), probes);
    expect(actions.containersToKill[0]?.message).toBe('Container app failed liveness probe');
    expect(actions.containersToStart).toEqual([]);
    expect(actions.killPod).toBe(true);
  });

  it.each([
    ['Always', 0, [0]],
    ['Always', 1, [0]],
    ['OnFailure', 0, []],
    ['OnFailure', 1, [0]],
    ['Never', 1, []],
  ] as const)('restartPolicy %s with exit code %d starts %j', (restartPolicy, exitCode, toStart) => {
    const exited = container(app, 'exited', { exitCode, finishedAt: 5 });
    const actions = computePodActions(pod({ restartPolicy }), status([readySandbox], [exited]), healthy);
    expect(actions.containersToStart).toEqual(toStart);
    expect(actions.killPod).toBe(toStart.length === 0);
  });

  it('does not recreate the sandbox of a finished Never pod', () => {
    const exited = container(app, 'exited', { exitCode: 0 });
    const actions = computePodActions(pod({ restartPolicy: 'Never' }), status([{ ...readySandbox, ready: false }], [exited]), healthy);
    expect(actions.createSandbox).toBe(false);
  });

  it('does not recreate the sandbox when every OnFailure container succeeded', () => {
    const exited = container(app, 'exited', { exitCode: 0 });
    const actions = computePodActions(pod({ restartPolicy: 'OnFailure' }), status([{ ...readySandbox, ready: false }], [exited]), healthy);
    expect(actions.createSandbox).toBe(false);
  });

  it('recreates a dead sandbox and restarts everything in it', () => {
    const running = container(app, 'running');
    const actions = computePodActions(pod(), status([{ ...readySandbox, ready: false }], [running]), healthy);
    expect(actions).toMatchObject({ killPod: true, createSandbox: true, sandboxAttempt: 1, containersToStart: [0] });
  });
});

describe('helpers', () => {
  it('finds the current and the previous instance of a container', () => {
    const s = status([readySandbox], [container(app, 'running', { restartCount: 2 }), container(sidecar, 'running'), container(app, 'exited', { restartCount: 1 })]);
    expect(containerIdFor(s, 'app')).toBe('app-2');
    expect(containerIdFor(s, 'app', true)).toBe('app-1');
    expect(containerIdFor(s, 'side', true)).toBeUndefined();
  });

  it('never restarts containers of a pod being deleted', () => {
    expect(shouldContainerBeRestarted(app, { ...pod(), metadata: { deletionTimestamp: 'x' } }, status([], []))).toBe(false);
  });

  it('treats a running app container as proof of initialization', () => {
    const p = pod({ initContainers: [init1] });
    expect(nextInitContainer(p, status([readySandbox], [container(app, 'running')]))).toEqual({ done: true });
  });
});
