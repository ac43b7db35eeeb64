import { afterAll, beforeAll } from 'vitest';
import { startEtcd, type EtcdInstance } from '../../../test/harness/etcd.js';
import { openEtcdStore, type EtcdStore } from './etcd-store.js';
import { describeStoreContract } from './store-contract.js';

let etcd: EtcdInstance;
let store: EtcdStore;
beforeAll(async () => {
  etcd = await startEtcd();
  store = openEtcdStore([etcd.endpoint]);
});
afterAll(async () => {
  await store?.close();
  await etcd?.stop();
});

describeStoreContract('EtcdStore (real etcd)', () => store);
