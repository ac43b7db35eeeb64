import { beforeAll, describe, expect, it } from 'vitest';
import type * as t from '../../../lib/api/generated/index.js';
import { ApiError } from '../../../lib/api/errors.js';
import { useControlPlane } from '../../harness/use-control-plane.js';
import { configMap, etcdClient, expectApiError } from './helpers.js';
import { restRequest } from './rest-helpers.js';

// A value in etcd whose start decodes (name, namespace, labels: what the watch cache reads to
// route events) but whose inside is broken: it fails at its first full decode. Every read that
// needs it answers an internal error naming its key, as Kubernetes does for a corrupt object
// (a list fails whole); the apiserver keeps serving everything else.

const ns = 'corrupt';
const BAD_KEY = `/registry/configmaps/${ns}/bad`;
/** The map entry data: {k: v} as protobuf: key field 1, value field 2. */
const ENTRY = Buffer.from([0x0a, 0x01, 0x6b, 0x12, 0x01, 0x76]);

describe('a corrupt object in etcd', () => {
  const f = useControlPlane();
  let corruptedAt = '';

  beforeAll(async () => {
    const cms = f.client.resource('configMap');
    await f.client.resource('namespace').create({ metadata: { name: ns } });
    for (const name of ['good-a', 'bad', 'good-b']) await cms.create(configMap(name, ns, undefined, { k: 'v' }));
    const etcd = etcdClient(f.cp);
    try {
      const value = await etcd.get(BAD_KEY).buffer();
      const at = value!.indexOf(ENTRY);
      expect(at).toBeGreaterThan(0);
      // The entry's key tag becomes a field 3 of wire type 7, which no protobuf value has.
      value![at] = 0x1f;
      await etcd.put(BAD_KEY).value(value!);
      corruptedAt = String((await etcd.get(BAD_KEY).exec()).kvs[0]!.mod_revision);
    } finally {
      etcd.close();
    }
  });

  const corrupt = new RegExp(`^Internal error occurred: the object stored at ${BAD_KEY} cannot be decoded: `);

  it('a get answers an internal error naming its key; its neighbours are served', async () => {
    await expectApiError(f.client.resource('configMap').get(ns, 'bad'), 'InternalError', corrupt);
    expect((await f.client.resource('configMap').get(ns, 'good-a')).data).toEqual({ k: 'v' });
  });

  it('a list of its kind fails whole with that error, from the cache and paged from etcd alike', async () => {
    const cms = f.client.resource('configMap');
    await expectApiError(cms.list(ns), 'InternalError', corrupt);
    await expectApiError(cms.list(ns, { resourceVersion: '0' }), 'InternalError', corrupt);
    await expectApiError(cms.list(ns, { limit: 10 }), 'InternalError', corrupt);
    // A list that does not reach it is served.
    expect((await cms.list(ns, { fieldSelector: 'metadata.name=good-b' })).items.map((c) => c.metadata?.name)).toEqual(['good-b']);
    expect((await f.client.resource('namespace').list('')).items.map((n) => n.metadata?.name)).toContain(ns);
    const http = await restRequest(f.cp, 'GET', `/api/v1/namespaces/${ns}/configmaps`);
    expect(http.status).toBe(500);
    expect(http.json()).toMatchObject({ kind: 'Status', reason: 'InternalError', code: 500, message: expect.stringMatching(corrupt) });
  });

  it('a gRPC watch that reaches it ends with an ERROR event carrying that error; other watches go on', async () => {
    const cms = f.client.resource('configMap');
    const seen: string[] = [];
    let failure: unknown;
    try {
      for await (const event of cms.watch(ns, { resourceVersion: '1' })) seen.push(`${event.type} ${(event.object as t.ConfigMap).metadata?.name}`);
    } catch (err) {
      failure = err;
    }
    // The creations came before the corruption and decode; the corrupt change ends the watch.
    expect(seen).toEqual(['ADDED good-a', 'ADDED bad', 'ADDED good-b']);
    expect(failure).toBeInstanceOf(ApiError);
    expect((failure as ApiError).reason).toBe('InternalError');
    expect((failure as ApiError).message).toMatch(corrupt);

    const others = new AbortController();
    const events: string[] = [];
    const watching = (async () => {
      for await (const event of cms.watch(ns, { resourceVersion: corruptedAt, fieldSelector: 'metadata.name=good-a', signal: others.signal })) {
        events.push(`${event.type} ${(event.object as t.ConfigMap).metadata?.name}`);
        if (events.length === 1) others.abort();
      }
    })().catch((err: unknown) => {
      if (!others.signal.aborted) throw err;
    });
    await cms.patch(ns, 'good-a', { data: { k: 'w' } });
    await watching;
    expect(events).toEqual(['MODIFIED good-a']);
  });

  it('a watch over HTTP that reaches it ends with an ERROR event carrying that error', async () => {
    const res = await restRequest(f.cp, 'GET', `/api/v1/namespaces/${ns}/configmaps?watch=true&resourceVersion=1&timeoutSeconds=5`);
    const events = res.text.trim().split('\n').map((line) => JSON.parse(line) as { type: string; object: { kind?: string; reason?: string; code?: number; message?: string; metadata?: { name?: string } } });
    // The creations came before the corruption and decode; the corrupt change ends the watch.
    expect(events.slice(0, -1).map((e) => `${e.type} ${e.object.metadata?.name}`)).toEqual(['ADDED good-a', 'ADDED bad', 'ADDED good-b']);
    expect(events.at(-1)).toMatchObject({ type: 'ERROR', object: { kind: 'Status', reason: 'InternalError', code: 500, message: expect.stringMatching(corrupt) } });
  });

  it('a delete needs it decoded too, as in Kubernetes without its unsafe deletion of corrupt objects', async () => {
    await expectApiError(f.client.resource('configMap').delete(ns, 'bad'), 'InternalError', corrupt);
    expect((await f.client.resource('configMap').get(ns, 'good-b')).data).toEqual({ k: 'v' });
  });
});
