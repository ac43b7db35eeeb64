import { describe, expect, it } from 'vitest';
import type { Deployment, ReplicaSet } from '../../../lib/api/generated/index.js';
import { maxRevision, setNewReplicaSetAnnotations } from './annotations.js';
import { calculateStatus, deploymentTimedOut, rolloutStatus, setCondition, statusEqual } from './deployment-status.js';
import { scaledValue } from '../common/int-or-percent.js';
import { maxSurge, maxUnavailable, resolveFenceposts } from './fenceposts.js';
import { computePodTemplateHash } from '../common/template-hash.js';

function deployment(replicas: number, surge?: string | number, unavailable?: string | number, extra: Partial<NonNullable<Deployment['spec']>> = {}): Deployment {
  const ios = (v: string | number | undefined) => (v === undefined ? undefined : typeof v === 'number' ? { intVal: v } : { strVal: v });
  return {
    metadata: { name: 'd', namespace: 'default', generation: 1 },
    spec: { replicas, strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: ios(surge), maxUnavailable: ios(unavailable) } }, progressDeadlineSeconds: 600, ...extra },
  };
}

const rs = (name: string, spec: number, status: Partial<NonNullable<ReplicaSet['status']>> = {}, revision?: string): ReplicaSet => ({
  metadata: { name, ...(revision ? { annotations: { 'deployment.kubernetes.io/revision': revision } } : {}) },
  spec: { replicas: spec },
  status: { replicas: spec, ...status },
});

describe('fenceposts', () => {
  it.each([
    [{ intVal: 3 }, 10, true, 3],
    [{ strVal: '25%' }, 10, true, 3],
    [{ strVal: '25%' }, 10, false, 2],
    [{ strVal: '0%' }, 10, true, 0],
    [undefined, 10, true, 0],
  ])('scaledValue(%j of %d, roundUp %s) = %d', (value, total, roundUp, want) => {
    expect(scaledValue(value, total, roundUp)).toBe(want);
  });

  it('rejects a malformed percentage', () => {
    expect(() => scaledValue({ strVal: 'lots' }, 10, true)).toThrow(/invalid value/);
  });

  it('never lets both be zero, and caps unavailable at the replica count', () => {
    expect(resolveFenceposts(deployment(3, 0, 0))).toEqual({ maxSurge: 0, maxUnavailable: 1 });
    expect(maxUnavailable(deployment(2, 1, 5))).toBe(2);
    expect(maxUnavailable(deployment(0, 1, 1))).toBe(0);
    expect(maxSurge(deployment(4))).toBe(1);
    expect(maxSurge({ ...deployment(4), spec: { replicas: 4, strategy: { type: 'Recreate' } } })).toBe(0);
  });
});

describe('pod-template-hash', () => {
  it('is stable, independent of key order, and moves with the collision count', () => {
    const a = { metadata: { labels: { app: 'x', tier: 'y' } }, spec: { containers: [{ name: 'c', image: 'i:1' }] } };
    const b = { spec: { containers: [{ image: 'i:1', name: 'c' }] }, metadata: { labels: { tier: 'y', app: 'x' } } };
    expect(computePodTemplateHash(a)).toBe(computePodTemplateHash(b));
    expect(computePodTemplateHash(a)).not.toBe(computePodTemplateHash(a, 1));
    expect(computePodTemplateHash(a)).not.toBe(computePodTemplateHash({ ...a, spec: { containers: [{ name: 'c', image: 'i:2' }] } }));
    expect(computePodTemplateHash(a)).toMatch(/^[bcdfghjklmnpqrstvwxz2456789]+$/);
  });
});

