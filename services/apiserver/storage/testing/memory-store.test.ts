import { beforeEach, describe, expect, it } from 'vitest';
import { describeStoreContract } from '../store-contract.js';
import { CompactedError, type WatchBatch } from '../store.js';
import { MemoryStore } from './memory-store.js';

describeStoreContract('MemoryStore', () => shared);
const shared = new MemoryStore();

describe('MemoryStore test helpers', () => {
  let store: MemoryStore;
  beforeEach(() => {
    store = new MemoryStore();
  });

  it('expires a lease: its keys go in one revision, seen by watches as deletes', async () => {
    const lease = await store.grantLease(60);
    await store.create('/registry/events/default/a', Buffer.from('a'), undefined, lease);
    await store.create('/registry/events/default/b', Buffer.from('b'), undefined, lease);
    expect(store.leaseOf('/registry/events/default/a')).toBe(lease);
    const batches: WatchBatch[] = [];
    await store.watch('/registry/events/', (await store.currentRevision()) + 1, { onBatch: (b) => batches.push(b), onError: () => undefined });
    store.expireLease(lease);
    await Promise.resolve();
    expect((await store.list('/registry/events/')).items).toEqual([]);
    expect(batches).toHaveLength(1);
    expect(batches[0]!.events.map((e) => `${e.type} ${e.kv.key}`)).toEqual(['delete /registry/events/default/a', 'delete /registry/events/default/b']);
  });

  it('detaches a key from its lease when it is updated without one, as etcd does', async () => {
    const lease = await store.grantLease(60);
    const created = await store.create('/registry/events/default/a', Buffer.from('a'), undefined, lease);
    await store.update('/registry/events/default/a', Buffer.from('a2'), created.ok ? created.revision : 0);
    expect(store.leaseOf('/registry/events/default/a')).toBeUndefined();
    store.expireLease(lease);
    expect(await store.get('/registry/events/default/a')).toMatchObject({ value: Buffer.from('a2') });
  });

  it('refuses a lease it never granted', async () => {
    await expect(store.create('/registry/events/default/a', Buffer.from('a'), undefined, '42')).rejects.toThrow(/lease not found/);
  });

  it('ends every watch with CompactedError on dropWatches', async () => {
    const errors: Error[] = [];
    await store.watch('/registry/pods/', 2, { onBatch: () => undefined, onError: (err) => errors.push(err) });
    store.dropWatches();
    await Promise.resolve();
    expect(errors).toHaveLength(1);
    expect(errors[0]).toBeInstanceOf(CompactedError);
  });
});
