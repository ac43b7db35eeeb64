import { describe, expect, it } from 'vitest';
import { describeStoreContract } from '../store-contract.js';
import { MemoryStore } from '../testing/memory-store.js';
import type { WatchBatch } from '../store.js';
import { aescbcConfigYaml, newAesKey, parseEncryptionConfig } from './config.js';
import { EncryptingStore, UnreadableHistoryError } from './encrypting-store.js';

// Encryption must not change what the store does: the whole contract, with every resource encrypted.
const everything = new MemoryStore();
describeStoreContract('EncryptingStore (every resource, over MemoryStore)', () => new EncryptingStore(everything, parseEncryptionConfig(aescbcConfigYaml([newAesKey('k')], ['*.*']))));

const SECRET = '/registry/secrets/default/db';
const CONFIGMAP = '/registry/configmaps/default/cfg';
const plain = Buffer.from('password=hunter2');
const oldKey = newAesKey('old');
const newKey = newAesKey('new');

function setup(keys = [oldKey]): { inner: MemoryStore; store: EncryptingStore } {
  const inner = new MemoryStore();
  return { inner, store: new EncryptingStore(inner, parseEncryptionConfig(aescbcConfigYaml(keys))) };
}

const raw = async (inner: MemoryStore, key: string): Promise<Buffer> => (await inner.get(key))!.value;

describe('EncryptingStore', () => {
  it('encrypts the configured resources only, and reads them back as written', async () => {
    const { inner, store } = setup();
    await store.create(SECRET, plain);
    await store.create(CONFIGMAP, plain);
    expect((await raw(inner, SECRET)).toString('latin1')).toMatch(/^k8s:enc:aescbc:v1:old:/);
    expect((await raw(inner, SECRET)).includes(Buffer.from('hunter2'))).toBe(false);
    expect(await raw(inner, CONFIGMAP)).toEqual(plain);
    expect((await store.get(SECRET))!.value).toEqual(plain);
    expect((await store.list('/registry/secrets/')).items.map((kv) => kv.value)).toEqual([plain]);
  });

  it('encrypts updates and the extra puts of a transaction, and decrypts the current value of a failed compare', async () => {
    const { inner, store } = setup();
    const created = await store.create(SECRET, plain);
    const rev = created.ok ? created.revision : 0;
    const res = await store.update(SECRET, Buffer.from('v2'), rev, { compares: [], puts: [{ key: '/registry/secrets/default/other', value: plain }] });
    expect(res.ok).toBe(true);
    expect((await raw(inner, '/registry/secrets/default/other')).toString('latin1')).toMatch(/^k8s:enc:aescbc:/);
    const lost = await store.update(SECRET, Buffer.from('v3'), rev);
    expect(lost).toMatchObject({ ok: false, current: { value: Buffer.from('v2') } });
    const lostDelete = await store.delete(SECRET, rev);
    expect(lostDelete).toMatchObject({ ok: false, current: { value: Buffer.from('v2') } });
  });

  it('delivers watch events decrypted, deletes as they come', async () => {
    const { store } = setup();
    const batches: WatchBatch[] = [];
    const watch = await store.watch('/registry/secrets/', (await store.currentRevision()) + 1, { onBatch: (b) => batches.push(b), onError: () => undefined });
    const created = await store.create(SECRET, plain);
    await store.delete(SECRET, created.ok ? created.revision : 0);
    await new Promise((r) => setTimeout(r, 10));
    expect(batches.flatMap((b) => b.events.map((e) => `${e.type} ${e.kv.value.toString()}`))).toEqual(['put password=hunter2', 'delete ']);
    await watch.cancel();
  });

  it('ends a watch with an error, not a skipped event, when a value cannot be decrypted', async () => {
    const { inner, store } = setup();
    const errors: Error[] = [];
    const watch = await store.watch('/registry/secrets/', (await store.currentRevision()) + 1, { onBatch: () => undefined, onError: (e) => errors.push(e) });
    await inner.create(SECRET, Buffer.from('k8s:enc:aescbc:v1:gone:xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx'));
    await new Promise((r) => setTimeout(r, 10));
    expect(errors.map((e) => e.message)).toEqual([`the value at ${SECRET} was encrypted with aescbc key "gone" and cannot be decrypted: is that key still configured? (tried identity)`]);
    await watch.cancel();
  });

  it('rotates: with the new key first, old values read as stale and rewrites use the new key', async () => {
    const { inner, store: before } = setup([oldKey]);
    await before.create(SECRET, plain);
    const during = new EncryptingStore(inner, parseEncryptionConfig(aescbcConfigYaml([newKey, oldKey])));
    const stale = (await during.get(SECRET))!;
    expect(stale).toMatchObject({ value: plain, stale: true });
    await during.update(SECRET, stale.value, stale.modRevision);
    expect((await raw(inner, SECRET)).toString('latin1')).toMatch(/^k8s:enc:aescbc:v1:new:/);
    const after = new EncryptingStore(inner, parseEncryptionConfig(aescbcConfigYaml([newKey])));
    expect((await after.get(SECRET))!).toMatchObject({ value: plain });
    expect((await after.get(SECRET))!.stale).toBeUndefined();
  });

  it('reports history written with a removed key as unreadable history (compacted), the present as readable', async () => {
    const { inner, store: before } = setup([oldKey]);
    const created = await before.create(SECRET, plain);
    const during = new EncryptingStore(inner, parseEncryptionConfig(aescbcConfigYaml([newKey, oldKey])));
    const stale = (await during.get(SECRET))!;
    await during.update(SECRET, stale.value, stale.modRevision);
    const after = new EncryptingStore(inner, parseEncryptionConfig(aescbcConfigYaml([newKey])));
    const firstRevision = created.ok ? created.revision : 0;
    await expect(after.list('/registry/secrets/', { revision: firstRevision })).rejects.toThrow(UnreadableHistoryError);
    expect((await after.list('/registry/secrets/')).items.map((kv) => kv.value)).toEqual([plain]);
    const errors: Error[] = [];
    const watch = await after.watch('/registry/secrets/', firstRevision, { onBatch: () => undefined, onError: (e) => errors.push(e) });
    await new Promise((r) => setTimeout(r, 10));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toBeInstanceOf(UnreadableHistoryError);
    expect(errors[0]!.message).toMatch(/^history holds values this apiserver cannot decrypt: the value at \/registry\/secrets\/default\/db was encrypted with aescbc key "old"/);
    await watch.cancel();
  });
});
