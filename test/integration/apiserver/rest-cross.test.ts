import { describe, expect, it } from 'vitest';
import type * as t from '../../../lib/api/generated/index.js';
import { useControlPlane } from '../../harness/use-control-plane.js';
import { eventually } from './helpers.js';
import { restRequest, restWatch } from './rest-helpers.js';

// The HTTP API and gRPC are two encodings of one registry: what one writes, the other reads and
// watches, in the same order.

const cm = (name: string, data: Record<string, string>) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, labels: { suite: 'cross' } }, data });

describe('HTTP API and gRPC side by side', () => {
  const f = useControlPlane();

  it('reads over gRPC what was created over HTTP, with the same resourceVersion', async () => {
    const res = await restRequest(f.cp, 'POST', '/api/v1/namespaces/default/configmaps', cm('from-rest', { a: '1' }));
    expect(res.status).toBe(201);
    const created = res.json<{ metadata: { resourceVersion: string; uid: string } }>();
    const got = await f.client.resource('configMap').get('default', 'from-rest');
    expect(got.data).toEqual({ a: '1' });
    expect(got.metadata?.resourceVersion).toBe(created.metadata.resourceVersion);
    expect(got.metadata?.uid).toBe(created.metadata.uid);
  });

  it('a gRPC watch sees HTTP writes in order', async () => {
    const abort = new AbortController();
    const seen: string[] = [];
    const { resourceVersion } = await f.client.resource('configMap').list('default');
    const watching = (async () => {
      for await (const ev of f.client.resource('configMap').watch('default', { labelSelector: 'suite=cross', resourceVersion, signal: abort.signal })) {
        seen.push(`${ev.type} ${ev.object.metadata?.name} ${JSON.stringify(ev.object.data ?? {})}`);
      }
    })();
    await restRequest(f.cp, 'POST', '/api/v1/namespaces/default/configmaps', cm('w1', { v: '1' }));
    await restRequest(f.cp, 'PATCH', '/api/v1/namespaces/default/configmaps/w1', { data: { v: '2' } }, { 'Content-Type': 'application/merge-patch+json' });
    await restRequest(f.cp, 'DELETE', '/api/v1/namespaces/default/configmaps/w1');
    await eventually(async () => seen.length >= 3, 30_000, 'three events');
    abort.abort();
    await watching;
    expect(seen).toEqual(['ADDED w1 {"v":"1"}', 'MODIFIED w1 {"v":"2"}', 'DELETED w1 {"v":"2"}']);
  });

  it('an HTTP watch sees gRPC writes in order', async () => {
    const rv = (await f.client.resource('configMap').list('default')).resourceVersion;
    const watch = restWatch(f.cp, `/api/v1/namespaces/default/configmaps?watch=true&labelSelector=suite%3Dcross&resourceVersion=${rv}`);
    try {
      const cms = f.client.resource('configMap');
      await cms.create({ metadata: { name: 'w2', namespace: 'default', labels: { suite: 'cross' } }, data: { v: '1' } });
      const current = await cms.get('default', 'w2');
      await cms.update({ ...current, data: { v: '2' } } as t.ConfigMap);
      await cms.delete('default', 'w2');
      await eventually(async () => watch.events.length >= 3, 30_000, 'three events');
      expect(watch.events.map((e) => `${e.type} ${e.object.metadata.name} ${JSON.stringify(e.object.data)}`)).toEqual([
        'ADDED w2 {"v":"1"}',
        'MODIFIED w2 {"v":"2"}',
        'DELETED w2 {"v":"2"}',
      ]);
      expect(watch.events[0]!.object).toMatchObject({ apiVersion: 'v1', kind: 'ConfigMap' });
    } finally {
      watch.stop();
    }
  });

  it('ends a watch at timeoutSeconds and sends bookmarks when allowed', async () => {
    const watch = restWatch(f.cp, '/api/v1/namespaces/default/configmaps?watch=1&timeoutSeconds=1&allowWatchBookmarks=true&resourceVersion=0');
    await watch.ended;
    expect(watch.events.filter((e) => e.type === 'ADDED').map((e) => e.object.metadata.name)).toContain('from-rest');
    const bookmark = watch.events.find((e) => e.type === 'BOOKMARK');
    expect(bookmark?.object).toMatchObject({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { resourceVersion: expect.stringMatching(/^\d+$/) } });
  });
});
