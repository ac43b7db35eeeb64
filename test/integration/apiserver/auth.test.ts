import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { packageDefinition } from '../../../lib/api/proto.js';
import { ensureClusterCerts } from '../../../lib/certs/index.js';
import { ApiClient } from '../../../lib/client/client.js';
import { startControlPlane, type ControlPlane } from '../../harness/control-plane.js';
import { eventually, expectApiError, rawClient, tokenMetadata } from './helpers.js';

// Issue 3, "Must show" and "Bad input": no token and a wrong token are Unauthorized, plaintext is
// refused, and the health service follows etcd (NOT_SERVING while it is down, SERVING again after).

let cp: ControlPlane;

beforeAll(async () => {
  cp = await startControlPlane();
});

afterAll(async () => {
  await cp?.stop();
});

describe('authentication', () => {
  it('refuses a call without a token', async () => {
    const raw = rawClient(cp);
    try {
      await expectApiError(raw.call('Get', { resource: 'namespaces', name: 'default' }, new grpc.Metadata()), 'Unauthorized', 'Unauthorized');
      await expectApiError(raw.call('Get', { resource: 'namespaces', name: 'default' }, tokenMetadata('')), 'Unauthorized');
    } finally {
      raw.close();
    }
  });

  it('refuses a wrong token on unary calls and watches', async () => {
    const wrong = new ApiClient({ servers: [cp.apiservers[0]!.address], ca: cp.caPem, token: 'not-the-token', deadlineMs: 5_000 });
    try {
      await expectApiError(wrong.resource('namespace').get('', 'default'), 'Unauthorized');
      await expectApiError(wrong.resource('configMap').create({ metadata: { name: 'sneaky', namespace: 'default' } }), 'Unauthorized');
      const watching = (async () => {
        for await (const _ of wrong.resource('pod').watch('')) return;
      })();
      await expectApiError(watching, 'Unauthorized');
    } finally {
      wrong.close();
    }
    await expectApiError(cp.client().resource('configMap').get('default', 'sneaky'), 'NotFound');
  });

  it('refuses a malformed authorization header', async () => {
    const raw = rawClient(cp);
    const md = new grpc.Metadata();
    md.set('authorization', `Basic ${cp.token}`);
    try {
      await expectApiError(raw.call('Get', { resource: 'namespaces', name: 'default' }, md), 'Unauthorized');
    } finally {
      raw.close();
    }
  });

  it('accepts the admin token', async () => {
    expect((await cp.client().resource('namespace').get('', 'default')).metadata?.name).toBe('default');
  });
});

describe('TLS', () => {
  it('is required: a plaintext client gets no answer', async () => {
    const plain = new ApiClient({ servers: [cp.apiservers[0]!.address], insecure: true, token: cp.token, deadlineMs: 3_000, connectTimeoutMs: 1_000 });
    try {
      await expectApiError(plain.resource('namespace').get('', 'default'), 'ServiceUnavailable');
    } finally {
      plain.close();
    }
  });

  it('is required to be signed by the cluster CA', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kubets-other-ca-'));
    try {
      const other = await ensureClusterCerts(dir, { hosts: ['127.0.0.1'] });
      const stranger = new ApiClient({ servers: [cp.apiservers[0]!.address], ca: other.ca.certPem, token: cp.token, deadlineMs: 3_000, connectTimeoutMs: 1_000 });
      try {
        await expectApiError(stranger.resource('namespace').get('', 'default'), 'ServiceUnavailable');
      } finally {
        stranger.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

type HealthStatus = 'SERVING' | 'NOT_SERVING' | 'SERVICE_UNKNOWN';

function healthClient(): { check(service?: string): Promise<HealthStatus>; close(): void } {
  const Health = grpc.makeClientConstructor(packageDefinition['grpc.health.v1.Health'] as unknown as grpc.ServiceDefinition, 'Health');
  const c = new Health(cp.apiservers[0]!.address, grpc.credentials.createSsl(Buffer.from(cp.caPem))) as unknown as grpc.Client & {
    Check(req: { service: string }, opts: grpc.CallOptions, cb: (err: grpc.ServiceError | null, res: { status: HealthStatus }) => void): void;
  };
  return {
    check: (service = '') =>
      new Promise((resolve, reject) => c.Check({ service }, { deadline: Date.now() + 5_000 }, (err, res) => (err ? reject(err) : resolve(res.status)))),
    close: () => c.close(),
  };
}

describe('health', () => {
  it('reports SERVING, NOT_SERVING while etcd is down, and SERVING again after', async () => {
    const health = healthClient();
    try {
      expect(await health.check()).toBe('SERVING');
      expect(await health.check('readyz')).toBe('SERVING');
      expect(await health.check('something-else')).toBe('SERVICE_UNKNOWN');
      await cp.etcd.kill();
      await eventually(async () => (await health.check()) === 'NOT_SERVING', 30_000, 'NOT_SERVING with etcd down');
      expect(await health.check('readyz')).toBe('NOT_SERVING');
      await cp.etcd.restart();
      await eventually(async () => (await health.check()) === 'SERVING', 30_000, 'SERVING after etcd restart');
      await eventually(async () => (await cp.client().resource('namespace').get('', 'default')).metadata?.name === 'default', 30_000, 'requests work again');
    } finally {
      health.close();
    }
  });
});
