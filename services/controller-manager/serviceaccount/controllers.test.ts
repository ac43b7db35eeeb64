import { describe, expect, it } from 'vitest';
import { eventually, useControllerTestEnv } from '../testing/fake-context.js';
import { RootCaPublisher } from './root-ca-publisher.js';
import { ServiceAccountController } from './service-account-controller.js';

const CA = '-----BEGIN CERTIFICATE-----\nfake\n-----END CERTIFICATE-----\n';

describe('ServiceAccountController', () => {
  const env = useControllerTestEnv();

  it('creates `default` in every namespace, and again when it is deleted', async () => {
    await env.client.resource('namespace').create({ metadata: { name: 'dev' } });
    await env.ctx.start(new ServiceAccountController(env.ctx, { workers: 1 }));
    await eventually(() => env.fake.stored('serviceAccount', 'dev', 'default') !== undefined, 10_000, 'default account in dev');
    await env.client.resource('namespace').create({ metadata: { name: 'prod' } });
    await eventually(() => env.fake.stored('serviceAccount', 'prod', 'default') !== undefined, 10_000, 'default account in prod');
    const first = env.fake.stored('serviceAccount', 'dev', 'default')!.metadata!.uid;
    await env.client.resource('serviceAccount').delete('dev', 'default');
    await eventually(() => {
      const again = env.fake.stored('serviceAccount', 'dev', 'default');
      return again !== undefined && again.metadata!.uid !== first;
    }, 10_000, 'default account recreated');
  });

  it('leaves a terminating namespace alone', async () => {
    await env.client.resource('namespace').create({ metadata: { name: 'old' }, status: { phase: 'Terminating' } });
    await env.ctx.start(new ServiceAccountController(env.ctx, { workers: 1 }));
    await new Promise((r) => setTimeout(r, 300));
    expect(env.fake.stored('serviceAccount', 'old', 'default')).toBeUndefined();
  });
});

describe('RootCaPublisher', () => {
  const env = useControllerTestEnv();

  it('keeps kube-root-ca.crt with the CA in every namespace: created, put back when changed, recreated when deleted', async () => {
    await env.client.resource('namespace').create({ metadata: { name: 'dev' } });
    await env.ctx.start(new RootCaPublisher(env.ctx, { workers: 1, rootCaPem: CA }));
    const caIn = (ns: string) => env.fake.stored('configMap', ns, 'kube-root-ca.crt')?.data?.['ca.crt'];
    await eventually(() => caIn('dev') === CA, 10_000, 'root CA published in dev');
    const cm = env.fake.stored('configMap', 'dev', 'kube-root-ca.crt')!;
    await env.client.resource('configMap').update({ ...cm, data: { 'ca.crt': 'tampered' } });
    await eventually(() => caIn('dev') === CA, 10_000, 'root CA put back');
    await env.client.resource('configMap').delete('dev', 'kube-root-ca.crt');
    await eventually(() => caIn('dev') === CA, 10_000, 'root CA recreated');
  });
});
