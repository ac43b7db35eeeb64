import { once } from 'node:events';
import { createServer, type AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ApiError, isApiError } from '../api/errors.js';
import type { ConfigMap, Deployment, Pod } from '../api/generated/index.js';
import { createCertificateAuthority, issueServingCert } from '../certs/index.js';
import { APISERVER_SERVICE_NAMES } from '../certs/names.js';
import { freePort } from '../../test/harness/ports.js';
import { ApiClient, InvalidClientOptionsError } from './client.js';
import { startFakeApi, stopFakeApi, useFakeApiServer } from './testing/fake-api-per-test.js';
import { FakeApiServer } from './testing/fake-apiserver.js';
import type { WatchEvent } from './resource-client.js';

const pod = (name: string, labels: Record<string, string> = {}): Pod => ({
  metadata: { name, namespace: 'default', labels },
  spec: { containers: [{ name: 'c', image: 'busybox:1' }] },
});

const configMap = (name: string, namespace = 'default'): ConfigMap => ({ metadata: { name, namespace }, data: { k: name } });

async function collect<T>(iterable: AsyncIterable<T>, count: number): Promise<T[]> {
  const out: T[] = [];
  if (count === 0) return out;
  for await (const item of iterable) {
    out.push(item);
    if (out.length >= count) break;
  }
  return out;
}

async function readAll(stream: Readable): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString();
}

async function rejection(promise: Promise<unknown>): Promise<ApiError> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof ApiError) return err;
    throw err;
  }
  throw new Error('expected a rejection');
}

