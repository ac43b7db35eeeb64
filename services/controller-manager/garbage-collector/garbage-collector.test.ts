import { describe, expect, it } from 'vitest';
import { conflict } from '../../../lib/api/errors.js';
import type { OwnerReference, Pod, ReplicationController } from '../../../lib/api/generated/index.js';
import { eventually, useControllerTestEnv } from '../testing/fake-context.js';
import { GarbageCollector } from './garbage-collector.js';

const ns = 'default';

function rc(name: string, finalizers?: string[]): ReplicationController {
  return { metadata: { name, namespace: ns, ...(finalizers ? { finalizers } : {}) }, spec: { replicas: 0, selector: { app: name } } };
}

function ownedPod(name: string, owners: OwnerReference[]): Pod {
  return { metadata: { name, namespace: ns, ownerReferences: owners }, spec: { containers: [{ name: 'c', image: 'x:1' }] } };
}

const refTo = (owner: ReplicationController, block = true): OwnerReference => ({
  apiVersion: 'v1',
  kind: 'ReplicationController',
  name: owner.metadata?.name ?? '',
  uid: owner.metadata?.uid ?? '',
  controller: true,
  blockOwnerDeletion: block,
});

describe('GarbageCollector', () => {
  const env = useControllerTestEnv();

  const start = () => env.ctx.start(new GarbageCollector(env.ctx));
  const pod = (name: string) => env.fake.stored('pod', ns, name);

  it('deletes dependents whose owner is gone, and only drops the reference when another owner stands', async () => {
    const mysql = await env.client.resource('replicationController').create(rc('mysql'));
    const other = await env.client.resource('replicationController').create(rc('other'));
    await env.client.resource('pod').create(ownedPod('mysql-a', [refTo(mysql)]));
    await env.client.resource('pod').create(ownedPod('shared', [refTo(mysql), { ...refTo(other), controller: false }]));
    await start();
    await env.client.resource('replicationController').delete(ns, 'mysql');
    await eventually(() => pod('mysql-a') === undefined, 20_000, 'mysql-a collected');
    const shared = await eventually(() => (pod('shared')?.metadata?.ownerReferences?.length === 1 ? pod('shared') : undefined));
    expect(shared.metadata?.ownerReferences?.[0]?.name).toBe('other');
  });

  it('deletes an object created with a reference to an owner that never existed', async () => {
    await start();
    await env.client.resource('pod').create(ownedPod('stray', [{ apiVersion: 'v1', kind: 'ReplicationController', name: 'ghost', uid: 'no-such-uid', controller: true }]));
    await eventually(() => pod('stray') === undefined, 20_000, 'stray collected');
  });

  it('keeps a dependent whose owner the cache has not seen yet but the API has', async () => {
    await start();
    const owner = await env.client.resource('replicationController').create(rc('fresh'));
    await env.client.resource('pod').create(ownedPod('fresh-a', [refTo(owner)]));
    await new Promise((r) => setTimeout(r, 300));
    expect(pod('fresh-a')).toBeDefined();
  });

  it('foreground: deletes blocking dependents first, then lets the owner go', async () => {
    const owner = await env.client.resource('replicationController').create(rc('fg', ['foregroundDeletion']));
    await env.client.resource('pod').create(ownedPod('fg-a', [refTo(owner)]));
    await env.client.resource('pod').create(ownedPod('fg-b', [refTo(owner, false)]));
    await start();
    await env.client.resource('replicationController').delete(ns, 'fg');
    await eventually(() => env.fake.stored('replicationController', ns, 'fg') === undefined, 20_000, 'owner removed');
    await eventually(() => pod('fg-a') === undefined && pod('fg-b') === undefined, 20_000, 'dependents removed');
  });

  it('foreground: retries a dependent\'s delete that lost to concurrent writes, though the dependent sends no event', async () => {
    const owner = await env.client.resource('replicationController').create(rc('busy', ['foregroundDeletion']));
    await env.client.resource('pod').create(ownedPod('busy-a', [refTo(owner)]));
    let refused = 0;
    env.fake.intercept = (method, request) => {
      if (method !== 'Delete' || (request as { name?: string }).name !== 'busy-a' || refused++ > 0) return;
      return conflict('pods', 'busy-a', 'too many concurrent changes, try again');
    };
    await start();
    await env.client.resource('replicationController').delete(ns, 'busy');
    await eventually(() => pod('busy-a') === undefined, 20_000, 'dependent removed');
    await eventually(() => env.fake.stored('replicationController', ns, 'busy') === undefined, 20_000, 'owner removed');
    expect(refused).toBeGreaterThan(1);
  });

  it('foreground: the owner waits while a blocking dependent is still finishing', async () => {
    const owner = await env.client.resource('replicationController').create(rc('slow', ['foregroundDeletion']));
    const dep = ownedPod('slow-a', [refTo(owner)]);
    dep.metadata!.finalizers = ['example.com/hold'];
    await env.client.resource('pod').create(dep);
    await start();
    await env.client.resource('replicationController').delete(ns, 'slow');
    await eventually(() => pod('slow-a')?.metadata?.deletionTimestamp, 20_000, 'dependent marked for deletion');
    await new Promise((r) => setTimeout(r, 200));
    expect(env.fake.stored('replicationController', ns, 'slow')?.metadata?.finalizers).toEqual(['foregroundDeletion']);
    await env.client.resource('pod').patch(ns, 'slow-a', { metadata: { finalizers: null } });
    await eventually(() => env.fake.stored('replicationController', ns, 'slow') === undefined, 20_000, 'owner removed');
  });

  it('orphan: removes the owner from its dependents, which stay', async () => {
    const owner = await env.client.resource('replicationController').create(rc('orph', ['orphan']));
    await env.client.resource('pod').create(ownedPod('orph-a', [refTo(owner)]));
    await start();
    await env.client.resource('replicationController').delete(ns, 'orph');
    await eventually(() => env.fake.stored('replicationController', ns, 'orph') === undefined, 20_000, 'owner removed');
    await new Promise((r) => setTimeout(r, 200));
    expect(pod('orph-a')).toBeDefined();
    expect(pod('orph-a')?.metadata?.ownerReferences ?? []).toEqual([]);
  });

  it('collects namespaced dependents of a cluster-scoped owner (a node lease)', async () => {
    const node = await env.client.resource('node').create({ metadata: { name: 'n1' } });
    await env.client.resource('lease').create({
      metadata: { name: 'n1', namespace: 'kube-node-lease', ownerReferences: [{ apiVersion: 'v1', kind: 'Node', name: 'n1', uid: node.metadata?.uid ?? '' }] },
      spec: { holderIdentity: 'n1' },
    });
    await start();
    await env.client.resource('node').delete('', 'n1');
    await eventually(() => env.fake.stored('lease', 'kube-node-lease', 'n1') === undefined, 20_000, 'lease collected');
  });
});
