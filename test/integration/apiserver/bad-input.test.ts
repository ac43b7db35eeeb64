import * as grpc from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fromServiceError } from '../../../lib/api/errors.js';
import { useControlPlane } from '../../harness/use-control-plane.js';
import { configMap, eventually, expectApiError, nsObject, pod, rawClient, type RawClient } from './helpers.js';

// Issue 3, "Bad input": each gets the right gRPC status with a Kubernetes-style reason and a human
// message, the server keeps serving, and nothing is half-written (checked with a list each time).

const cluster = useControlPlane();
let raw: RawClient;

beforeAll(async () => {
  raw = rawClient(cluster.cp);
  await cluster.client.resource('namespace').create(nsObject('bad'));
});

afterAll(async () => {
  raw?.close();
});

async function namesIn(namespace: string): Promise<string[]> {
  const [cms, pods] = await Promise.all([cluster.client.resource('configMap').list(namespace), cluster.client.resource('pod').list(namespace)]);
  return [...cms.items, ...pods.items].map((o) => o.metadata?.name ?? '').sort();
}

describe('malformed protobuf', () => {
  const garbage: [string, Buffer][] = [
    ['a length beyond the message', Buffer.from([0x0a, 0xff, 0xff, 0xff, 0xff, 0x0f])],
    ['wire type 7', Buffer.from([0x0f, 0x01, 0x02])],
    ['a truncated object', Buffer.from([0x0a, 0x04, 0x70, 0x6f, 0x64, 0x73, 0x1a, 0x10, 0x0a])],
  ];

  it.each(garbage)('answers %s with INVALID_ARGUMENT and a BadRequest Status', async (_, bytes) => {
    let caught: grpc.ServiceError | undefined;
    try {
      await raw.callBytes('Create', bytes);
    } catch (err) {
      caught = err as grpc.ServiceError;
    }
    expect(caught?.code).toBe(grpc.status.INVALID_ARGUMENT);
    const status = fromServiceError(caught);
    expect(status.reason).toBe('BadRequest');
    expect(status.message).toMatch(/malformed CreateRequest message/);
  });

  it('keeps serving afterwards, with nothing written', async () => {
    expect((await cluster.client.resource('namespace').get('', 'bad')).metadata?.name).toBe('bad');
    expect(await namesIn('bad')).toEqual([]);
  });

  it('rejects garbage on a watch and on an update the same way', async () => {
    await expect(raw.callBytes('Update', Buffer.from([0x12, 0x05, 0x01]))).rejects.toMatchObject({ code: grpc.status.INVALID_ARGUMENT });
    const stream = raw.client.makeServerStreamRequest('/kubets.v1.Resources/Watch', (b: Buffer) => b, (b: Buffer) => b, Buffer.from([0x0a, 0x50]), (() => {
      const md = new grpc.Metadata();
      md.set('authorization', `Bearer ${cluster.cp.token}`);
      return md;
    })());
    const code = await new Promise<number>((resolve) => {
      stream.on('data', () => undefined);
      stream.on('error', (err: grpc.ServiceError) => resolve(err.code));
      stream.on('end', () => resolve(grpc.status.OK));
    });
    expect(code).toBe(grpc.status.INVALID_ARGUMENT);
  });

  it('rejects a request with no object or the wrong kind', async () => {
    await expectApiError(raw.call('Create', { resource: 'configmaps', namespace: 'bad' }), 'BadRequest', /carries no object/);
    await expectApiError(raw.call('Create', { resource: 'configmaps', namespace: 'bad', object: { pod: { metadata: { name: 'p' } } } }), 'BadRequest', /does not match/);
    expect(await namesIn('bad')).toEqual([]);
  });
});