describe('ApiClient against the fake apiserver', () => {
  const api = useFakeApiServer();

  it('creates, gets, updates with compare-and-swap, patches and deletes', async () => {
    const pods = api.client.resource('pod');
    const created = await pods.create(pod('web'));
    expect(created.metadata?.uid).toMatch(/[0-9a-f-]{36}/);
    expect(created.metadata?.resourceVersion).toBe('1');
    expect(created.kind).toBe('Pod');

    const got = await pods.get('default', 'web');
    expect(got.spec?.containers?.[0]?.image).toBe('busybox:1');

    const updated = await pods.update({ ...got, metadata: { ...got.metadata, labels: { app: 'web' } } });
    expect(updated.metadata?.labels).toEqual({ app: 'web' });

    const stale = await rejection(pods.update({ ...got, metadata: { ...got.metadata, labels: { app: 'stale' } } }));
    expect(stale.reason).toBe('Conflict');

    const withStatus = await pods.updateStatus({ ...updated, status: { phase: 'Running' } });
    expect(withStatus.status?.phase).toBe('Running');

    const patched = await pods.patch('default', 'web', { metadata: { annotations: { a: 'b' } } });
    expect(patched.metadata?.annotations).toEqual({ a: 'b' });
    expect(patched.metadata?.labels).toEqual({ app: 'web' });
    const jsonPatched = await pods.patch('default', 'web', [{ op: 'add', path: '/metadata/labels/tier', value: 'front' }], { type: 'json' });
    expect(jsonPatched.metadata?.labels).toEqual({ app: 'web', tier: 'front' });
    const strategic = await pods.patch('default', 'web', { spec: { containers: [{ name: 'c', image: 'busybox:2' }] } }, { type: 'strategic' });
    expect(strategic.spec?.containers?.map((c) => c.image)).toEqual(['busybox:2']);
    const statusPatched = await pods.patch('default', 'web', { status: { phase: 'Succeeded' }, metadata: { labels: null } }, { status: true });
    expect(statusPatched.status?.phase).toBe('Succeeded');
    expect(statusPatched.metadata?.labels).toEqual({ app: 'web', tier: 'front' });

    const deleted = await pods.delete('default', 'web');
    expect(deleted.metadata?.name).toBe('web');
    expect((await rejection(pods.get('default', 'web'))).reason).toBe('NotFound');
    expect((await rejection(pods.create(pod('dup')).then(() => pods.create(pod('dup'))))).reason).toBe('AlreadyExists');
  });

  it('lists with a selector and in pages', async () => {
    const cms = api.client.resource('configMap');
    for (let i = 0; i < 7; i++) await cms.create(configMap(`cm-${i}`));
    await cms.create(configMap('other', 'kube-system'));

    const first = await cms.list('default', { limit: 3 });
    expect(first.items.map((c) => c.metadata?.name)).toEqual(['cm-0', 'cm-1', 'cm-2']);
    expect(first.continue).not.toBe('');
    expect(first.remainingItemCount).toBe(4);
    const second = await cms.list('default', { limit: 3, continue: first.continue });
    expect(second.items.map((c) => c.metadata?.name)).toEqual(['cm-3', 'cm-4', 'cm-5']);
    expect(second.resourceVersion).toBe(first.resourceVersion);

    const all = await cms.list('');
    expect(all.items).toHaveLength(8);

    const pods = api.client.resource('pod');
    await pods.create(pod('a', { app: 'x' }));
    await pods.create(pod('b', { app: 'y' }));
    const selected = await pods.list('default', { labelSelector: 'app in (x)' });
    expect(selected.items.map((p) => p.metadata?.name)).toEqual(['a']);
    const byField = await pods.list('', { fieldSelector: 'metadata.name=b' });
    expect(byField.items.map((p) => p.metadata?.name)).toEqual(['b']);
  });

  it('listAll pages through one snapshot and returns the first page resourceVersion', async () => {
    const cms = api.client.resource('configMap');
    for (let i = 0; i < 5; i++) await cms.create(configMap(`cm-${i}`));
    let injected = false;
    api.fake.intercept = (method, request) => {
      // A write between pages must not show up in the snapshot being paged.
      if (method === 'List' && (request as { continueToken?: string }).continueToken && !injected) {
        injected = true;
        void cms.create(configMap('cm-9'));
      }
    };
    const { items, resourceVersion } = await cms.listAll('default', { limit: 2 });
    expect(items.map((c) => c.metadata?.name)).toEqual(['cm-0', 'cm-1', 'cm-2', 'cm-3', 'cm-4']);
    expect(resourceVersion).toBe('5');
    expect(api.fake.callCount('List')).toBe(3);
  });

  it('listAll starts over when a continue token expires', async () => {
    const cms = api.client.resource('configMap');
    for (let i = 0; i < 4; i++) await cms.create(configMap(`cm-${i}`));
    let expired = false;
    api.fake.intercept = (method, request) => {
      if (method === 'List' && (request as { continueToken?: string }).continueToken && !expired) {
        expired = true;
        return new ApiError('Expired', 'The provided continue parameter is too old');
      }
    };
    const { items } = await cms.listAll('default', { limit: 3 });
    expect(items).toHaveLength(4);
    expect(api.fake.callCount('List')).toBe(4);
  });

  it('a continue token from before a compaction is Expired', async () => {
    const cms = api.client.resource('configMap');
    for (let i = 0; i < 3; i++) await cms.create(configMap(`cm-${i}`));
    const first = await cms.list('default', { limit: 2 });
    await cms.delete('default', 'cm-0');
    api.fake.compact();
    expect((await rejection(cms.list('default', { limit: 2, continue: first.continue }))).reason).toBe('Expired');
  });

  it('watches from a resourceVersion, with bookmarks and selector transitions', async () => {
    const pods = api.client.resource('pod');
    const a = await pods.create(pod('a', { app: 'x' }));
    const controller = new AbortController();
    const events = pods.watch('default', { resourceVersion: a.metadata?.resourceVersion ?? '', labelSelector: 'app=x', allowWatchBookmarks: true, signal: controller.signal });
    const seen: WatchEvent<Pod>[] = [];
    const done = (async () => {
      for await (const ev of events) seen.push(ev);
    })();
    await waitFor(() => api.fake.watcherCount === 1);
    await pods.create(pod('b', { app: 'x' }));
    const b = await pods.get('default', 'b');
    await pods.update({ ...b, metadata: { ...b.metadata, labels: { app: 'gone' } } });
    await pods.create(pod('ignored', { app: 'y' }));
    api.fake.sendBookmarks();
    await pods.delete('default', 'a');
    await waitFor(() => seen.length === 4);
    controller.abort();
    await done;
    expect(seen.map((e) => `${e.type} ${e.object.metadata?.name ?? ''} ${e.object.metadata?.resourceVersion}`)).toEqual([
      'ADDED b 2',
      'DELETED b 3',
      'BOOKMARK  4',
      'DELETED a 5',
    ]);
    await waitFor(() => api.fake.watcherCount === 0);
  });

  it('watch from the start lists every object as ADDED; breaking out cancels the call', async () => {
    const pods = api.client.resource('pod');
    await pods.create(pod('a'));
    await pods.create(pod('b'));
    const events = await collect(pods.watch('default'), 2);
    expect(events.map((e) => `${e.type} ${e.object.metadata?.name}`)).toEqual(['ADDED a', 'ADDED b']);
    await waitFor(() => api.fake.watcherCount === 0);
  });

  it('a watch from a compacted version throws Expired (ERROR event)', async () => {
    const pods = api.client.resource('pod');
    await pods.create(pod('a'));
    await pods.create(pod('b'));
    api.fake.compact();
    const err = await rejection(collect(pods.watch('default', { resourceVersion: '1' }), 1));
    expect(err.reason).toBe('Expired');
  });

  it('a watch from a compacted version throws Expired (failed call)', async () => {
    const statusApi = await startFakeApi({ expiredWatchAs: 'status' });
    try {
      const pods = statusApi.client.resource('pod');
      await pods.create(pod('a'));
      await pods.create(pod('b'));
      statusApi.fake.compact();
      const err = await rejection(collect(pods.watch('default', { resourceVersion: '1' }), 1));
      expect(err.reason).toBe('Expired');
      expect(isApiError(err, 'Expired')).toBe(true);
    } finally {
      await stopFakeApi(statusApi);
    }
  });

  it('a broken watch stream throws after its first event', async () => {
    const pods = api.client.resource('pod');
    await pods.create(pod('a'));
    const iterator = pods.watch('default')[Symbol.asyncIterator]();
    expect((await iterator.next()).value?.type).toBe('ADDED');
    api.fake.breakWatches();
    const err = await rejection(iterator.next());
    expect(err.reason).toBe('ServiceUnavailable');
  });

  it('applies the deadline and the abort signal to unary calls', async () => {
    api.fake.intercept = (method) => (method === 'Get' ? 'drop' : undefined);
    const slow = await rejection(api.client.resource('pod').get('default', 'x', { deadlineMs: 100 }));
    expect(slow.reason).toBe('Timeout');
    const controller = new AbortController();
    const pending = api.client.resource('pod').get('default', 'x', { signal: controller.signal });
    setTimeout(() => controller.abort(), 20);
    await expect(pending).rejects.toMatchObject({ name: 'AbortError' });
  });

  it('binds, scales and reports the version', async () => {
    await api.client.resource('pod').create(pod('p'));
    await api.client.bind('default', { metadata: { name: 'p' }, target: { kind: 'Node', name: 'node-1' } });
    expect((await api.client.resource('pod').get('default', 'p')).spec?.nodeName).toBe('node-1');
    expect((await rejection(api.client.bind('default', { metadata: { name: 'p' }, target: { name: 'node-2' } }))).reason).toBe('Conflict');

    const deploy: Deployment = { metadata: { name: 'd', namespace: 'default' }, spec: { replicas: 1 } };
    await api.client.resource('deployment').create(deploy);
    const scale = await api.client.getScale('deployment', 'default', 'd');
    expect(scale.spec?.replicas).toBe(1);
    const scaled = await api.client.updateScale('deployment', 'default', { ...scale, spec: { replicas: 3 } });
    expect(scaled.spec?.replicas).toBe(3);
    expect((await api.client.resource('deployment').get('default', 'd')).spec?.replicas).toBe(3);

    expect((await api.client.version()).gitVersion).toBe('v0.0.0-fake');
  });

  it('streams logs', async () => {
    await api.client.resource('pod').create(pod('p'));
    api.fake.logs.set('default/p', ['line 1\n', 'line 2\n']);
    const chunks: string[] = [];
    for await (const chunk of api.client.logs({ namespace: 'default', name: 'p' })) chunks.push(chunk.toString());
    expect(chunks.join('')).toBe('line 1\nline 2\n');
    const missing = await rejection(collect(api.client.logs({ namespace: 'default', name: 'nope' }), 1));
    expect(missing.reason).toBe('NotFound');

    const controller = new AbortController();
    const followed: string[] = [];
    for await (const chunk of api.client.logs({ namespace: 'default', name: 'p', follow: true }, { signal: controller.signal })) {
      followed.push(chunk.toString());
      if (followed.length === 2) controller.abort();
    }
    expect(followed).toHaveLength(2);
  });

  it('runs exec sessions with stdin, stdout, stderr, exit codes and resizes', async () => {
    const echo = await api.client.exec({ namespace: 'default', name: 'p', command: ['echo', 'hello', 'world'] });
    expect(await readAll(echo.stdout)).toBe('hello world\n');
    expect(await echo.exitCode).toBe(0);

    const cat = await api.client.exec({ namespace: 'default', name: 'p', command: ['cat'], stdin: true }, { stdin: Readable.from([Buffer.from('abc'), Buffer.from('def')]) });
    expect(await readAll(cat.stdout)).toBe('abcdef');
    expect(await cat.exitCode).toBe(0);

    const missing = await api.client.exec({ namespace: 'default', name: 'p', command: ['nope'] });
    expect(await readAll(missing.stderr)).toBe('nope: command not found\n');
    expect(await missing.exitCode).toBe(127);

    const exit0 = await api.client.exec({ namespace: 'default', name: 'p', command: ['exit', '0'] });
    expect(await exit0.exitCode).toBe(0);

    api.fake.execHandler = (_start, io) =>
      new Promise((resolve) => {
        io.onResize((size) => {
          io.stdout(`${size.width}x${size.height}\n`);
          if (io.resizes.length === 2) resolve(3);
        });
      });
    const tty = await api.client.exec({ namespace: 'default', name: 'p', command: ['sh'], tty: true });
    tty.resize(80, 24);
    tty.resize(120, 40);
    expect(await readAll(tty.stdout)).toBe('80x24\n120x40\n');
    expect(await tty.exitCode).toBe(3);

    api.fake.execHandler = () => {
      throw new ApiError('NotFound', 'pods "p" not found');
    };
    const failed = await api.client.exec({ namespace: 'default', name: 'p', command: ['x'] });
    await expect(failed.exitCode).rejects.toMatchObject({ reason: 'NotFound' });
  });
});

