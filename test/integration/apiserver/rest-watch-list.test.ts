import { describe, expect, it } from 'vitest';
import { openEtcdStore } from '../../../services/apiserver/storage/etcd-store.js';
import { useControlPlane } from '../../harness/use-control-plane.js';
import { eventually } from './helpers.js';
import { kubectl, requireKubectl, restRequest, restWatch, spawnKubectl, writeKubeconfig } from './rest-helpers.js';

// Kubernetes' watch-list over the HTTP API (sendInitialEvents, which client-go's reflectors send
// instead of a list when the WatchListClient feature is on) and resourceVersionMatch on lists,
// with the errors Kubernetes gives for the combinations it refuses.

const ns = '/api/v1/namespaces/default/configmaps';
const SELECTOR = 'labelSelector=suite%3Dwatch-list';
const INITIAL_EVENTS_END = 'k8s.io/initial-events-end';
/** What client-go's reflector logs (at -v=6 and up) when the watch-list's initial events are complete. */
const BOOKMARK_RECEIVED = 'received the bookmark that marks the end of initial events stream';
const cm = (name: string, data: Record<string, string> = { k: name }) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, labels: { suite: 'watch-list' } }, data });

interface Meta {
  metadata: { name: string; resourceVersion: string; annotations?: Record<string, string> };
  data?: Record<string, string>;
}

async function create(f: ReturnType<typeof useControlPlane>, name: string): Promise<number> {
  const res = await restRequest(f.cp, 'POST', ns, cm(name));
  expect(res.status).toBe(201);
  return Number(res.json<Meta>().metadata.resourceVersion);
}

const watchList = (resourceVersion: string): string =>
  `${ns}?watch=true&sendInitialEvents=true&allowWatchBookmarks=true&resourceVersionMatch=NotOlderThan&resourceVersion=${resourceVersion}&${SELECTOR}`;

const describeEvent = (e: { type: string; object: Record<string, any> }): string => `${e.type} ${e.object.metadata.name ?? ''}`.trim();

