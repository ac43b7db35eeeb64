import { describe, expect, it } from 'vitest';
import { isApiError } from '../../../lib/api/errors.js';
import type * as t from '../../../lib/api/generated/index.js';
import { useControlPlane } from '../../harness/use-control-plane.js';
import { createNamespace, eventually, livePods, podsMatching, walkthroughManifest, useManagers } from './helpers.js';

// Namespace deletion and garbage collection against a real apiserver and etcd.

const cluster = useControlPlane();
const managers = useManagers(() => cluster.client);

async function gone(call: Promise<unknown>): Promise<boolean> {
  try {
    await call;
    return false;
  } catch (err) {
    if (isApiError(err, 'NotFound')) return true;
    throw err;
  }
}

function mysqlRc(namespace: string, replicas = 2): t.ReplicationController {
  const rc = walkthroughManifest<t.ReplicationController>('mysql-rc.yaml');
  rc.metadata = { ...rc.metadata, namespace };
  rc.spec = { ...rc.spec, replicas };
  return rc;
}

describe('namespace deletion', () => {
  it('deletes everything in the namespace, then the namespace', async () => {
    const ns = walkthroughManifest<t.Namespace>('development-namespace.yaml');
    await cluster.client.resource('namespace').create(ns);
    await managers.start();
    await cluster.client.resource('replicationController').create(mysqlRc('development'));
    const svc = walkthroughManifest<t.Service>('mysql-svc.yaml');
    await cluster.client.resource('service').create({ ...svc, metadata: { ...svc.metadata, namespace: 'development' } });
    await cluster.client.resource('configMap').create({ metadata: { name: 'settings', namespace: 'development' }, data: { a: 'b' } });
    await cluster.client.resource('secret').create({ metadata: { name: 'password', namespace: 'development' }, stringData: { password: '123456' } });
    await podsMatching(cluster.client, 'development', 'app=mysql', 2);
    await eventually(() => cluster.client.resource('endpoints').get('development', 'mysql'));

    const deleting = await cluster.client.resource('namespace').delete('', 'development');
    expect(deleting.status?.phase).toBe('Terminating');
    await eventually(() => gone(cluster.client.resource('namespace').get('', 'development')), 30_000, 'namespace development removed');
    // The namespace can be made again, empty.
    await cluster.client.resource('namespace').create({ metadata: { name: 'development' } });
    for (const field of ['pod', 'replicationController', 'service', 'endpoints', 'configMap', 'secret'] as const) {
      expect((await cluster.client.resource(field).list('development')).items, field).toEqual([]);
    }
  });

  it('waits for pods a kubelet still has to stop, saying so in its conditions', async () => {
    const ns = await createNamespace(cluster.client, 'ns-graceful');
    await managers.start();
    await cluster.client.resource('pod').create({ metadata: { name: 'bound', namespace: ns }, spec: { nodeName: 'node-1', containers: [{ name: 'c', image: 'kubets/busybox:1.36' }] } });
    await cluster.client.resource('namespace').delete('', ns);
    const waiting = await eventually(async () => {
      const n = await cluster.client.resource('namespace').get('', ns);
      return n.status?.conditions?.find((c) => c.type === 'NamespaceContentRemaining' && c.status === 'True') ? n : undefined;
    }, 15_000);
    expect(waiting.status?.phase).toBe('Terminating');
    expect(waiting.status?.conditions?.find((c) => c.type === 'NamespaceContentRemaining')?.message).toBe('Some resources are remaining: pods has 1 resource instances');
    // The kubelet confirms the pod stopped.
    await cluster.client.resource('pod').delete(ns, 'bound', { gracePeriodSeconds: 0 });
    await eventually(() => gone(cluster.client.resource('namespace').get('', ns)), 30_000, 'namespace removed');
  });
});

describe('garbage collection', () => {
  it('cascades from a deleted RC to its pods (background)', async () => {
    const ns = await createNamespace(cluster.client, 'gc-background');
    await managers.start();
    await cluster.client.resource('replicationController').create(mysqlRc(ns, 3));
    await podsMatching(cluster.client, ns, 'app=mysql', 3);
    await cluster.client.resource('replicationController').delete(ns, 'mysql');
    await eventually(async () => (await cluster.client.resource('pod').list(ns)).items.length === 0, 30_000, 'pods collected');
  });

  it('foreground: the RC stays (with its finalizer) until its pods are gone', async () => {
    const ns = await createNamespace(cluster.client, 'gc-foreground');
    await managers.start();
    await cluster.client.resource('replicationController').create(mysqlRc(ns, 2));
    await podsMatching(cluster.client, ns, 'app=mysql', 2);
    const marked = await cluster.client.resource('replicationController').delete(ns, 'mysql', { propagationPolicy: 'Foreground' });
    expect(marked.metadata?.finalizers).toContain('foregroundDeletion');
    await eventually(() => gone(cluster.client.resource('replicationController').get(ns, 'mysql')), 30_000, 'RC removed');
    expect((await cluster.client.resource('pod').list(ns)).items).toEqual([]);
  });

  it('orphan: the pods stay, without the owner reference, and a new RC adopts them', async () => {
    const ns = await createNamespace(cluster.client, 'gc-orphan');
    await managers.start();
    await cluster.client.resource('replicationController').create(mysqlRc(ns, 2));
    const before = await podsMatching(cluster.client, ns, 'app=mysql', 2);
    await cluster.client.resource('replicationController').delete(ns, 'mysql', { propagationPolicy: 'Orphan' });
    await eventually(() => gone(cluster.client.resource('replicationController').get(ns, 'mysql')), 30_000, 'RC removed');
    const orphans = await livePods(cluster.client, ns, 'app=mysql');
    expect(orphans.map((p) => p.metadata?.uid).sort()).toEqual(before.map((p) => p.metadata?.uid).sort());
    for (const p of orphans) expect(p.metadata?.ownerReferences ?? []).toEqual([]);
    const again = await cluster.client.resource('replicationController').create(mysqlRc(ns, 2));
    await eventually(async () => (await livePods(cluster.client, ns, 'app=mysql')).every((p) => p.metadata?.ownerReferences?.[0]?.uid === again.metadata?.uid), 30_000, 'orphans adopted');
    expect((await livePods(cluster.client, ns, 'app=mysql')).map((p) => p.metadata?.uid).sort()).toEqual(before.map((p) => p.metadata?.uid).sort());
  });
});
