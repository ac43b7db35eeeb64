import { getEventListeners } from 'node:events';
import { afterEach, describe, expect, it } from 'vitest';
import { ApiError } from '../api/errors.js';
import type { ConfigMap, Pod } from '../api/generated/index.js';
import { resourceByField } from '../api/resources.js';
import type { ResourceClient, WatchEvent } from '../client/resource-client.js';
import { useFakeApiServer } from '../client/testing/fake-api-per-test.js';
import { FakeApiServer } from '../client/testing/fake-apiserver.js';
import { Informer, type EventHandlers } from './informer.js';
import { SharedInformerFactory } from './shared-informer-factory.js';

const fastBackoff = { initialMs: 10, maxMs: 50 };

const configMap = (name: string, value = 'v', namespace = 'default'): ConfigMap => ({ metadata: { name, namespace }, data: { value } });

/** Records handler calls as short strings: `add a`, `update a v1->v2`, `delete a`. */
function recorder(): { log: string[]; handlers: EventHandlers<ConfigMap> } {
  const log: string[] = [];
  return {
    log,
    handlers: {
      onAdd: (obj) => log.push(`add ${obj.metadata?.name} ${obj.data?.value}`),
      onUpdate: (oldObj, newObj) => log.push(`update ${newObj.metadata?.name} ${oldObj.data?.value}->${newObj.data?.value}`),
      onDelete: (obj) => log.push(`delete ${obj.metadata?.name} ${obj.data?.value}`),
    },
  };
}

async function waitFor(condition: () => boolean, timeoutMs = 20_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > until) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 5));
  }
}

describe.each(['event', 'status'] as const)('Informer (expired watch as %s)', (expiredWatchAs) => {
  const api = useFakeApiServer({ expiredWatchAs });
  let informer: Informer<ConfigMap>;

  afterEach(async () => {
    await informer?.stop();
  });

  const cms = () => api.client.resource('configMap');

  /** An informer on the config maps, synced and watching; returns its handler log. */
  const startWatching = async (): Promise<string[]> => {
    informer = new Informer(cms(), { backoff: fastBackoff });
    const { log, handlers } = recorder();
    informer.addEventHandler(handlers);
    informer.start();
    await informer.waitForSync();
    await waitFor(() => api.fake.watcherCount === 1);
    return log;
  };

  /** Ends the open watch and refuses new ones, as an apiserver that is restarting. */
  const cutWatches = (): void => {
    api.fake.intercept = (method) => (method === 'Watch' ? new ApiError('ServiceUnavailable', 'apiserver restarting') : undefined);
    api.fake.breakWatches();
  };

  it('lists in pages, syncs, then follows the watch', async () => {
    for (let i = 0; i < 5; i++) await cms().create(configMap(`cm-${i}`));
    informer = new Informer(cms(), { pageSize: 2, backoff: fastBackoff });
    const { log, handlers } = recorder();
    informer.addEventHandler(handlers);
    expect(informer.hasSynced()).toBe(false);
    informer.start();
    expect(await informer.waitForSync()).toBe(true);
    expect(api.fake.callCount('List')).toBe(3);
    expect(log).toEqual(['add cm-0 v', 'add cm-1 v', 'add cm-2 v', 'add cm-3 v', 'add cm-4 v']);
    expect(informer.lastSyncResourceVersion).toBe('5');

    await waitFor(() => api.fake.watcherCount === 1);
    const cm0 = await cms().get('default', 'cm-0');
    await cms().update({ ...cm0, data: { value: 'w' } });
    await cms().delete('default', 'cm-1');
    await cms().create(configMap('cm-5'));
    await waitFor(() => log.length === 8);
    expect(log.slice(5)).toEqual(['update cm-0 v->w', 'delete cm-1 v', 'add cm-5 v']);
    expect(informer.store.get('default/cm-0')?.data?.value).toBe('w');
    expect(informer.store.get('default/cm-1')).toBeUndefined();
    expect(informer.store.size).toBe(5);
    expect(informer.lastSyncResourceVersion).toBe('8');
  });

  it('hands out frozen objects', async () => {
    await cms().create(configMap('a'));
    informer = new Informer(cms());
    informer.start();
    await informer.waitForSync();
    const cached = informer.store.get('default/a')!;
    expect(() => {
      (cached.data as Record<string, string>).value = 'changed';
    }).toThrow(TypeError);
  });

  it('resumes a broken watch from the last resourceVersion without relisting or repeating', async () => {
    await cms().create(configMap('a'));
    const log = await startWatching();

    cutWatches();
    await cms().create(configMap('b'));
    const a = await cms().get('default', 'a');
    await cms().update({ ...a, data: { value: 'w' } });
    await waitFor(() => api.fake.callCount('Watch') >= 3);
    api.fake.intercept = undefined;

    await waitFor(() => log.length === 3);
    await new Promise((r) => setTimeout(r, 50));
    expect(log).toEqual(['add a v', 'add b v', 'update a v->w']);
    expect(api.fake.callCount('List')).toBe(1);
    const resumedFrom = api.fake.calls.filter((c) => c.method === 'Watch').map((c) => (c.request as { resourceVersion: string }).resourceVersion);
    expect(new Set(resumedFrom)).toEqual(new Set(['1']));
  });

  it('relists after Expired and delivers only the differences', async () => {
    await cms().create(configMap('keep'));
    await cms().create(configMap('change'));
    await cms().create(configMap('remove'));
    const log = await startWatching();

    // The informer cannot watch while the cluster changes, and the history it would need is then compacted.
    cutWatches();
    const change = await cms().get('default', 'change');
    await cms().update({ ...change, data: { value: 'new' } });
    await cms().delete('default', 'remove');
    await cms().create(configMap('added'));
    api.fake.compact();
    api.fake.intercept = undefined;

    await waitFor(() => log.length === 6);
    expect(log.slice(3).sort()).toEqual(['add added v', 'delete remove v', 'update change v->new']);
    expect(api.fake.callCount('List')).toBe(2);
    expect(informer.store.listKeys().sort()).toEqual(['default/added', 'default/change', 'default/keep']);
    expect(informer.lastSyncResourceVersion).toBe(String(api.fake.revision));

    await cms().create(configMap('later'));
    await waitFor(() => log.length === 7);
    expect(log[6]).toBe('add later v');
  });

  it('moves its resourceVersion forward on bookmarks', async () => {
    informer = new Informer(cms(), { namespace: 'default', backoff: fastBackoff });
    informer.start();
    await informer.waitForSync();
    await waitFor(() => api.fake.watcherCount === 1);
    await cms().create(configMap('elsewhere', 'v', 'kube-system'));
    await cms().create(configMap('elsewhere-2', 'v', 'kube-system'));
    api.fake.sendBookmarks();
    await waitFor(() => informer.lastSyncResourceVersion === '2');
    expect(informer.store.size).toBe(0);
    const watch = api.fake.calls.find((c) => c.method === 'Watch')?.request as { allowWatchBookmarks: boolean; namespace: string };
    expect(watch).toMatchObject({ allowWatchBookmarks: true, namespace: 'default' });
  });
});

