import { describe, expect, it } from 'vitest';
import { ApiError } from '../../../lib/api/errors.js';
import type * as t from '../../../lib/api/generated/index.js';
import { formatTime } from '../../../lib/client/api-time.js';
import { useControlPlane } from '../../harness/use-control-plane.js';
import { restRequest } from './rest-helpers.js';

// pods/eviction against PodDisruptionBudgets, over the HTTP API and gRPC, with no disruption
// controller running: the test writes each budget's status itself. A refused eviction (429, 500)
// leaves the pod and the budget exactly as they were; an allowed one spends the disruption in the
// budget's status before the pod is deleted.

const VIOLATION = "Cannot evict pod as it would violate the pod's disruption budget.";

describe('pods/eviction with PodDisruptionBudgets', () => {
  const f = useControlPlane();
  let seq = 0;

  async function makeNamespace(): Promise<string> {
    const name = `pdb-${++seq}`;
    await f.client.resource('namespace').create({ metadata: { name } });
    return name;
  }

  async function makePod(ns: string, name: string, opts: { phase?: string; ready?: boolean; app?: string } = {}): Promise<t.Pod> {
    const pods = f.client.resource('pod');
    const pod = await pods.create({ metadata: { name, namespace: ns, labels: { app: opts.app ?? 'web' } }, spec: { nodeName: 'nowhere', containers: [{ name: 'c', image: 'kubets/busybox:1.36' }] } });
    const ready = opts.ready ?? true;
    return pods.updateStatus({ ...pod, status: { phase: opts.phase ?? 'Running', conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }] } });
  }

  /** A budget with the status a disruption controller would have written. */
  async function makeBudget(ns: string, name: string, allowed: number, spec: t.PodDisruptionBudgetSpec = { minAvailable: { intVal: 2 } }): Promise<t.PodDisruptionBudget> {
    const budgets = f.client.resource('podDisruptionBudget');
    const pdb = await budgets.create({ metadata: { name, namespace: ns }, spec: { selector: { matchLabels: { app: 'web' } }, ...spec } });
    return budgets.updateStatus({
      ...pdb,
      status: { observedGeneration: pdb.metadata?.generation ?? 1, disruptionsAllowed: allowed, currentHealthy: 2 + allowed, desiredHealthy: 2, expectedPods: 2 + allowed },
    });
  }

  const evictREST = (ns: string, name: string) =>
    restRequest(f.cp, 'POST', `/api/v1/namespaces/${ns}/pods/${name}/eviction`, { apiVersion: 'policy/v1', kind: 'Eviction', metadata: { name, namespace: ns } });

  async function expectUntouched(ns: string, pod: t.Pod, pdb: t.PodDisruptionBudget): Promise<void> {
    const podNow = await f.client.resource('pod').get(ns, pod.metadata?.name ?? '');
    expect(podNow.metadata?.deletionTimestamp).toBeUndefined();
    expect(podNow.metadata?.resourceVersion).toBe(pod.metadata?.resourceVersion);
    expect((await f.client.resource('podDisruptionBudget').get(ns, pdb.metadata?.name ?? '')).metadata?.resourceVersion).toBe(pdb.metadata?.resourceVersion);
  }

  it('answers 429 with the budget as the cause when it allows no disruption, changing nothing', async () => {
    const ns = await makeNamespace();
    const pod = await makePod(ns, 'a');
    const pdb = await makeBudget(ns, 'web', 0);
    const res = await evictREST(ns, 'a');
    expect(res.status).toBe(429);
    expect(res.json()).toMatchObject({
      kind: 'Status',
      status: 'Failure',
      reason: 'TooManyRequests',
      code: 429,
      message: VIOLATION,
      details: { causes: [{ reason: 'DisruptionBudget', message: 'The disruption budget web needs 2 healthy pods and has 2 currently' }] },
    });
    await expectUntouched(ns, pod, pdb);
  });

  it('spends the disruption in the budget status, then deletes the pod (201)', async () => {
    const ns = await makeNamespace();
    await makePod(ns, 'a');
    await makeBudget(ns, 'web', 1);
    const res = await evictREST(ns, 'a');
    expect(res.status).toBe(201);
    expect(res.json()).toMatchObject({ kind: 'Status', status: 'Success' });
    expect((await f.client.resource('pod').get(ns, 'a')).metadata?.deletionTimestamp).toBeTruthy();
    const pdb = await f.client.resource('podDisruptionBudget').get(ns, 'web');
    expect(pdb.status?.disruptionsAllowed).toBe(0);
    expect(Object.keys(pdb.status?.disruptedPods ?? {})).toEqual(['a']);
    expect(pdb.status?.conditions).toContainEqual(expect.objectContaining({ type: 'DisruptionAllowed', status: 'False', reason: 'InsufficientPods' }));
  });

  it('lets only one of two concurrent evictions spend the last disruption', async () => {
    const ns = await makeNamespace();
    await Promise.all(['a', 'b', 'c', 'd'].map((name) => makePod(ns, name)));
    await makeBudget(ns, 'web', 1);
    const answers = await Promise.all(['a', 'b', 'c', 'd'].map((name) => evictREST(ns, name)));
    expect(answers.map((r) => r.status).sort()).toEqual([201, 429, 429, 429]);
    const pdb = await f.client.resource('podDisruptionBudget').get(ns, 'web');
    expect(pdb.status?.disruptionsAllowed).toBe(0);
    expect(Object.keys(pdb.status?.disruptedPods ?? {})).toHaveLength(1);
    const deleted = (await f.client.resource('pod').list(ns)).items.filter((p) => p.metadata?.deletionTimestamp);
    expect(deleted.map((p) => p.metadata?.name)).toEqual(Object.keys(pdb.status?.disruptedPods ?? {}));
  });

  it('checks the budget on a dry run without spending it or deleting the pod', async () => {
    const ns = await makeNamespace();
    const pod = await makePod(ns, 'a');
    const pdb = await makeBudget(ns, 'web', 1);
    const res = await restRequest(f.cp, 'POST', `/api/v1/namespaces/${ns}/pods/a/eviction`, { apiVersion: 'policy/v1', kind: 'Eviction', metadata: { name: 'a', namespace: ns }, deleteOptions: { dryRun: ['All'] } });
    expect(res.status).toBe(201);
    await expectUntouched(ns, pod, pdb);
    await makeBudget(ns, 'none-left', 0, { minAvailable: { intVal: 2 }, selector: { matchLabels: { app: 'other' } } });
    await makePod(ns, 'b', { app: 'other' });
    const refused = await restRequest(f.cp, 'POST', `/api/v1/namespaces/${ns}/pods/b/eviction`, { apiVersion: 'policy/v1', kind: 'Eviction', metadata: { name: 'b', namespace: ns }, deleteOptions: { dryRun: ['All'] } });
    expect(refused.status).toBe(429);
  });

  it('lets ten concurrent evictions all spend a budget of ten, one write at a time', async () => {
    const ns = await makeNamespace();
    const names = Array.from({ length: 10 }, (_, i) => `p${i}`);
    await Promise.all(names.map((name) => makePod(ns, name)));
    await makeBudget(ns, 'web', 10);
    const answers = await Promise.all(names.map((name) => evictREST(ns, name)));
    expect(answers.map((r) => r.status)).toEqual(names.map(() => 201));
    const pdb = await f.client.resource('podDisruptionBudget').get(ns, 'web');
    expect(pdb.status?.disruptionsAllowed).toBe(0);
    expect(Object.keys(pdb.status?.disruptedPods ?? {}).sort()).toEqual(names);
  });

  it('answers 500 for a pod under two budgets, changing nothing', async () => {
    const ns = await makeNamespace();
    const pod = await makePod(ns, 'a');
    const first = await makeBudget(ns, 'one', 1);
    const second = await makeBudget(ns, 'two', 1);
    const res = await evictREST(ns, 'a');
    expect(res.status).toBe(500);
    expect(res.json()).toMatchObject({ status: 'Failure', code: 500, message: 'This pod has more than one PodDisruptionBudget, which the eviction subresource does not support.' });
    await expectUntouched(ns, pod, first);
    await expectUntouched(ns, pod, second);
  });

  it('refuses over gRPC with the same status, and allows it once the budget does', async () => {
    const ns = await makeNamespace();
    const pod = await makePod(ns, 'a');
    const pdb = await makeBudget(ns, 'web', 0);
    const refused = await f.client.evict(ns, 'a').catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(ApiError);
    expect(refused).toMatchObject({ reason: 'TooManyRequests', message: VIOLATION, details: { causes: [{ reason: 'DisruptionBudget', message: 'The disruption budget web needs 2 healthy pods and has 2 currently' }] } });
    await expectUntouched(ns, pod, pdb);
    await f.client.resource('podDisruptionBudget').updateStatus({ ...pdb, status: { ...pdb.status, disruptionsAllowed: 1, currentHealthy: 3 } });
    await f.client.evict(ns, 'a', { gracePeriodSeconds: 0 });
    await expect(f.client.resource('pod').get(ns, 'a')).rejects.toMatchObject({ reason: 'NotFound' });
    expect((await f.client.resource('podDisruptionBudget').get(ns, 'web')).status?.disruptedPods).toHaveProperty('a');
  });

  it('skips the budget for pods that are not running, and for pods it does not select', async () => {
    const ns = await makeNamespace();
    await makePod(ns, 'pending', { phase: 'Pending' });
    await makePod(ns, 'done', { phase: 'Succeeded', ready: false });
    await makePod(ns, 'other', { app: 'db' });
    const pdb = await makeBudget(ns, 'web', 0);
    for (const name of ['pending', 'done', 'other']) expect((await evictREST(ns, name)).status).toBe(201);
    expect((await f.client.resource('podDisruptionBudget').get(ns, 'web')).metadata?.resourceVersion).toBe(pdb.metadata?.resourceVersion);
  });

  it('deletes an unready pod without spending a disruption while the budget is met', async () => {
    const ns = await makeNamespace();
    await makePod(ns, 'unready', { ready: false });
    const pdb = await makeBudget(ns, 'web', 0);
    expect((await evictREST(ns, 'unready')).status).toBe(201);
    expect((await f.client.resource('podDisruptionBudget').get(ns, 'web')).metadata?.resourceVersion).toBe(pdb.metadata?.resourceVersion);
  });

  it('refuses a budget whose spec its controller has not seen yet, suggesting a retry', async () => {
    const ns = await makeNamespace();
    await makePod(ns, 'a');
    const pdb = await makeBudget(ns, 'web', 1);
    await f.client.resource('podDisruptionBudget').update({ ...pdb, spec: { ...pdb.spec, minAvailable: { intVal: 1 } } });
    const res = await evictREST(ns, 'a');
    expect(res.status).toBe(429);
    expect(res.json()).toMatchObject({ details: { retryAfterSeconds: 10, causes: [{ reason: 'DisruptionBudget', message: 'The disruption budget web is still being processed by the server.' }] } });
  });

  it('refuses a budget with both minAvailable and maxUnavailable, naming the field', async () => {
    const ns = await makeNamespace();
    const err = await f.client
      .resource('podDisruptionBudget')
      .create({ metadata: { name: 'both', namespace: ns }, spec: { minAvailable: { intVal: 1 }, maxUnavailable: { intVal: 1 }, selector: {} } })
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ reason: 'Invalid' });
    expect((err as Error).message).toContain('minAvailable and maxUnavailable cannot be both set');
    await expect(f.client.resource('podDisruptionBudget').get(ns, 'both')).rejects.toMatchObject({ reason: 'NotFound' });
    const served = await restRequest(f.cp, 'GET', `/apis/policy/v1/namespaces/${ns}/poddisruptionbudgets`);
    expect(served.status).toBe(200);
    expect(served.json()).toMatchObject({ kind: 'PodDisruptionBudgetList', apiVersion: 'policy/v1', items: [] });
  });
});
