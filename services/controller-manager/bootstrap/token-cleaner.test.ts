import { describe, expect, it } from 'vitest';
import type { Secret } from '../../../lib/api/generated/index.js';
import { eventually, useControllerTestEnv } from '../testing/fake-context.js';
import { TokenCleaner } from './token-cleaner.js';

const token = (id: string, expiration: string | undefined, type = 'bootstrap.kubernetes.io/token'): Secret => ({
  metadata: { name: `bootstrap-token-${id}`, namespace: 'kube-system' },
  type,
  data: { 'token-id': Buffer.from(id), 'token-secret': Buffer.from('0123456789abcdef'), ...(expiration ? { expiration: Buffer.from(expiration) } : {}) },
});

describe('TokenCleaner', () => {
  const env = useControllerTestEnv();
  const stored = (name: string) => env.fake.stored('secret', 'kube-system', name);

  it('deletes expired bootstrap tokens, and those that expire later once they do', async () => {
    const soon = new Date(Date.now() + 400).toISOString();
    await env.client.resource('secret').create(token('expire', '2020-01-01T00:00:00Z'));
    await env.client.resource('secret').create(token('latera', soon));
    await env.client.resource('secret').create(token('foreva', undefined));
    await env.client.resource('secret').create(token('opaque', '2020-01-01T00:00:00Z', 'Opaque'));
    await env.ctx.start(new TokenCleaner(env.ctx));
    await eventually(() => stored('bootstrap-token-expire') === undefined, 10_000, 'expired token deleted');
    expect(stored('bootstrap-token-latera')).toBeDefined();
    await eventually(() => stored('bootstrap-token-latera') === undefined, 10_000, 'token deleted once it expired');
    expect(stored('bootstrap-token-foreva')).toBeDefined();
    expect(stored('bootstrap-token-opaque')).toBeDefined();
  });
});