describe('Informer', () => {
  const api = useFakeApiServer();

  it('passes selectors through and deletes an object that leaves the selection', async () => {
    const pods = api.client.resource('pod');
    const pod = (name: string, app: string): Pod => ({ metadata: { name, namespace: 'default', labels: { app } }, spec: { nodeName: 'n1' } });
    await pods.create(pod('a', 'web'));
    await pods.create(pod('b', 'db'));
    const informer = new Informer(pods, { labelSelector: 'app=web', fieldSelector: 'spec.nodeName=n1' });
    const deleted: string[] = [];
    informer.onDelete((p) => deleted.push(`${p.metadata?.name} ${p.metadata?.labels?.app}`));
    informer.start();
    await informer.waitForSync();
    expect(informer.store.listKeys()).toEqual(['default/a']);
    await waitFor(() => api.fake.watcherCount === 1);
    const a = await pods.get('default', 'a');
    await pods.update({ ...a, metadata: { ...a.metadata, labels: { app: 'other' } } });
    await waitFor(() => deleted.length === 1);
    expect(deleted).toEqual(['a web']);
    expect(informer.store.size).toBe(0);
    await informer.stop();
  });

  it('resyncs every object as an update to itself', async () => {
    await api.client.resource('configMap').create(configMap('a'));
    const informer = new Informer(api.client.resource('configMap'), { resyncMs: 30 });
    const resyncs: boolean[] = [];
    informer.onUpdate((o, n) => resyncs.push(o === n));
    informer.start();
    await informer.waitForSync();
    await waitFor(() => resyncs.length >= 2);
    expect(resyncs.every(Boolean)).toBe(true);
    await informer.stop();
  });

  it('replays the cache to a late handler and survives a handler that throws', async () => {
    await api.client.resource('configMap').create(configMap('a'));
    const informer = new Informer(api.client.resource('configMap'));
    informer.onAdd(() => {
      throw new Error('bad handler');
    });
    informer.start();
    await informer.waitForSync();
    const late: string[] = [];
    const remove = informer.onAdd((obj) => late.push(obj.metadata?.name ?? ''));
    expect(late).toEqual(['a']);
    await waitFor(() => api.fake.watcherCount === 1);
    await api.client.resource('configMap').create(configMap('b'));
    await waitFor(() => late.length === 2);
    remove();
    await api.client.resource('configMap').create(configMap('c'));
    await waitFor(() => informer.store.size === 3);
    expect(late).toEqual(['a', 'b']);
    await informer.stop();
  });

  it('keeps retrying a failing list with backoff; stop ends everything', async () => {
    api.fake.failNext('List', new ApiError('Forbidden', 'no'), 3);
    const informer = new Informer(api.client.resource('configMap'), { backoff: fastBackoff });
    informer.start();
    expect(await informer.waitForSync()).toBe(true);
    expect(api.fake.callCount('List')).toBe(4);
    await waitFor(() => api.fake.watcherCount === 1);
    await informer.stop();
    await waitFor(() => api.fake.watcherCount === 0);
    expect(await informer.waitForSync()).toBe(true);

    api.fake.failNext('List', new ApiError('Forbidden', 'no'), 1000);
    const never = new Informer(api.client.resource('configMap'), { backoff: fastBackoff });
    const controller = new AbortController();
    never.start(controller.signal);
    const waiting = never.waitForSync();
    controller.abort();
    expect(await waiting).toBe(false);
    await never.stop();
  });
});