describe('watch-list and resourceVersionMatch over the HTTP API', () => {
  const f = useControlPlane();

  it('a watch-list sends every object as ADDED, then the bookmark ending the initial events at their revision, then later changes', async () => {
    const first = await create(f, 'wl-a');
    // Written just before the watch: a consistent read has it even if the cache has not caught up.
    const second = await create(f, 'wl-b');
    const watch = restWatch(f.cp, watchList(''));
    try {
      await eventually(async () => watch.events.length >= 3, 30_000, 'the initial events and their bookmark');
      expect(watch.events.map(describeEvent)).toEqual(['ADDED wl-a', 'ADDED wl-b', 'BOOKMARK']);
      expect(watch.events.slice(0, 2).map((e) => Number(e.object.metadata.resourceVersion))).toEqual([first, second]);
      const bookmark = watch.events[2]!.object as Meta;
      expect(bookmark).toMatchObject({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { annotations: { [INITIAL_EVENTS_END]: 'true' } } });
      const stateRevision = Number(bookmark.metadata.resourceVersion);
      expect(stateRevision).toBeGreaterThanOrEqual(second);

      const later = await create(f, 'wl-c');
      await eventually(async () => watch.events.length >= 4, 30_000, 'the change after the initial events');
      expect(describeEvent(watch.events[3]!)).toBe('ADDED wl-c');
      expect(later).toBeGreaterThan(stateRevision);
    } finally {
      watch.stop();
    }
  });

  it('starts a watch-list from any state ("0") or one not older than a revision, and sendInitialEvents=false from now', async () => {
    const list = await restRequest(f.cp, 'GET', `${ns}?${SELECTOR}`);
    const listed = list.json<{ metadata: { resourceVersion: string }; items: Meta[] }>();
    const names = listed.items.map((i) => `ADDED ${i.metadata.name}`);
    for (const rv of ['0', listed.metadata.resourceVersion]) {
      const watch = restWatch(f.cp, watchList(rv));
      try {
        await eventually(async () => watch.events.length >= names.length + 1, 30_000, `the initial events from ${rv}`);
        expect(watch.events.map(describeEvent)).toEqual([...names, 'BOOKMARK']);
        const end = watch.events.at(-1)!.object as Meta;
        expect(end.metadata.annotations).toEqual({ [INITIAL_EVENTS_END]: 'true' });
        expect(Number(end.metadata.resourceVersion)).toBeGreaterThanOrEqual(Number(listed.metadata.resourceVersion));
      } finally {
        watch.stop();
      }
    }

    const fromNow = restWatch(f.cp, `${ns}?watch=true&sendInitialEvents=false&resourceVersionMatch=NotOlderThan&resourceVersion=0&${SELECTOR}`);
    try {
      // Not knowing when the watch opened, write until one write reaches it: none of the objects before does.
      await eventually(async () => {
        await create(f, `wl-now-${Date.now()}`);
        return fromNow.events.length > 0;
      }, 30_000, 'an event');
      expect(fromNow.events.every((e) => e.type === 'ADDED' && e.object.metadata.name.startsWith('wl-now-'))).toBe(true);
    } finally {
      fromNow.stop();
    }
  });

  it('lists at exactly a revision with resourceVersionMatch=Exact, and at least as new as one with NotOlderThan', async () => {
    const created = await create(f, 'wl-exact');
    const patched = await restRequest(f.cp, 'PATCH', `${ns}/wl-exact`, { data: { k: 'changed' } }, { 'Content-Type': 'application/merge-patch+json' });
    expect(patched.status).toBe(200);
    const one = 'fieldSelector=metadata.name%3Dwl-exact';

    const exact = (await restRequest(f.cp, 'GET', `${ns}?${one}&resourceVersion=${created}&resourceVersionMatch=Exact`)).json<{ metadata: { resourceVersion: string }; items: Meta[] }>();
    expect(exact.metadata.resourceVersion).toBe(String(created));
    expect(exact.items.map((i) => [i.metadata.resourceVersion, i.data])).toEqual([[String(created), { k: 'wl-exact' }]]);
    const paged = (await restRequest(f.cp, 'GET', `${ns}?${one}&resourceVersion=${created}&resourceVersionMatch=Exact&limit=1`)).json<{ items: Meta[] }>();
    expect(paged.items.map((i) => i.data)).toEqual([{ k: 'wl-exact' }]);

    const notOlder = (await restRequest(f.cp, 'GET', `${ns}?${one}&resourceVersion=${created}&resourceVersionMatch=NotOlderThan`)).json<{ items: Meta[] }>();
    expect(notOlder.items.map((i) => i.data)).toEqual([{ k: 'changed' }]);
  });

  it('serves kubectl 1.32 waiting through a watch-list (client-go with WatchListClient), for a state there already and one that comes later', async () => {
    requireKubectl();
    const kubeconfig = writeKubeconfig(f.cp, 'watch-list');
    await create(f, 'wl-kubectl');
    // client-go reads its feature gates from the environment; with this one its reflectors watch-list instead of listing.
    const watchListClient = { KUBE_FEATURE_WatchListClient: 'true' };
    const present = await kubectl(kubeconfig, ['wait', '--for=jsonpath={.data.k}=wl-kubectl', 'configmap/wl-kubectl', '--timeout=30s', '-v=6'], undefined, watchListClient);
    expect(present.code).toBe(0);
    expect(present.stdout).toBe('configmap/wl-kubectl condition met\n');
    expect(present.stderr).toMatch(/GET \S+\/configmaps\?\S*sendInitialEvents=true\S*watch=true 200 OK/);
    expect(present.stderr).toContain(BOOKMARK_RECEIVED);

    // Waiting for a value to come: the change is made once kubectl has had the initial events.
    const later = spawnKubectl(kubeconfig, ['wait', '--for=jsonpath={.data.k}=later', 'configmap/wl-kubectl', '--timeout=30s', '-v=6'], watchListClient);
    let stderr = '';
    later.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    let stdout = '';
    later.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    const exited = new Promise<number | null>((resolve) => later.on('close', resolve));
    later.stdin.end();
    try {
      await eventually(async () => stderr.includes(BOOKMARK_RECEIVED), 20_000, 'kubectl to receive the initial events');
      const patched = await restRequest(f.cp, 'PATCH', `${ns}/wl-kubectl`, { data: { k: 'later' } }, { 'Content-Type': 'application/merge-patch+json' });
      expect(patched.status).toBe(200);
      expect([await exited, stdout]).toEqual([0, 'configmap/wl-kubectl condition met\n']);
    } finally {
      later.kill();
    }
  });

  it.each([
    ['a list with resourceVersionMatch but no resourceVersion', `${ns}?resourceVersionMatch=NotOlderThan`, [['resourceVersionMatch', 'FieldValueForbidden', 'Forbidden: resourceVersionMatch is forbidden unless resourceVersion is provided']]],
    ['a list with Exact from "0"', `${ns}?resourceVersion=0&resourceVersionMatch=Exact`, [['resourceVersionMatch', 'FieldValueForbidden', 'Forbidden: resourceVersionMatch "exact" is forbidden for resourceVersion "0"']]],
    ['a list with an unknown resourceVersionMatch', `${ns}?resourceVersion=1&resourceVersionMatch=Newest`, [['resourceVersionMatch', 'FieldValueNotSupported', 'Unsupported value: "Newest": supported values: "Exact", "NotOlderThan", ""']]],
    ['a list with sendInitialEvents', `${ns}?sendInitialEvents=true`, [['sendInitialEvents', 'FieldValueForbidden', 'Forbidden: sendInitialEvents is forbidden for list']]],
    ['a watch with sendInitialEvents but no resourceVersionMatch', `${ns}?watch=true&sendInitialEvents=true`, [['resourceVersionMatch', 'FieldValueForbidden', 'Forbidden: sendInitialEvents requires setting resourceVersionMatch to NotOlderThan']]],
    ['a watch with resourceVersionMatch but no sendInitialEvents', `${ns}?watch=true&resourceVersion=0&resourceVersionMatch=NotOlderThan`, [['resourceVersionMatch', 'FieldValueForbidden', 'Forbidden: resourceVersionMatch is forbidden for watch unless sendInitialEvents is provided']]],
    [
      'a watch-list with Exact',
      `${ns}?watch=true&sendInitialEvents=true&resourceVersion=1&resourceVersionMatch=Exact`,
      [
        ['resourceVersionMatch', 'FieldValueForbidden', 'Forbidden: sendInitialEvents requires setting resourceVersionMatch to NotOlderThan'],
        ['resourceVersionMatch', 'FieldValueNotSupported', 'Unsupported value: "Exact": supported values: "NotOlderThan"'],
      ],
    ],
  ])('refuses %s as Kubernetes does (422 Invalid ListOptions naming the field)', async (_name, path, causes) => {
    const res = await restRequest(f.cp, 'GET', path);
    expect(res.status).toBe(422);
    const messages = causes.map(([fieldName, , body]) => `${fieldName}: ${body}`);
    expect(res.json()).toEqual({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: `ListOptions.meta.k8s.io "" is invalid: ${messages.length === 1 ? messages[0] : `[${messages.join(', ')}]`}`,
      reason: 'Invalid',
      details: { group: 'meta.k8s.io', kind: 'ListOptions', causes: causes.map(([fieldName, reason, message]) => ({ reason, message, field: fieldName })) },
      code: 422,
    });
  });

  it('answers Expired for an exact list at a revision etcd has compacted', async () => {
    const old = await create(f, 'wl-compacted');
    await create(f, 'wl-after-compaction');
    const store = openEtcdStore([f.cp.etcd.endpoint]);
    try {
      await store.compact(await store.currentRevision());
    } finally {
      await store.close();
    }
    const res = await restRequest(f.cp, 'GET', `${ns}?resourceVersion=${old}&resourceVersionMatch=Exact`);
    expect(res.status).toBe(410);
    expect(res.json()).toMatchObject({ reason: 'Expired', message: 'The resourceVersion for the provided list is too old.', code: 410 });
  });
});
