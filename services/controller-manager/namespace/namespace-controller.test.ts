import { describe, expect, it } from 'vitest';
import { conflict } from '../../../lib/api/errors.js';
import { eventually, useControllerTestEnv } from '../testing/fake-context.js';
import { NamespaceController } from './namespace-controller.js';

describe('NamespaceController', () => {
  const env = useControllerTestEnv();

  it('deletes everything in a terminating namespace, waits for finalizers, then removes its own finalizer', async () => {
    await env.client.resource('pod').create({ metadata: { name: 'web', namespace: 'dev' }, spec: { containers: [{ name: 'c', image: 'x:1' }] } });
    await env.client.resource('pod').create({ metadata: { name: 'held', namespace: 'dev', finalizers: ['example.com/hold'] }, spec: { containers: [{ name: 'c', image: 'x:1' }] } });
    await env.client.resource('configMap').create({ metadata: { name: 'cfg', namespace: 'dev' }, data: { a: 'b' } });
    await env.client.resource('service').create({ metadata: { name: 'svc', namespace: 'dev' }, spec: { ports: [{ port: 80 }] } });
    await env.client.resource('configMap').create({ metadata: { name: 'keep', namespace: 'other' } });
    await env.client.resource('namespace').create({ metadata: { name: 'other' }, spec: { finalizers: ['kubernetes'] }, status: { phase: 'Active' } });
    await env.ctx.start(new NamespaceController(env.ctx));
    // The fake apiserver has no namespace lifecycle: the namespace arrives as the real one marks it
    // on delete, and a metadata finalizer keeps the fake from removing it before we can look.
    await env.client.resource('namespace').create({
      metadata: { name: 'dev', deletionTimestamp: '2024-01-01T00:00:00Z', finalizers: ['test/keep'] },
      spec: { finalizers: ['kubernetes'] },
      status: { phase: 'Terminating' },
    });
    const waiting = await eventually(async () => {
      const ns = await env.client.resource('namespace').get('', 'dev');
      return ns.status?.conditions?.find((c) => c.type === 'NamespaceFinalizersRemaining' && c.status === 'True') ? ns : undefined;
    });
    const byType = Object.fromEntries((waiting.status?.conditions ?? []).map((c) => [c.type, c.message]));
    expect(byType.NamespaceContentRemaining).toBe('Some resources are remaining: pods has 1 resource instances');
    expect(byType.NamespaceFinalizersRemaining).toBe('Some content in the namespace has finalizers remaining: example.com/hold in 1 resource instances');
    expect(env.fake.stored('configMap', 'dev', 'cfg')).toBeUndefined();
    expect(env.fake.stored('service', 'dev', 'svc')).toBeUndefined();
    expect(env.fake.stored('pod', 'dev', 'web')).toBeUndefined();
    expect(env.fake.stored('namespace', '', 'dev')).toBeDefined();

    await env.client.resource('pod').patch('dev', 'held', { metadata: { finalizers: null } });
    await eventually(() => (env.fake.stored('namespace', '', 'dev')?.spec?.finalizers ?? []).length === 0, 20_000, 'kubernetes finalizer removed');
    const conditions = Object.fromEntries((env.fake.stored('namespace', '', 'dev')?.status?.conditions ?? []).map((c) => [c.type, c.status]));
    expect(conditions).toMatchObject({ NamespaceContentRemaining: 'False', NamespaceFinalizersRemaining: 'False', NamespaceDeletionContentFailure: 'False' });
    expect(env.fake.stored('configMap', 'other', 'keep')).toBeDefined();
    expect(env.fake.stored('namespace', '', 'other')).toBeDefined();
  });

  it('keeps its finalizer while an object whose delete lost to concurrent writes is still there', async () => {
    await env.client.resource('configMap').create({ metadata: { name: 'busy', namespace: 'dev' }, data: { a: 'b' } });
    let refused = 0;
    env.fake.intercept = (method, request) => {
      if (method !== 'Delete' || (request as { name?: string }).name !== 'busy' || refused++ > 0) return;
      return conflict('configmaps', 'busy', 'too many concurrent changes, try again');
    };
    await env.ctx.start(new NamespaceController(env.ctx));
    await env.client.resource('namespace').create({
      metadata: { name: 'dev', deletionTimestamp: '2024-01-01T00:00:00Z', finalizers: ['test/keep'] },
      spec: { finalizers: ['kubernetes'] },
      status: { phase: 'Terminating' },
    });
    await eventually(() => (env.fake.stored('namespace', '', 'dev')?.spec?.finalizers ?? []).length === 0, 20_000, 'kubernetes finalizer removed');
    expect(refused).toBeGreaterThan(1);
    expect(env.fake.stored('configMap', 'dev', 'busy')).toBeUndefined();
  });
});