describe('revision annotations', () => {
  it('copies the deployment annotations but its own, and keeps the history of a reused ReplicaSet', () => {
    const d = deployment(3, 1, 0);
    d.metadata!.annotations = { 'kubernetes.io/change-cause': 'v2', 'deployment.kubernetes.io/revision': '2', 'kubectl.kubernetes.io/last-applied-configuration': '{}' };
    const reused = rs('old', 0, {}, '1');
    expect(setNewReplicaSetAnnotations(d, reused, 3, true, 1)).toBe(true);
    expect(reused.metadata?.annotations).toEqual({ 'deployment.kubernetes.io/revision': '3', 'deployment.kubernetes.io/revision-history': '1', 'kubernetes.io/change-cause': 'v2' });
    expect(setNewReplicaSetAnnotations(d, reused, 3, true, 1)).toBe(false);
    const fresh = rs('new', 0);
    setNewReplicaSetAnnotations(d, fresh, 4, false, 1);
    expect(fresh.metadata?.annotations).toMatchObject({ 'deployment.kubernetes.io/revision': '4', 'deployment.kubernetes.io/desired-replicas': '3', 'deployment.kubernetes.io/max-replicas': '4' });
    expect(maxRevision([reused, fresh, rs('none', 0)])).toBe(4);
  });
});

describe('deployment status', () => {
  it('sums the ReplicaSets and sets Available by maxUnavailable', () => {
    const d = deployment(4, '25%', '25%');
    const status = calculateStatus([rs('old', 1, { availableReplicas: 1, readyReplicas: 1 }), rs('new', 3, { availableReplicas: 2, readyReplicas: 3 })], rs('new', 3, { availableReplicas: 2, readyReplicas: 3 }), d, 0);
    expect(status).toMatchObject({ observedGeneration: 1, replicas: 4, updatedReplicas: 3, readyReplicas: 4, availableReplicas: 3, unavailableReplicas: 1 });
    expect(status.conditions?.[0]).toMatchObject({ type: 'Available', status: 'True', reason: 'MinimumReplicasAvailable' });
    const low = calculateStatus([rs('new', 4, { availableReplicas: 2 })], undefined, d, 0);
    expect(low.conditions?.[0]).toMatchObject({ type: 'Available', status: 'False', reason: 'MinimumReplicasUnavailable', message: 'Deployment does not have minimum availability.' });
  });

  it('keeps the transition time when only the reason changes, and nothing when nothing changes', () => {
    const status = { conditions: [{ type: 'Progressing', status: 'True', reason: 'A', lastTransitionTime: 't0', lastUpdateTime: 't0' }] };
    setCondition(status, { type: 'Progressing', status: 'True', reason: 'A', lastTransitionTime: 't1', lastUpdateTime: 't1' });
    expect(status.conditions[0]?.lastUpdateTime).toBe('t0');
    setCondition(status, { type: 'Progressing', status: 'True', reason: 'B', lastTransitionTime: 't2', lastUpdateTime: 't2' });
    expect(status.conditions[0]).toMatchObject({ reason: 'B', lastTransitionTime: 't0', lastUpdateTime: 't2' });
  });

  it('times out a rollout that has not moved for progressDeadlineSeconds', () => {
    const d = deployment(2, 1, 0, { progressDeadlineSeconds: 10 });
    d.status = { replicas: 2, updatedReplicas: 1, availableReplicas: 1, conditions: [{ type: 'Progressing', status: 'True', reason: 'ReplicaSetUpdated', lastUpdateTime: '2024-01-01T00:00:00Z', lastTransitionTime: '2024-01-01T00:00:00Z' }] };
    const at = Date.parse('2024-01-01T00:00:11Z');
    expect(deploymentTimedOut(d, d.status, at)).toBe(true);
    const newRS = rs('d-abc', 1, { availableReplicas: 0 });
    const status = rolloutStatus([rs('old', 1, { availableReplicas: 1 }), newRS], newRS, d, at);
    expect(status.conditions?.find((c) => c.type === 'Progressing')).toMatchObject({ status: 'False', reason: 'ProgressDeadlineExceeded', message: 'ReplicaSet "d-abc" has timed out progressing.' });
  });

  it('compares statuses as stored (zero equals absent)', () => {
    expect(statusEqual({ replicas: 0, unavailableReplicas: 0 }, {})).toBe(true);
    expect(statusEqual({ replicas: 1 }, {})).toBe(false);
  });
});
