import { describe, expect, it } from 'vitest';
import type * as t from '../../../lib/api/generated/index.js';
import { useControlPlane } from '../../harness/use-control-plane.js';
import { createNamespace, eventMessages, eventually, livePods, podsMatching, reportRunning, walkthroughManifest, useManagers } from './helpers.js';

// The walkthrough's replication controller against a real apiserver and etcd, with the
// controller manager in process and no kubelets (status is patched where a kubelet would report).

const cluster = useControlPlane();
const managers = useManagers(() => cluster.client);

function mysqlRc(namespace: string): t.ReplicationController {
  const rc = walkthroughManifest<t.ReplicationController>('mysql-rc.yaml');
  rc.metadata = { ...rc.metadata, namespace };
  return rc;
}

describe('replication controller (walkthrough mysql RC)', () => {
  it('creates one pod, scales to 3 and back to 1, and reports status', async () => {
    const ns = await createNamespace(cluster.client, 'rc-scale');
    await managers.start();
    await cluster.client.resource('replicationController').create(mysqlRc(ns));
    const [pod] = await podsMatching(cluster.client, ns, 'app=mysql', 1);
    expect(pod?.metadata?.name).toMatch(/^mysql-[a-z0-9]{5}$/);
    const rc = await cluster.client.resource('replicationController').get(ns, 'mysql');
    expect(pod?.metadata?.ownerReferences).toEqual([{ apiVersion: 'v1', kind: 'ReplicationController', name: 'mysql', uid: rc.metadata?.uid, controller: true, blockOwnerDeletion: true }]);
    expect(pod?.spec?.containers?.[0]?.env).toEqual([{ name: 'MYSQL_ROOT_PASSWORD', value: '123456' }]);
    await eventually(async () => (await eventMessages(cluster.client, ns, 'mysql', 'SuccessfulCreate')).includes(`Created pod: ${pod?.metadata?.name}`));

    await reportRunning(cluster.client, pod!, '172.17.0.2');
    await eventually(async () => {
      const s = (await cluster.client.resource('replicationController').get(ns, 'mysql')).status;
      return s?.replicas === 1 && s.readyReplicas === 1 && s.availableReplicas === 1 && s.fullyLabeledReplicas === 1;
    });

    // kubectl scale goes through the scale subresource.
    const scale = await cluster.client.getScale('replicationController', ns, 'mysql');
    await cluster.client.updateScale('replicationController', ns, { ...scale, spec: { replicas: 3 } });
    const three = await podsMatching(cluster.client, ns, 'app=mysql', 3);
    expect(three.map((p) => p.metadata?.name)).toContain(pod?.metadata?.name);
    await eventually(async () => (await cluster.client.resource('replicationController').get(ns, 'mysql')).status?.replicas === 3);

    const again = await cluster.client.getScale('replicationController', ns, 'mysql');
    await cluster.client.updateScale('replicationController', ns, { ...again, spec: { replicas: 1 } });
    const [survivor] = await podsMatching(cluster.client, ns, 'app=mysql', 1);
    // The not-ready pods go first: the one that reported Ready stays.
    expect(survivor?.metadata?.name).toBe(pod?.metadata?.name);
    const deleted = await eventually(async () => {
      const msgs = await eventMessages(cluster.client, ns, 'mysql', 'SuccessfulDelete');
      return msgs.length === 2 ? msgs : undefined;
    });
    for (const m of deleted) expect(m).toMatch(/^Deleted pod: mysql-[a-z0-9]{5}$/);
    const status = await eventually(async () => {
      const r = await cluster.client.resource('replicationController').get(ns, 'mysql');
      return r.status?.replicas === 1 && r.status.observedGeneration === r.metadata?.generation ? r.status : undefined;
    });
    expect(status).toMatchObject({ replicas: 1, readyReplicas: 1, availableReplicas: 1 });
  });

  it('recreates a deleted pod', async () => {
    const ns = await createNamespace(cluster.client, 'rc-recreate');
    await managers.start();
    await cluster.client.resource('replicationController').create(mysqlRc(ns));
    const [first] = await podsMatching(cluster.client, ns, 'app=mysql', 1);
    await cluster.client.resource('pod').delete(ns, first!.metadata!.name!);
    const [second] = await eventually(async () => {
      const pods = await livePods(cluster.client, ns, 'app=mysql');
      return pods.length === 1 && pods[0]?.metadata?.uid !== first?.metadata?.uid ? pods : undefined;
    });
    expect(second?.metadata?.generateName).toBe('mysql-');
  });

  it('adopts orphans that match its selector and only creates what is missing', async () => {
    const ns = await createNamespace(cluster.client, 'rc-adopt');
    const orphan: t.Pod = { metadata: { name: 'mysql-by-hand', namespace: ns, labels: { app: 'mysql' } }, spec: { containers: [{ name: 'mysql', image: 'mysql:5.7' }] } };
    await cluster.client.resource('pod').create(orphan);
    const rc = mysqlRc(ns);
    rc.spec = { ...rc.spec, replicas: 2 };
    await cluster.client.resource('replicationController').create(rc);
    await managers.start();
    const adopted = await eventually(async () => {
      const p = await cluster.client.resource('pod').get(ns, 'mysql-by-hand');
      return p.metadata?.ownerReferences?.length ? p : undefined;
    });
    expect(adopted.metadata?.ownerReferences?.[0]).toMatchObject({ kind: 'ReplicationController', name: 'mysql', controller: true, blockOwnerDeletion: true });
    const pods = await podsMatching(cluster.client, ns, 'app=mysql', 2);
    expect(pods.filter((p) => p.metadata?.generateName === 'mysql-')).toHaveLength(1);
  });

  it('serves ReplicaSets with the same logic', async () => {
    const ns = await createNamespace(cluster.client, 'rs-basic');
    await managers.start();
    const rs: t.ReplicaSet = {
      metadata: { name: 'frontend', namespace: ns },
      spec: {
        replicas: 2,
        selector: { matchLabels: { tier: 'frontend' }, matchExpressions: [{ key: 'tier', operator: 'In', values: ['frontend'] }] },
        template: { metadata: { labels: { tier: 'frontend' } }, spec: { containers: [{ name: 'web', image: 'kubeguide/tomcat-app:v1' }] } },
      },
    };
    await cluster.client.resource('replicaSet').create(rs);
    const pods = await podsMatching(cluster.client, ns, 'tier=frontend', 2);
    expect(pods[0]?.metadata?.ownerReferences?.[0]).toMatchObject({ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'frontend' });
    await eventually(async () => (await cluster.client.resource('replicaSet').get(ns, 'frontend')).status?.replicas === 2);
  });
});
