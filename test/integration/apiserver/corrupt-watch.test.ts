import { describe, expect, it } from 'vitest';
import { ApiError } from '../../../lib/api/errors.js';
import type * as t from '../../../lib/api/generated/index.js';
import { useControlPlane } from '../../harness/use-control-plane.js';
import { etcdClient, pod } from './helpers.js';
import { restWatch } from './rest-helpers.js';

// A pod in etcd whose outer bytes decode (name, namespace, labels, the fields selectors read: what
// the watch cache routes events by) but whose container is broken: only a full decode finds it.
// Every watch that reaches it, over gRPC or HTTP, ends with an ERROR event naming its key instead
// of sending bytes a client cannot read; the apiserver and every other watch go on.

const IMAGE = 'busybox:1.36';

const corruptAt = (key: string): RegExp => new RegExp(`^Internal error occurred: the object stored at ${key} cannot be decoded: `);

interface Seen {
  events: string[];
  failure?: unknown;
}

/** Runs a gRPC watch to its end, noting its events and the error it ended with. */
async function watchToEnd(watch: AsyncIterable<{ type: string; object: t.Pod }>): Promise<Seen> {
  const seen: Seen = { events: [] };
  try {
    for await (const event of watch) seen.events.push(`${event.type} ${event.object.metadata?.name}`);
  } catch (err) {
    seen.failure = err;
  }
  return seen;
}

function expectEndedWith(seen: Seen, corrupt: RegExp): void {
  expect(seen.failure).toBeInstanceOf(ApiError);
  expect((seen.failure as ApiError).reason).toBe('InternalError');
  expect((seen.failure as ApiError).message).toMatch(corrupt);
}

describe('a watch that reaches a corrupt object in etcd', () => {
  const f = useControlPlane();

  async function podsIn(ns: string, names: string[]): Promise<string> {
    await f.client.resource('namespace').create({ metadata: { name: ns } });
    let revision = '';
    for (const name of names) revision = (await f.client.resource('pod').create(pod(name, ns))).metadata!.resourceVersion!;
    return revision;
  }

  /** Breaks the pod's container in etcd: the image field's tag becomes field 0 of wire type 7, which no protobuf value has. */
  async function corrupt(key: string): Promise<void> {
    const etcd = etcdClient(f.cp);
    try {
      const value = (await etcd.get(key).buffer())!;
      const image = value.indexOf(IMAGE);
      expect(image).toBeGreaterThan(2);
      value[image - 2] = 0x07;
      await etcd.put(key).value(value);
    } finally {
      etcd.close();
    }
  }

  it('while it runs ends with an ERROR event naming its key, over gRPC and HTTP; other watches and the apiserver go on', async () => {
    const ns = 'corrupt-live';
    const key = `/registry/pods/${ns}/victim`;
    const from = await podsIn(ns, ['good', 'victim']);
    const pods = f.client.resource('pod');
    const all = watchToEnd(pods.watch(ns, { resourceVersion: from }));
    const http = restWatch(f.cp, `/api/v1/namespaces/${ns}/pods?watch=true&resourceVersion=${from}&timeoutSeconds=30`);
    const others = new AbortController();
    const good = watchToEnd(
      (async function* () {
        for await (const event of pods.watch(ns, { resourceVersion: from, fieldSelector: 'metadata.name=good', signal: others.signal })) {
          yield event;
          others.abort();
        }
      })(),
    );

    await corrupt(key);
    const seen = await all;
    expect(seen.events).toEqual([]);
    expectEndedWith(seen, corruptAt(key));
    await http.ended;
    expect(http.events).toHaveLength(1);
    expect(http.events[0]).toMatchObject({ type: 'ERROR', object: { kind: 'Status', reason: 'InternalError', code: 500, message: expect.stringMatching(corruptAt(key)) } });

    await pods.patch(ns, 'good', { metadata: { labels: { touched: 'yes' } } });
    expect((await good).events).toEqual(['MODIFIED good']);
    expect((await pods.get(ns, 'good')).metadata?.labels).toEqual({ touched: 'yes' });
  });

  it('among the initial events of a watch from resourceVersion 0 ends it with that error, over gRPC and HTTP', async () => {
    const ns = 'corrupt-initial';
    const key = `/registry/pods/${ns}/b-victim`;
    await podsIn(ns, ['a-good', 'b-victim', 'c-good']);
    await corrupt(key);
    // The cache holds the corrupt state once a consistent read has seen its revision.
    await expect(f.client.resource('pod').get(ns, 'b-victim')).rejects.toThrow(corruptAt(key));

    const seen = await watchToEnd(f.client.resource('pod').watch(ns, { resourceVersion: '0' }));
    expect(seen.events).toEqual(['ADDED a-good']);
    expectEndedWith(seen, corruptAt(key));

    const http = restWatch(f.cp, `/api/v1/namespaces/${ns}/pods?watch=true&resourceVersion=0&timeoutSeconds=30`);
    await http.ended;
    expect(http.events.map((e) => `${e.type} ${e.object.metadata?.name ?? e.object.message}`)).toEqual(['ADDED a-good', expect.stringMatching(/^ERROR Internal error occurred: the object stored at/)]);
    expect(http.events[1]?.object.message).toMatch(corruptAt(key));
  });
});
