import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ApiClient } from '../../../lib/client/client.js';
import { FakeApiServer } from '../../../lib/client/testing/fake-apiserver.js';
import { eventually, TestContext } from '../testing/fake-context.js';
import { NamespaceController } from './namespace-controller.js';

describe('NamespaceController', () => {
  let fake: FakeApiServer;
  let client: ApiClient;
  let ctx: TestContext;

  beforeEach(async () => {
    fake = await FakeApiServer.start();
    client = fake.client();
    ctx = new TestContext(client);
  });
  afterEach(async () => {
    await ctx.stop();
    client.close();
    await fake.stop();
  });

  it('deletes everything in a terminating namespace, waits for finalizers, then removes its own finalizer', async () => {
    await client.resource('pod').create({ metadata: { name: 'web', namespace: 'dev' }, spec: { containers: [{ name: 'c', image: 'x:1' }] } });
    await client.resource('pod').create({ metadata: { name: 'held', namespace: 'dev', finalizers: ['example.com/hold'] }, spec: { containers: [{ name: 'c', image: 'x:1' }] } });
    await client.resource('configMap').create({ metadata: { name: 'cfg', namespace: 'dev' }, data: { a: 'b' } });
    await client.resource('service').create({ metadata: { name: 'svc', namespace: 'dev' }, spec: { ports: [{ port: 80 }] } });
    await client.resource('configMap').create({ metadata: { name: 'keep', namespace: 'other' } });
    await client.resource('namespace').create({ metadata: { name: 'other' }, spec: { finalizers: ['kubernetes'] }, status: { phase: 'Active' } });
    await ctx.start(new NamespaceController(ctx));
    // The fake apiserver has no namespace lifecycle: the namespace arrives as the real one marks it
    // on delete, and a metadata finalizer keeps the fake from removing it before we can look.
    await client.resource('namespace').create({
      metadata: { name: 'dev', deletionTimestamp: '2024-01-01T00:00:00Z', finalizers: ['test/keep'] },
      spec: { finalizers: ['kubernetes'] },
      status: { phase: 'Terminating' },
    });
    const waiting = await eventually(async () => {
      const ns = await client.resource('namespace').get('', 'dev');
      return ns.status?.conditions?.find((c) => c.type === 'NamespaceFinalizersRemaining' && c.status === 'True') ? ns : undefined;
    });
    const byType = Object.fromEntries((waiting.status?.conditions ?? []).map((c) => [c.type, c.message]));
    expect(byType.NamespaceContentRemaining).toBe('Some resources are remaining: pods has 1 resource instances');
    expect(byType.NamespaceFinalizersRemaining).toBe('Some content in the namespace has finalizers remaining: example.com/hold in 1 resource instances');
    expect(fake.stored('configMap', 'dev', 'cfg')).toBeUndefined();
    expect(fake.stored('service', 'dev', 'svc')).toBeUndefined();
    expect(fake.stored('pod', 'dev', 'web')).toBeUndefined();
    expect(fake.stored('namespace', '', 'dev')).toBeDefined();

    await client.resource('pod').patch('dev', 'held', { metadata: { finalizers: null } });
    await eventually(() => (fake.stored('namespace', '', 'dev')?.spec?.finalizers ?? []).length === 0, 5_000, 'kubernetes finalizer removed');
    const conditions = Object.fromEntries((fake.stored('namespace', '', 'dev')?.status?.conditions ?? []).map((c) => [c.type, c.status]));
    expect(conditions).toMatchObject({ NamespaceContentRemaining: 'False', NamespaceFinalizersRemaining: 'False', NamespaceDeletionContentFailure: 'False' });
    expect(fake.stored('configMap', 'other', 'keep')).toBeDefined();
    expect(fake.stored('namespace', '', 'other')).toBeDefined();
  });
});