describe('SharedInformerFactory', () => {
  it('shares one informer per view and starts late ones', async () => {
    const fake = await FakeApiServer.start();
    const client = fake.client();
    const factory = new SharedInformerFactory(client);
    try {
      const pods = factory.informerFor('pod');
      expect(factory.informerFor('pod')).toBe(pods);
      expect(factory.informerFor('pod', { namespace: 'kube-system' })).not.toBe(pods);
      expect(factory.informerFor('pod', { labelSelector: 'a=b' })).not.toBe(pods);
      factory.start();
      expect(await factory.waitForSync()).toBe(true);
      const nodes = factory.informerFor('node');
      expect(await nodes.waitForSync()).toBe(true);
      expect(fake.callCount('List')).toBe(4);
    } finally {
      await factory.stop();
      client.close();
      await fake.stop();
    }
  });

  it('shares the caller\'s signal among many informers without a listener-leak warning, and stops them all with it', async () => {
    const fake = await FakeApiServer.start();
    const client = fake.client();
    const factory = new SharedInformerFactory(client);
    const warnings: Error[] = [];
    const onWarning = (w: Error): void => void warnings.push(w);
    process.on('warning', onWarning);
    const stop = new AbortController();
    try {
      const informers = Array.from({ length: 12 }, (_, i) => factory.informerFor('configMap', { namespace: `ns-${i}` }));
      factory.start(stop.signal);
      expect(await factory.waitForSync(stop.signal)).toBe(true);
      await new Promise((r) => setImmediate(r));
      expect(warnings.filter((w) => w.name === 'MaxListenersExceededWarning')).toEqual([]);
      await waitFor(() => fake.watcherCount === informers.length);
      stop.abort();
      await waitFor(() => fake.watcherCount === 0);
    } finally {
      process.off('warning', onWarning);
      await factory.stop();
      client.close();
      await fake.stop();
    }
  });

  it('leaves no listener on the caller\'s signal after each wait for sync', async () => {
    const fake = await FakeApiServer.start();
    const client = fake.client();
    const factory = new SharedInformerFactory(client);
    const caller = new AbortController();
    try {
      factory.informerFor('pod');
      factory.start();
      for (let i = 0; i < 20; i++) expect(await factory.waitForSync(caller.signal)).toBe(true);
      expect(getEventListeners(caller.signal, 'abort')).toHaveLength(0);
    } finally {
      await factory.stop();
      client.close();
      await fake.stop();
    }
  });
});

describe('Informer on a watch cut inside a resourceVersion', () => {
  it('resumes from the last resourceVersion it saw whole, so objects written in one transaction all arrive, each once', async () => {
    const cm = (name: string, rv: string): ConfigMap => ({ metadata: { name, namespace: 'default', resourceVersion: rv }, data: { value: 'v' } });
    const watchedFrom: string[] = [];
    // The first watch sends x@6 and a@7, then breaks before b@7, written in a's transaction.
    const streams: WatchEvent<ConfigMap>[][] = [
      [{ type: 'ADDED', object: cm('x', '6') }, { type: 'ADDED', object: cm('a', '7') }],
      [{ type: 'ADDED', object: cm('a', '7') }, { type: 'ADDED', object: cm('b', '7') }, { type: 'ADDED', object: cm('c', '8') }],
    ];
    const client = {
      info: resourceByField('configMap'),
      listAll: async () => ({ items: [], resourceVersion: '5' }),
      async *watch(_namespace: string, opts: { resourceVersion?: string; signal?: AbortSignal }): AsyncGenerator<WatchEvent<ConfigMap>> {
        watchedFrom.push(opts.resourceVersion ?? '');
        const events = streams.shift();
        if (!events) return await new Promise<never>((_, reject) => opts.signal?.addEventListener('abort', () => reject(new Error('stopped'))));
        yield* events;
        if (streams.length > 0) throw new ApiError('ServiceUnavailable', 'connection cut');
      },
    } as unknown as ResourceClient<ConfigMap>;
    const { log, handlers } = recorder();
    const informer = new Informer(client, { namespace: 'default', backoff: fastBackoff });
    informer.addEventHandler(handlers);
    informer.start();
    try {
      await waitFor(() => log.length === 4);
      expect(log).toEqual(['add x v', 'add a v', 'add b v', 'add c v']);
      expect(watchedFrom.slice(0, 2)).toEqual(['5', '6']);
    } finally {
      await informer.stop();
    }
  });
});
