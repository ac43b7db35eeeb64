import { describe, expect, it } from 'vitest';
import type { Pod, PodDisruptionBudget } from '../../../lib/api/generated/index.js';
import { formatTime } from '../../../lib/client/api-time.js';
import { BudgetSyncError, computeBudgetStatus, failedBudgetStatus, type ScaleFinder } from './budget-status.js';

const NOW = Date.parse('2026-01-01T12:00:00Z');

function pod(name: string, opts: { ready?: boolean; owner?: { kind: string; name: string; uid: string }; deleting?: boolean } = {}): Pod {
  return {
    metadata: {
      name,
      namespace: 'default',
      labels: { app: 'web' },
      ...(opts.owner && { ownerReferences: [{ apiVersion: 'apps/v1', ...opts.owner, controller: true }] }),
      ...(opts.deleting && { deletionTimestamp: formatTime(NOW - 1000) }),
    },
    status: { phase: 'Running', conditions: [{ type: 'Ready', status: opts.ready === false ? 'False' : 'True' }] },
  };
}

function budget(spec: PodDisruptionBudget['spec'], status: PodDisruptionBudget['status'] = {}): PodDisruptionBudget {
  return { metadata: { name: 'web', namespace: 'default', generation: 2 }, spec: { selector: { matchLabels: { app: 'web' } }, ...spec }, status };
}

const rs = { kind: 'ReplicaSet', name: 'web-1', uid: 'rs-1' };
const scales: ScaleFinder = (ref) => (ref.uid === 'rs-1' ? { uid: 'deploy-1', replicas: 4 } : undefined);

describe('the disruption controller status computation', () => {
  it('counts minAvailable as a number against the ready pods it covers', () => {
    const pods = [pod('a'), pod('b'), pod('c', { ready: false })];
    const { status } = computeBudgetStatus(budget({ minAvailable: { intVal: 1 } }), pods, scales, NOW);
    expect(status).toMatchObject({ observedGeneration: 2, expectedPods: 3, currentHealthy: 2, desiredHealthy: 1, disruptionsAllowed: 1 });
    expect(status.conditions).toEqual([
      { type: 'DisruptionAllowed', status: 'True', reason: 'SufficientPods', message: '', observedGeneration: 2, lastTransitionTime: formatTime(NOW) },
    ]);
  });

  it('allows nothing, with InsufficientPods, when the healthy pods are just enough', () => {
    const { status } = computeBudgetStatus(budget({ minAvailable: { intVal: 2 } }), [pod('a'), pod('b')], scales, NOW);
    expect(status).toMatchObject({ currentHealthy: 2, desiredHealthy: 2, disruptionsAllowed: 0 });
    expect(status.conditions?.[0]).toMatchObject({ status: 'False', reason: 'InsufficientPods' });
  });

  it('scales a percentage by the controllers’ replicas, rounding up', () => {
    const pods = ['a', 'b', 'c'].map((n) => pod(n, { owner: rs }));
    const { status } = computeBudgetStatus(budget({ minAvailable: { strVal: '50%' } }), pods, scales, NOW);
    expect(status).toMatchObject({ expectedPods: 4, desiredHealthy: 2, currentHealthy: 3, disruptionsAllowed: 1 });
  });

  it('takes maxUnavailable from the expected scale', () => {
    const pods = ['a', 'b', 'c', 'd'].map((n) => pod(n, { owner: rs }));
    const { status } = computeBudgetStatus(budget({ maxUnavailable: { intVal: 1 } }), pods, scales, NOW);
    expect(status).toMatchObject({ expectedPods: 4, desiredHealthy: 3, currentHealthy: 4, disruptionsAllowed: 1 });
    const percent = computeBudgetStatus(budget({ maxUnavailable: { strVal: '25%' } }), pods, scales, NOW).status;
    expect(percent).toMatchObject({ desiredHealthy: 3, disruptionsAllowed: 1 });
  });

  it('reports pods without a controller where the scale is needed', () => {
    const outcome = computeBudgetStatus(budget({ maxUnavailable: { intVal: 1 } }), [pod('a', { owner: rs }), pod('loose')], scales, NOW);
    expect(outcome.unmanagedPods).toEqual(['loose']);
  });

  it('fails when a pod’s controller cannot be found', () => {
    const lost = pod('a', { owner: { kind: 'ReplicaSet', name: 'gone', uid: 'gone-1' } });
    expect(() => computeBudgetStatus(budget({ maxUnavailable: { intVal: 1 } }), [lost], scales, NOW)).toThrow(new BudgetSyncError('found no controllers for pod "a"'));
    const failed = failedBudgetStatus(budget({ maxUnavailable: { intVal: 1 } }, { disruptionsAllowed: 3 }), new Error('found no controllers for pod "a"'), NOW);
    expect(failed.disruptionsAllowed).toBe(0);
    expect(failed.conditions?.[0]).toMatchObject({ status: 'False', reason: 'SyncFailed', message: 'found no controllers for pod "a"' });
  });

  it('allows nothing while the budget expects no pods', () => {
    const { status } = computeBudgetStatus(budget({ maxUnavailable: { intVal: 1 } }), [], scales, NOW);
    expect(status).toMatchObject({ expectedPods: 0, currentHealthy: 0, desiredHealthy: 0, disruptionsAllowed: 0 });
  });

  it('does not count pods being deleted or just evicted, and keeps only recent evictions of live pods', () => {
    const recent = formatTime(NOW - 30_000);
    const stale = formatTime(NOW - 3 * 60_000);
    const pods = [pod('a'), pod('b'), pod('c'), pod('d', { deleting: true })];
    const pdb = budget({ minAvailable: { intVal: 1 } }, { disruptedPods: { a: recent, b: stale, d: recent, gone: recent } });
    const outcome = computeBudgetStatus(pdb, pods, scales, NOW);
    expect(outcome.status.disruptedPods).toEqual({ a: recent });
    expect(outcome.status).toMatchObject({ currentHealthy: 2, disruptionsAllowed: 1 });
    expect(outcome.notDeleted.map((p) => p.metadata?.name)).toEqual(['b']);
    expect(outcome.recheckAt).toBe(NOW + 90_000);
  });

  it('keeps the condition’s transition time while its status holds', () => {
    const before = formatTime(NOW - 60_000);
    const pdb = budget({ minAvailable: { intVal: 1 } }, { conditions: [{ type: 'DisruptionAllowed', status: 'True', reason: 'SufficientPods', lastTransitionTime: before }] });
    expect(computeBudgetStatus(pdb, [pod('a'), pod('b')], scales, NOW).status.conditions?.[0]?.lastTransitionTime).toBe(before);
    expect(computeBudgetStatus(pdb, [pod('a')], scales, NOW).status.conditions?.[0]?.lastTransitionTime).toBe(formatTime(NOW));
  });
});