describe('oversize objects', () => {
  it('refuses a ConfigMap over 1.5 MiB as RequestEntityTooLarge and stores nothing', async () => {
    const big = configMap('huge', 'bad', undefined, { blob: 'x'.repeat(1.6 * 1024 * 1024) });
    const err = await expectApiError(cluster.client.resource('configMap').create(big), 'RequestEntityTooLarge', /too large/i);
    expect(err.message).toContain('huge');
    expect(await namesIn('bad')).toEqual([]);
  });

  it('refuses an update that grows an object past the limit and keeps the old one', async () => {
    const small = await cluster.client.resource('configMap').create(configMap('grows', 'bad', undefined, { blob: 'small' }));
    await expectApiError(cluster.client.resource('configMap').update({ ...small, data: { blob: 'y'.repeat(1.6 * 1024 * 1024) } }), 'RequestEntityTooLarge');
    const stored = await cluster.client.resource('configMap').get('bad', 'grows');
    expect(stored.data).toEqual({ blob: 'small' });
    expect(stored.metadata?.resourceVersion).toBe(small.metadata?.resourceVersion);
    await cluster.client.resource('configMap').delete('bad', 'grows');
  });

  it('accepts an object just under the limit', async () => {
    await cluster.client.resource('configMap').create(configMap('large-ok', 'bad', undefined, { blob: 'z'.repeat(1024 * 1024) }));
    await cluster.client.resource('configMap').delete('bad', 'large-ok');
  });
});

describe('invalid names', () => {
  const cases: [string, string, RegExp][] = [
    ['uppercase', 'Bad_Name', /a lowercase RFC 1123 subdomain/],
    ['too long', 'a'.repeat(254), /must be no more than 253 characters/],
    ['leading dash', '-abc', /a lowercase RFC 1123 subdomain/],
  ];
  it.each(cases)('rejects a %s name as Invalid naming metadata.name', async (_, name, message) => {
    const err = await expectApiError(cluster.client.resource('configMap').create(configMap(name, 'bad')), 'Invalid', message);
    expect(err.message).toContain('metadata.name');
    expect(err.details.causes?.map((c) => c.field)).toContain('metadata.name');
    expect(err.message).toMatch(/^ConfigMap ".*" is invalid: /);
  });

  it('rejects an invalid namespace name as the field it is', async () => {
    const err = await expectApiError(cluster.client.resource('namespace').create(nsObject('Not.A.Label')), 'Invalid', /a lowercase RFC 1123 label/);
    expect(err.details.causes?.[0]?.field).toBe('metadata.name');
  });

  it('rejects invalid labels naming the label', async () => {
    const err = await expectApiError(cluster.client.resource('pod').create(pod('labelled', 'bad', {}, { 'bad key!': 'v' })), 'Invalid');
    expect(err.message).toContain('metadata.labels');
  });

  it('rejects a pod without containers naming spec.containers', async () => {
    const err = await expectApiError(cluster.client.resource('pod').create({ metadata: { name: 'empty', namespace: 'bad' }, spec: {} }), 'Invalid', /spec\.containers: Required value/);
    expect(err.details.causes?.map((c) => c.field)).toContain('spec.containers');
  });

  it('rejects a bad resource quantity naming the field', async () => {
    const err = await expectApiError(
      cluster.client.resource('pod').create(pod('qty', 'bad', { containers: [{ name: 'c', image: 'busybox:1.36', resources: { requests: { cpu: 'lots' } } }] })),
      'Invalid',
    );
    expect(err.message).toContain('spec.containers[0].resources.requests[cpu]');
  });

  it('left nothing behind', async () => {
    expect(await namesIn('bad')).toEqual([]);
  });
});

