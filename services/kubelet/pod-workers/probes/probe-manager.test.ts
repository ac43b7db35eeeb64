import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Container, Pod, PodStatus, Probe } from '../../../../lib/api/generated/index.js';
import { ProbeManager } from './probe-manager.js';

const T0 = Date.parse('2024-05-01T10:00:00Z');

function setup(container: Container, outcomes: (kind: string) => boolean) {
  const pod: Pod = { metadata: { uid: 'u', name: 'p', namespace: 'default' }, spec: { containers: [container] } };
  const changes: string[] = [];
  const events: string[] = [];
  const calls: string[] = [];
  const manager = new ProbeManager({
    runtime: { runInContainer: async () => ({ exitCode: 0, output: '', timedOut: false }) },
    events: { event: (_p, _t, reason, message) => events.push(`${reason}: ${message}`) },
    onChange: (uid) => changes.push(uid),
    now: () => Date.now(),
    probe: async (probe: Probe) => {
      const kind = probe === container.livenessProbe ? 'liveness' : probe === container.readinessProbe ? 'readiness' : 'startup';
      calls.push(kind);
      const success = outcomes(kind);
      return { success, output: success ? '' : `${kind} says no` };
    },
  });
  manager.addPod(pod);
  const running = (id: string, started: boolean): PodStatus => ({
    phase: 'Running',
    podIP: '172.17.0.9',
    containerStatuses: [{ name: container.name ?? '', containerID: `docker://${id}`, started, state: { running: { startedAt: new Date(Date.now()).toISOString() } } }],
  });
  return { manager, changes, events, calls, running };
}

beforeEach(() => {
  vi.useFakeTimers({ now: T0 });
});
afterEach(() => {
  vi.useRealTimers();
});

describe('ProbeManager', () => {
  it('reports a container without probes as started and ready', () => {
    const { manager } = setup({ name: 'c' }, () => true);
    expect(manager.started({ name: 'c' }, 'x')).toBe(true);
    expect(manager.ready({ name: 'c' }, 'x')).toBe(true);
    expect(manager.liveness('x')).toBe('unknown');
  });

  it('probes readiness as soon as a container runs, then every period', async () => {
    let healthy = true;
    const container: Container = { name: 'c', readinessProbe: { exec: { command: ['true'] }, periodSeconds: 1, failureThreshold: 2 } };
    const { manager, changes, calls, running } = setup(container, () => healthy);
    manager.updateStatus('u', running('id1', true));
    await vi.advanceTimersByTimeAsync(1);
    expect(manager.ready(container, 'id1')).toBe(true);
    expect(changes.length).toBeGreaterThan(0);
    healthy = false;
    await vi.advanceTimersByTimeAsync(1000);
    expect(manager.ready(container, 'id1')).toBe(true);
    await vi.advanceTimersByTimeAsync(1000);
    expect(manager.ready(container, 'id1')).toBe(false);
    expect(calls.length).toBe(3);
    manager.stop();
  });

  it('marks liveness failed after failureThreshold failures and then holds until a new container', async () => {
    const container: Container = { name: 'c', livenessProbe: { exec: { command: ['false'] }, periodSeconds: 1, failureThreshold: 2 } };
    const { manager, events, calls, running } = setup(container, () => false);
    manager.updateStatus('u', running('id1', true));
    await vi.advanceTimersByTimeAsync(10);
    expect(manager.liveness('id1')).toBe('success');
    await vi.advanceTimersByTimeAsync(1000);
    expect(manager.liveness('id1')).toBe('failure');
    const probesSoFar = calls.length;
    await vi.advanceTimersByTimeAsync(3000);
    expect(calls.length).toBe(probesSoFar);
    expect(events[0]).toBe('Unhealthy: Liveness probe failed: liveness says no');
    manager.updateStatus('u', running('id2', true));
    await vi.advanceTimersByTimeAsync(1000);
    expect(manager.liveness('id2')).toBe('success');
    expect(manager.liveness('id1')).toBe('unknown');
    expect(calls.length).toBe(probesSoFar + 1);
    manager.stop();
  });

  it('waits for the startup probe before probing readiness and liveness', async () => {
    let startedUp = false;
    const container: Container = {
      name: 'c',
      startupProbe: { exec: { command: ['s'] }, periodSeconds: 1, failureThreshold: 30 },
      readinessProbe: { exec: { command: ['r'] }, periodSeconds: 1 },
    };
    const { manager, calls, running } = setup(container, (kind) => (kind === 'startup' ? startedUp : true));
    manager.updateStatus('u', running('id1', false));
    await vi.advanceTimersByTimeAsync(2500);
    expect(calls.every((k) => k === 'startup')).toBe(true);
    expect(manager.started(container, 'id1')).toBe(false);
    startedUp = true;
    await vi.advanceTimersByTimeAsync(1000);
    expect(manager.started(container, 'id1')).toBe(true);
    manager.updateStatus('u', running('id1', true));
    await vi.advanceTimersByTimeAsync(1000);
    expect(calls).toContain('readiness');
    expect(manager.ready(container, 'id1')).toBe(true);
    manager.stop();
  });

  it('honours initialDelaySeconds', async () => {
    const container: Container = { name: 'c', livenessProbe: { exec: { command: ['x'] }, periodSeconds: 1, initialDelaySeconds: 3 } };
    const { manager, calls, running } = setup(container, () => true);
    manager.updateStatus('u', running('id1', true));
    await vi.advanceTimersByTimeAsync(2500);
    expect(calls).toEqual([]);
    await vi.advanceTimersByTimeAsync(1500);
    expect(calls.length).toBeGreaterThan(0);
    manager.stop();
  });

  it('stops probing finished pods', async () => {
    const container: Container = { name: 'c', livenessProbe: { exec: { command: ['x'] }, periodSeconds: 1 } };
    const { manager, calls } = setup(container, () => true);
    manager.updateStatus('u', { phase: 'Succeeded', containerStatuses: [] });
    await vi.advanceTimersByTimeAsync(5000);
    expect(calls).toEqual([]);
    manager.stop();
  });
});