describe('ApiClient authentication and transport security', () => {
  it('sends the bearer token on every call', async () => {
    const fake = await FakeApiServer.start({ token: 's3cret' });
    const anonymous = new ApiClient({ servers: [fake.address], insecure: true });
    const authed = fake.client();
    try {
      expect((await rejection(anonymous.version())).reason).toBe('Unauthorized');
      await authed.resource('pod').create(pod('a'));
      expect((await collect(authed.resource('pod').watch('default'), 1))[0]?.type).toBe('ADDED');
      expect(fake.calls.filter((c) => c.authorization === 'Bearer s3cret').map((c) => c.method)).toEqual(['Create', 'Watch']);
    } finally {
      anonymous.close();
      authed.close();
      await fake.stop();
    }
  });

  it('connects with TLS to a server whose certificate the CA signed, and not otherwise', async () => {
    const ca = await createCertificateAuthority();
    const otherCa = await createCertificateAuthority();
    const serving = await issueServingCert(ca, { commonName: 'kube-apiserver', hosts: APISERVER_SERVICE_NAMES });
    const fake = await FakeApiServer.start({ tls: serving });
    const trusted = new ApiClient({ servers: [fake.address], ca: ca.certPem });
    const untrusted = new ApiClient({ servers: [fake.address], ca: otherCa.certPem, connectTimeoutMs: 2000 });
    try {
      expect((await trusted.version()).gitVersion).toBe('v0.0.0-fake');
      expect((await rejection(untrusted.version())).reason).toBe('ServiceUnavailable');
    } finally {
      trusted.close();
      untrusted.close();
      await fake.stop();
    }
  });

  it('needs a CA unless explicitly insecure', () => {
    expect(() => new ApiClient({ servers: ['127.0.0.1:1'] })).toThrow(InvalidClientOptionsError);
    expect(() => new ApiClient({ servers: [], insecure: true })).toThrow(InvalidClientOptionsError);
  });

  // A short-lived caller (a CLI verb) has the server answer the TLS handshake while it prepares its first call.
  it('opens its connection before the first call when asked to', async () => {
    const listener = createServer((socket) => socket.destroy());
    await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
    const accepted = once(listener, 'connection');
    const client = new ApiClient({ servers: [`127.0.0.1:${(listener.address() as AddressInfo).port}`], insecure: true });
    try {
      client.connectEarly();
      await accepted;
    } finally {
      client.close();
      listener.close();
    }
  });

  it('builds from a resolved client config', async () => {
    const ca = await createCertificateAuthority();
    const fake = await FakeApiServer.start({ tls: await issueServingCert(ca, { commonName: 'kube-apiserver', hosts: APISERVER_SERVICE_NAMES }), token: 't' });
    const client = ApiClient.fromConfig({ servers: [fake.address], caPem: ca.certPem, token: 't' });
    try {
      expect((await client.version()).gitVersion).toBe('v0.0.0-fake');
      expect(client.servers).toEqual([fake.address]);
    } finally {
      client.close();
      await fake.stop();
    }
  });
});