describe('wrong resourceVersion', () => {
  it('answers Conflict naming both versions and keeps the stored object', async () => {
    const made = await cluster.client.resource('configMap').create(configMap('versioned', 'bad', undefined, { v: '1' }));
    const stale = { ...made, metadata: { ...made.metadata, resourceVersion: '1' }, data: { v: 'stale' } };
    const err = await expectApiError(cluster.client.resource('configMap').update(stale), 'Conflict');
    expect(err.message).toContain('resourceVersion 1 given');
    expect(err.message).toContain(`current is ${made.metadata?.resourceVersion}`);
    expect((await cluster.client.resource('configMap').get('bad', 'versioned')).data).toEqual({ v: '1' });
  });

  it('answers a non-numeric resourceVersion as BadRequest or Conflict, never a write', async () => {
    const made = await cluster.client.resource('configMap').get('bad', 'versioned');
    const err = await cluster.client.resource('configMap').update({ ...made, metadata: { ...made.metadata, resourceVersion: 'abc' }, data: { v: 'x' } }).catch((e: unknown) => e);
    expect(err).toMatchObject({ reason: expect.stringMatching(/^(BadRequest|Conflict)$/) });
    expect((await cluster.client.resource('configMap').get('bad', 'versioned')).data).toEqual({ v: '1' });
  });

  it('answers a watch from a non-numeric resourceVersion as BadRequest', async () => {
    const watching = (async () => {
      for await (const _ of cluster.client.resource('configMap').watch('bad', { resourceVersion: 'abc' })) return;
    })();
    await expectApiError(watching, 'BadRequest');
  });

  it('cleans up', async () => {
    await cluster.client.resource('configMap').delete('bad', 'versioned');
    expect(await namesIn('bad')).toEqual([]);
  });
});

describe('etcd down', () => {
  it('fails requests in bounded time, keeps the server up, and works again after etcd restarts', async () => {
    const before = await cluster.client.resource('configMap').create(configMap('before-outage', 'bad'));
    // A watch open through the outage picks up again without a gap.
    const abort = new AbortController();
    const watched: string[] = [];
    const watching = (async () => {
      for await (const ev of cluster.client.resource('configMap').watch('bad', { resourceVersion: before.metadata?.resourceVersion, signal: abort.signal })) {
        watched.push(`${ev.type} ${ev.object.metadata?.name}`);
      }
    })().catch((err: unknown) => watched.push(`error ${String(err)}`));
    await cluster.cp.etcd.kill();
    try {
      // The apiserver's own answer (it carries retryAfterSeconds), not the client giving up at its deadline.
      const unavailable = { reason: expect.stringMatching(/^(ServiceUnavailable|Timeout)$/), details: { retryAfterSeconds: 1 } };
      const err = await cluster.client.resource('configMap').create(configMap('during-outage', 'bad'), { deadlineMs: 60_000 }).catch((e: unknown) => e);
      expect(err, String(err)).toMatchObject(unavailable);
      const readErr = await cluster.client.resource('configMap').get('bad', 'before-outage', { deadlineMs: 60_000 }).catch((e: unknown) => e);
      expect(readErr, String(readErr)).toMatchObject(unavailable);
    } finally {
      await cluster.cp.etcd.restart();
    }
    await eventually(async () => (await cluster.client.resource('configMap').get('bad', 'before-outage')).metadata?.name === 'before-outage', 30_000, 'reads after etcd restart');
    await cluster.client.resource('configMap').create(configMap('after-outage', 'bad'));
    expect(await namesIn('bad')).toEqual(['after-outage', 'before-outage']);
    await eventually(async () => watched.length > 0, 30_000, 'the watch sees the write after the outage');
    abort.abort();
    await watching;
    expect(watched).toEqual(['ADDED after-outage']);
  });

  it('answers Timeout or ServiceUnavailable in bounded time when etcd hangs, and recovers when it continues', async () => {
    cluster.cp.etcd.process.kill('SIGSTOP');
    try {
      // The apiserver's own answer (it carries retryAfterSeconds), well before the client's
      // 10-minute deadline: its last attempt timed out, or found the connection that an earlier
      // attempt's timeout had closed.
      const err = await cluster.client.resource('configMap').create(configMap('hung', 'bad'), { deadlineMs: 600_000 }).catch((e: unknown) => e);
      expect(err, String(err)).toMatchObject({ reason: expect.stringMatching(/^(Timeout|ServiceUnavailable)$/), details: { retryAfterSeconds: 1 } });
    } finally {
      cluster.cp.etcd.process.kill('SIGCONT');
    }
    await eventually(async () => (await cluster.client.resource('configMap').create(configMap('after-hang', 'bad'))).metadata?.name, 30_000, 'writes after etcd continues');
    // The timed-out create may or may not have been applied by etcd; nothing else was written.
    expect((await namesIn('bad')).filter((n) => n !== 'hung')).toEqual(['after-hang', 'after-outage', 'before-outage']);
  });
});
