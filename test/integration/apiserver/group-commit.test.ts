import { describe, expect, it } from 'vitest';
import type * as t from '../../../lib/api/generated/index.js';
import { useControlPlane } from '../../harness/use-control-plane.js';
import { configMap, eventually, nsObject } from './helpers.js';
import { restWatch } from './rest-helpers.js';

// Creates that reach the apiserver together are committed to etcd in one transaction, so several
// objects share one resourceVersion. Over gRPC, a watch from any of those versions, and a list
// followed by a watch, must still see every object exactly once. Over the HTTP API, a watch from a
// shared version starts with that version's objects again: Kubernetes' clients resume from the
// last event they got, and one cut between those objects must not lose the rest.

const fixture = useControlPlane();

type Seen = { type: string; name: string; rv: number };

/** The events of a watch from rv until `count` have come (bookmarks left out); the watch is then cancelled. */
async function watchFrom(namespace: string, rv: number, count: number): Promise<Seen[]> {
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), 30_000);
  const seen: Seen[] = [];
  try {
    if (count === 0) return seen;
    for await (const ev of fixture.client.resource('configMap').watch(namespace, { resourceVersion: String(rv), signal: abort.signal })) {
      if (ev.type === 'BOOKMARK') continue;
      seen.push({ type: ev.type, name: ev.object.metadata?.name ?? '', rv: Number(ev.object.metadata?.resourceVersion) });
      if (seen.length === count) break;
    }
  } finally {
    clearTimeout(timer);
    abort.abort();
  }
  return seen;
}

/** Creates n ConfigMaps at once, a few times if needed, until some of them share a resourceVersion. */
async function createInBursts(namespace: string, n: number): Promise<t.ConfigMap[]> {
  const created: t.ConfigMap[] = [];
  for (let round = 0; round < 5; round++) {
    const burst = await Promise.all(Array.from({ length: n }, (_, i) => fixture.client.resource('configMap').create(configMap(`r${round}-${String(i).padStart(3, '0')}`, namespace))));
    created.push(...burst);
    if (new Set(burst.map((c) => c.metadata?.resourceVersion)).size < burst.length) return created;
  }
  throw new Error('no two creates of five bursts shared a resourceVersion');
}

describe('objects created together (one etcd transaction, one resourceVersion)', () => {
  it('come to a watch from each of their resourceVersions exactly once, in order', async () => {
    await fixture.client.resource('namespace').create(nsObject('together'));
    const start = Number((await fixture.client.resource('configMap').list('together')).resourceVersion);
    const created = await createInBursts('together', 60);
    const all: Seen[] = created.map((c) => ({ type: 'ADDED', name: c.metadata!.name!, rv: Number(c.metadata!.resourceVersion) }));
    const byRevisionThenName = (a: Seen, b: Seen): number => a.rv - b.rv || a.name.localeCompare(b.name);

    for (const rv of [start, ...new Set(all.map((s) => s.rv))]) {
      const expected = all.filter((s) => s.rv > rv).sort(byRevisionThenName);
      const seen = await watchFrom('together', rv, expected.length);
      // Revision order; inside a revision, the order of the transaction's puts.
      expect(seen.map((s) => s.rv)).toEqual(expected.map((s) => s.rv));
      expect([...seen].sort(byRevisionThenName)).toEqual(expected);
    }

    // The HTTP API's watch from the start: every object once, at the resourceVersion of its create.
    const http = restWatch(fixture.cp, `/api/v1/namespaces/together/configmaps?watch=1&resourceVersion=${start}`);
    try {
      await eventually(async () => http.events.length >= all.length, 30_000, `${all.length} events over HTTP`);
      const seen = http.events.map((e) => ({ type: e.type, name: e.object.metadata.name, rv: Number(e.object.metadata.resourceVersion) }));
      expect(seen.sort(byRevisionThenName)).toEqual([...all].sort(byRevisionThenName));
    } finally {
      http.stop();
    }
  });

  it('come again to an HTTP watch from their shared resourceVersion, then what follows', async () => {
    await fixture.client.resource('namespace').create(nsObject('resumed'));
    const created = [...(await createInBursts('resumed', 60)), await fixture.client.resource('configMap').create(configMap('later', 'resumed'))];
    const all: Seen[] = created.map((c) => ({ type: 'ADDED', name: c.metadata!.name!, rv: Number(c.metadata!.resourceVersion) }));
    const countAt = (rv: number): number => all.filter((s) => s.rv === rv).length;
    const shared = all.map((s) => s.rv).find((rv) => countAt(rv) > 1)!;
    const expected = all.filter((s) => s.rv >= shared);
    const byRevisionThenName = (a: Seen, b: Seen): number => a.rv - b.rv || a.name.localeCompare(b.name);

    const http = restWatch(fixture.cp, `/api/v1/namespaces/resumed/configmaps?watch=1&resourceVersion=${shared}`);
    try {
      await eventually(async () => http.events.length >= expected.length, 30_000, `${expected.length} events over HTTP from ${shared} (${countAt(shared)} of them at it)`);
      const seen = http.events.map((e) => ({ type: e.type, name: e.object.metadata.name, rv: Number(e.object.metadata.resourceVersion) }));
      expect(seen.map((s) => s.rv)).toEqual(expected.map((s) => s.rv).sort((a, b) => a - b));
      expect(seen.sort(byRevisionThenName)).toEqual(expected.sort(byRevisionThenName));
    } finally {
      http.stop();
    }
  });

  it('add up, through a paged list and a watch from its resourceVersion, to every object once', async () => {
    const cms = fixture.client.resource('configMap');
    await fixture.client.resource('namespace').create(nsObject('list-watch'));
    const first = createInBursts('list-watch', 60);
    // A list in the middle of the bursts, in small pages, then a watch from the list's version.
    await new Promise((r) => setTimeout(r, 20));
    const listed = await cms.listAll('list-watch', { limit: 7 });
    const created = await first;
    const names = new Set(created.map((c) => c.metadata!.name!));
    const missing = [...names].filter((n) => !listed.items.some((i) => i.metadata?.name === n));
    const watched = await watchFrom('list-watch', Number(listed.resourceVersion), missing.length);
    const listedNames = listed.items.map((i) => i.metadata!.name!);
    expect(new Set(listedNames).size).toBe(listedNames.length);
    expect(watched.map((s) => s.name).sort()).toEqual(missing.sort());
    expect(watched.every((s) => s.rv > Number(listed.resourceVersion))).toBe(true);
    expect(listed.items.every((i) => Number(i.metadata?.resourceVersion) <= Number(listed.resourceVersion))).toBe(true);
  });
});