describe('ApiClient failover', () => {
  let a: FakeApiServer;
  let b: FakeApiServer;
  let client: ApiClient;

  beforeEach(async () => {
    a = await FakeApiServer.start();
    b = await FakeApiServer.start();
    client = new ApiClient({ servers: [a.address, b.address], insecure: true, connectTimeoutMs: 2000 });
  });
  afterEach(async () => {
    client.close();
    await a.stop();
    await b.stop();
  });

  it('skips a server that refuses connections, for every kind of call', async () => {
    const dead = await freePort();
    const c = new ApiClient({ servers: [`127.0.0.1:${dead}`, b.address], insecure: true });
    try {
      await c.resource('pod').create(pod('x'));
      expect(b.callCount('Create')).toBe(1);
      expect((await c.resource('pod').get('default', 'x')).metadata?.name).toBe('x');
    } finally {
      c.close();
    }
  });

  it('moves to the next server when the current one goes away', async () => {
    await client.version();
    expect(a.callCount('Version')).toBe(1);
    await a.stop();
    await client.version();
    expect(b.callCount('Version')).toBe(1);
    await client.resource('pod').create(pod('after'));
    expect(b.callCount('Create')).toBe(1);
  });

  it('retries an idempotent call that failed as UNAVAILABLE on the next server', async () => {
    await client.version();
    a.failNext('Get', new ApiError('ServiceUnavailable', 'etcd is down'));
    await b.client().resource('pod').create(pod('p'));
    expect((await client.resource('pod').get('default', 'p')).metadata?.name).toBe('p');
    expect(a.callCount('Get')).toBe(1);
    expect(b.callCount('Get')).toBe(1);
  });

  it('does not resend a create that failed as UNAVAILABLE after it was sent', async () => {
    await client.version();
    a.failNext('Create', new ApiError('ServiceUnavailable', 'etcd is down'));
    const err = await rejection(client.resource('pod').create(pod('p')));
    expect(err.reason).toBe('ServiceUnavailable');
    expect(b.callCount('Create')).toBe(0);
  });

  it('reports every server when none is reachable', async () => {
    await a.stop();
    await b.stop();
    const err = await rejection(client.resource('pod').get('default', 'x'));
    expect(err.reason).toBe('ServiceUnavailable');
    expect(err.message).toContain(a.address);
    expect(err.message).toContain(b.address);
  });

  it('opens a watch on the next server when the current one is gone', async () => {
    await b.client().resource('pod').create(pod('p'));
    await client.version();
    await a.stop();
    const events = await collect(client.resource('pod').watch('default'), 1);
    expect(events[0]?.object.metadata?.name).toBe('p');
  });
});

async function waitFor(condition: () => boolean, timeoutMs = 20_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > until) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 5));
  }
}
