import { describe, expect, it } from 'vitest';
import type * as t from '../../../lib/api/generated/index.js';
import { useControlPlane } from '../../harness/use-control-plane.js';
import { pollUntil } from '../../harness/poll.js';
import { etcdClient, nsObject } from './helpers.js';

// Events go after the apiserver's --event-ttl through etcd leases that the Events of a short window
// share; that window is a twentieth of the TTL at most, so a short TTL stays exact. An Event that
// goes is a DELETED on the watches and missing from lists like any deleted object.

const TTL_SECONDS = 3;
const cluster = useControlPlane({ apiserver: { eventTtlSeconds: TTL_SECONDS } });

function scheduled(name: string): t.Event {
  return {
    metadata: { name, namespace: 'ttl' },
    involvedObject: { kind: 'Pod', namespace: 'ttl', name },
    reason: 'Scheduled',
    message: `Successfully assigned ttl/${name} to n1`,
    type: 'Normal',
    source: { component: 'default-scheduler' },
  };
}

describe('events under a short --event-ttl', () => {
  it('are listed and watched, expire through leases of the TTL itself, and are DELETED on the watch when they go', async () => {
    const events = cluster.client.resource('event');
    await cluster.client.resource('namespace').create(nsObject('ttl'));
    const names = ['a', 'b', 'c'];
    await Promise.all(names.map((n) => events.create(scheduled(n))));
    const listed = await events.list('ttl', { fieldSelector: 'reason=Scheduled' });
    expect(listed.items.map((e) => e.metadata?.name).sort()).toEqual(names);

    const etcd = etcdClient(cluster.cp);
    try {
      for (const name of names) {
        const lease = (await etcd.get(`/registry/events/ttl/${name}`).exec()).kvs[0]?.lease;
        expect(Number(lease)).toBeGreaterThan(0);
        // A TTL this short shares no window: the lease is the TTL itself, not a minute more.
        expect(Number((await etcd.leaseClient.leaseTimeToLive({ ID: lease!, keys: false })).grantedTTL)).toBe(TTL_SECONDS);
      }
    } finally {
      etcd.close();
    }

    const abort = new AbortController();
    const deleted: string[] = [];
    const watching = (async () => {
      for await (const ev of events.watch('ttl', { resourceVersion: listed.resourceVersion, signal: abort.signal })) {
        if (ev.type === 'DELETED') deleted.push(ev.object.metadata?.name ?? '');
        if (deleted.length === names.length) break;
      }
    })();
    try {
      await pollUntil(async () => (await events.list('ttl')).items.length === 0, { timeoutMs: 30_000, intervalMs: 250, what: 'the events expired' });
      await pollUntil(() => deleted.length === names.length, { timeoutMs: 10_000, intervalMs: 100, what: 'a DELETED for each event' });
    } finally {
      abort.abort();
      await watching.catch(() => undefined);
    }
    expect(deleted.sort()).toEqual(names);
  });
});
