import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type * as t from '../../../lib/api/generated/index.js';
import { runVerb } from '../../../cli/testing/run-verb.js';
import { FakeKubelet } from '../../../services/controller-manager/testing/fake-kubelet.js';
import { useControlPlane } from '../../harness/use-control-plane.js';
import { createNamespace, eventually, walkthroughManifest, useManagers } from './helpers.js';

// Deployments against a real apiserver and etcd: the walkthrough's tomcat Deployment rolled from v1 to
// v2 while a stand-in kubelet reports new pods ready, and rolled back with `rollout undo`.

const cluster = useControlPlane();
const managers = useManagers(() => cluster.client);
let kubelet: FakeKubelet;

beforeAll(async () => {
  kubelet = new FakeKubelet(cluster.client, { readyDelayMs: 100 });
  await kubelet.start();
});

afterAll(async () => {
  await kubelet?.stop();
});

function frontend(namespace: string, replicas: number): t.Deployment {
  const d = walkthroughManifest<t.Deployment>('tomcat-deployment.yaml');
  d.metadata = { ...d.metadata, namespace };
  d.spec = { ...d.spec, replicas, strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: { intVal: 1 }, maxUnavailable: { intVal: 1 } } } };
  return d;
}

async function rolledOut(ns: string, revision: string, replicas: number): Promise<t.Deployment | undefined> {
  const d = await cluster.client.resource('deployment').get(ns, 'frontend');
  const s = d.status ?? {};
  const done =
    d.metadata?.annotations?.['deployment.kubernetes.io/revision'] === revision &&
    s.observedGeneration === d.metadata?.generation &&
    s.updatedReplicas === replicas &&
    s.replicas === replicas &&
    s.availableReplicas === replicas;
  return done ? d : undefined;
}

const setImage = (ns: string, image: string) =>
  cluster.client.resource('deployment').patch(ns, 'frontend', { spec: { template: { spec: { containers: [{ name: 'tomcat-demo', image }] } } } }, { type: 'strategic' });

describe('deployment (walkthrough tomcat frontend)', () => {
  it('rolls from v1 to v2 keeping availability within maxUnavailable, ends at revision 2, and rolls back with rollout undo', async () => {
    const ns = await createNamespace(cluster.client, 'deploy-roll');
    await managers.start();
    await cluster.client.resource('deployment').create(frontend(ns, 4));
    const first = await eventually(() => rolledOut(ns, '1', 4), 30_000, 'revision 1 rolled out');
    expect(first.status?.conditions?.find((c) => c.type === 'Available')).toMatchObject({ status: 'True', reason: 'MinimumReplicasAvailable' });

    let minReady = Infinity;
    let maxLive = 0;
    let watching = true;
    const sampler = (async () => {
      while (watching) {
        const pods = (await cluster.client.resource('pod').list(ns, { labelSelector: 'tier=frontend' })).items.filter((p) => !p.metadata?.deletionTimestamp);
        const ready = pods.filter((p) => p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'));
        minReady = Math.min(minReady, ready.length);
        maxLive = Math.max(maxLive, pods.length);
        await new Promise((r) => setTimeout(r, 10));
      }
    })();
    await setImage(ns, 'kubeguide/tomcat-app:v2');
    const second = await eventually(() => rolledOut(ns, '2', 4), 30_000, 'revision 2 rolled out');
    watching = false;
    await sampler;
    // replicas 4, maxUnavailable 1, maxSurge 1.
    expect(minReady).toBeGreaterThanOrEqual(3);
    expect(maxLive).toBeLessThanOrEqual(5);
    expect(second.status?.conditions?.find((c) => c.type === 'Progressing')?.reason).toBe('NewReplicaSetAvailable');
    const images = (await cluster.client.resource('pod').list(ns)).items.filter((p) => !p.metadata?.deletionTimestamp).map((p) => p.spec?.containers?.[0]?.image);
    expect(images).toEqual(Array(4).fill('kubeguide/tomcat-app:v2'));

    const history = await runVerb(['rollout', 'history', 'deployment/frontend', '-n', ns], { client: cluster.client });
    expect(history.stdout).toMatch(/REVISION\s+CHANGE-CAUSE\n1\s+<none>\n2\s+<none>/);
    const undo = await runVerb(['rollout', 'undo', 'deployment/frontend', '-n', ns], { client: cluster.client });
    expect(undo.code).toBe(0);
    await eventually(() => rolledOut(ns, '3', 4), 30_000, 'revision 3 (rollback) rolled out');
    const sets = (await cluster.client.resource('replicaSet').list(ns)).items;
    expect(sets).toHaveLength(2);
    const current = sets.find((rs) => rs.metadata?.annotations?.['deployment.kubernetes.io/revision'] === '3');
    expect(current?.spec?.template?.spec?.containers?.[0]?.image).toBe('kubeguide/tomcat-app:v1');
    expect(current?.metadata?.annotations?.['deployment.kubernetes.io/revision-history']).toBe('1');
    const status = await runVerb(['rollout', 'status', 'deployment/frontend', '-n', ns], { client: cluster.client });
    expect(status.stdout).toContain('deployment "frontend" successfully rolled out');
  });

  it('scales with kubets scale, and its ReplicaSet and pods go with it (garbage collection)', async () => {
    const ns = await createNamespace(cluster.client, 'deploy-scale');
    await managers.start();
    await cluster.client.resource('deployment').create(frontend(ns, 1));
    await eventually(() => rolledOut(ns, '1', 1), 30_000, 'revision 1 rolled out');
    const scaled = await runVerb(['scale', 'deployment/frontend', '--replicas=3', '-n', ns], { client: cluster.client });
    expect(scaled.code).toBe(0);
    await eventually(() => rolledOut(ns, '1', 3), 30_000, 'scaled to 3');
    await cluster.client.resource('deployment').delete(ns, 'frontend');
    await eventually(async () => (await cluster.client.resource('replicaSet').list(ns)).items.length === 0, 30_000, 'ReplicaSets collected');
    await eventually(async () => (await cluster.client.resource('pod').list(ns)).items.length === 0, 30_000, 'pods collected');
  });
});
