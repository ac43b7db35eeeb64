import { describe, expect, it } from 'vitest';
import { MemoryStore } from './storage/testing/memory-store.js';
import { claimClusterIdentity, CLUSTER_ID_KEY, ClusterIdentityError } from './cluster-identity.js';

describe('claimClusterIdentity', () => {
  it('writes the identity once, accepts the same one again and refuses another, changing nothing', async () => {
    const store = new MemoryStore();
    await claimClusterIdentity(store, 'a1b2c3');
    await claimClusterIdentity(store, 'a1b2c3');
    const revision = await store.currentRevision();
    const err = await claimClusterIdentity(store, 'ffffff').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ClusterIdentityError);
    expect((err as Error).message).toBe('etcd belongs to cluster "a1b2c3", not to cluster "ffffff" (--cluster-id): is --etcd-servers another cluster\'s etcd?');
    expect((await store.get(CLUSTER_ID_KEY))?.value.toString()).toBe('a1b2c3');
    expect(await store.currentRevision()).toBe(revision);
  });
});
