import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureClusterFiles } from '../../../cli/up/cluster-files.js';
import { etcdClientTls } from '../../../cli/up/etcd-args.js';
import { openEtcdStore, type EtcdStore } from '../../../services/apiserver/storage/etcd-store.js';
import type { StoreWatch } from '../../../services/apiserver/storage/store.js';
import { startEtcdMembers, type HaEtcdMember } from '../../harness/ha-cluster.js';
import { pollUntil } from '../../harness/poll.js';

// A three-member etcd cluster whose watched member loses its quorum (the other two stop). The
// store's watch asks for a leader, so the member ends the stream once it has none, and the watch
// says it lost its stream, as on any other disconnect, instead of staying open with no events
// coming while (in a real partition) the majority writes on.

describe('an etcd watch whose member loses its quorum', () => {
  let dir: string;
  let members: HaEtcdMember[] = [];
  let store: EtcdStore | undefined;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'kubets-etcd-quorum-'));
    const files = await ensureClusterFiles(dir, { servers: ['127.0.0.1:6443'], hosts: ['127.0.0.1'] });
    members = await startEtcdMembers(dir, files);
    store = openEtcdStore([members[0]!.endpoint], etcdClientTls(files.etcd));
  }, 60_000);

  afterAll(async () => {
    await store?.close();
    await Promise.all(members.map((m) => m.kill()));
    rmSync(dir, { recursive: true, force: true });
  });

  it('ends the stream with etcd\'s no-leader error instead of keeping it open without events', { timeout: 90_000 }, async () => {
    const disconnects: Error[] = [];
    const errors: Error[] = [];
    const watch: StoreWatch = await store!.watch('/registry/quorum/', (await store!.currentRevision()) + 1, {
      onBatch: () => undefined,
      onError: (e) => errors.push(e),
      onDisconnected: (e) => disconnects.push(e),
    });
    try {
      await Promise.all(members.slice(1).map((m) => m.kill()));
      await pollUntil(() => disconnects.some((e) => /no leader/.test(e.message)), { timeoutMs: 60_000, intervalMs: 100, what: 'the watch stream ended for want of a leader' });
      expect(errors).toEqual([]);
    } finally {
      await watch.cancel();
    }
  });
});
