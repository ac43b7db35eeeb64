import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiClient } from '../../../lib/client/client.js';
import { createAcknowledged } from '../../harness/acknowledged-create.js';
import { startHaCluster, waitForLeader, type HaCluster } from '../../harness/ha-cluster.js';
import { pollUntil } from '../../harness/poll.js';

// HA under failure, end to end: three etcd members, three apiservers (the built dist, `npm run
// build` first) and HAProxy with the shipped configuration, all on loopback. Clients create
// 3,000 ConfigMaps through HAProxy while one apiserver and later the etcd leader are killed with
// SIGKILL. No acknowledged create may be lost, none may be stored twice or answered wrongly.

const CLIENTS = 6;
const PER_CLIENT = 500;
const KILL_APISERVER_AT = 1_000;
const KILL_ETCD_LEADER_AT = 2_000;
const CREATE_DEADLINE_MS = 60_000;

const nameOf = (client: number, seq: number): string => `c${client}-${seq}`;

describe('HA chaos: SIGKILL of an apiserver and of the etcd leader under load', () => {
  let cluster: HaCluster;
  beforeAll(async () => {
    cluster = await startHaCluster();
  });
  afterAll(async () => {
    await cluster?.stop();
  });

  it('loses no acknowledged create and stores none twice', { timeout: 240_000 }, async () => {
    // One client (one connection) per writer, so HAProxy spreads them over the apiservers.
    const clients: ApiClient[] = [];
    for (let c = 0; c < CLIENTS; c++) clients.push(await cluster.client({ deadlineMs: 30_000 }));
    const acknowledged = new Set<string>();
    const chaos: Promise<void>[] = [];
    let killedApiserver = false;
    let killedLeader = false;
    const maybeKill = (): void => {
      if (!killedApiserver && acknowledged.size >= KILL_APISERVER_AT) {
        killedApiserver = true;
        chaos.push(cluster.apiservers[0]!.kill());
      }
      if (!killedLeader && acknowledged.size >= KILL_ETCD_LEADER_AT) {
        killedLeader = true;
        const killing = waitForLeader(cluster, 10_000).then((leader) => leader.kill());
        // Awaited after the writers; held until then rather than rejected unhandled.
        killing.catch(() => undefined);
        chaos.push(killing);
      }
    };
    await Promise.all(
      clients.map(async (client, c) => {
        const configMaps = client.resource('configMap');
        for (let seq = 0; seq < PER_CLIENT; seq++) {
          const name = nameOf(c, seq);
          await createAcknowledged(() => configMaps.create({ metadata: { name, namespace: 'default' }, data: { client: String(c), seq: String(seq) } }), CREATE_DEADLINE_MS);
          acknowledged.add(name);
          maybeKill();
        }
      }),
    );
    await Promise.all(chaos);
    expect(killedApiserver && killedLeader).toBe(true);
    expect(acknowledged.size).toBe(CLIENTS * PER_CLIENT);

    // Everything stored, read back through HAProxy in pages (from etcd, not a cache).
    const reader = await cluster.client({ deadlineMs: 30_000 });
    const listed = await reader.resource('configMap').listAll('default', { limit: 500 });
    const names = listed.items.map((cm) => cm.metadata!.name!).filter((n) => /^c\d+-\d+$/.test(n));
    expect(names.length).toBe(new Set(names).size);
    expect([...acknowledged].filter((n) => !names.includes(n))).toEqual([]);
    // Per writer: exactly its sequence 0..PER_CLIENT-1, nothing missing, nothing extra.
    for (let c = 0; c < CLIENTS; c++) {
      const seqs = names.filter((n) => n.startsWith(`c${c}-`)).map((n) => Number(n.split('-')[1])).sort((a, b) => a - b);
      expect(seqs).toEqual(Array.from({ length: PER_CLIENT }, (_, i) => i));
    }

    // The surviving members agree on the revision, and each object was written once (creates sent
    // together share one transaction, so not necessarily a revision of its own).
    const etcd = cluster.etcdClient();
    try {
      const raw = await etcd.getAll().prefix('/registry/configmaps/default/c').exec();
      expect(raw.kvs.length).toBe(CLIENTS * PER_CLIENT);
      expect(raw.kvs.every((kv) => kv.version === '1')).toBe(true);
      expect(raw.kvs.every((kv) => kv.create_revision === kv.mod_revision)).toBe(true);
      const revisions = await pollUntil(async () => {
        const r = await cluster.memberRevisions();
        return r.length === 2 && r[0] === r[1] ? r : undefined;
      }, { timeoutMs: 15_000, intervalMs: 200, what: 'the surviving etcd members at one revision' });
      expect(Math.max(...raw.kvs.map((kv) => Number(kv.mod_revision)))).toBeLessThanOrEqual(revisions[0]!);
    } finally {
      etcd.close();
    }
  });
});
