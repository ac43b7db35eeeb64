import { describe, expect, it } from 'vitest';
import type { EndpointSlice, Endpoints } from '../../../lib/api/generated/index.js';
import { eventually, useControllerTestEnv } from '../testing/fake-context.js';
import { EndpointSliceMirroringController } from './mirroring-controller.js';

const ns = 'default';

function external(ips: string[], notReady: string[] = []): Endpoints {
  return {
    metadata: { name: 'db', namespace: ns, labels: { team: 'data' } },
    subsets: [{ addresses: ips.map((ip) => ({ ip })), notReadyAddresses: notReady.map((ip) => ({ ip })), ports: [{ name: 'sql', port: 5432, protocol: 'TCP' }] }],
  };
}

describe('EndpointSliceMirroringController', () => {
  const env = useControllerTestEnv();
  const slices = async (): Promise<EndpointSlice[]> => (await env.client.resource('endpointSlice').list(ns, { labelSelector: 'kubernetes.io/service-name=db' })).items;
  const addresses = async () => (await slices()).flatMap((s) => (s.endpoints ?? []).map((e) => `${e.addresses?.[0]}:${e.conditions?.ready}`)).sort().join();

  it('mirrors the Endpoints of a Service without a selector into slices owned by them, and follows them', async () => {
    await env.client.resource('service').create({ metadata: { name: 'db', namespace: ns }, spec: { ports: [{ name: 'sql', port: 5432 }] } });
    const written = await env.client.resource('endpoints').create(external(['192.0.2.10', '192.0.2.11'], ['192.0.2.12']));
    await env.ctx.start(new EndpointSliceMirroringController(env.ctx));
    await eventually(async () => (await addresses()) === '192.0.2.10:true,192.0.2.11:true,192.0.2.12:false');
    expect((await slices())[0]).toMatchObject({
      metadata: {
        generateName: 'db-',
        labels: { team: 'data', 'kubernetes.io/service-name': 'db', 'endpointslice.kubernetes.io/managed-by': 'endpointslicemirroring-controller.k8s.io' },
        ownerReferences: [{ kind: 'Endpoints', name: 'db', uid: written.metadata?.uid, controller: true }],
      },
      addressType: 'IPv4',
      ports: [{ name: 'sql', port: 5432, protocol: 'TCP' }],
    });
    const current = await env.client.resource('endpoints').get(ns, 'db');
    await env.client.resource('endpoints').update({ ...current, subsets: external(['192.0.2.20']).subsets });
    await eventually(async () => (await addresses()) === '192.0.2.20:true');
  });

  it('leaves alone Endpoints of a Service with a selector, and those marked skip-mirror', async () => {
    await env.client.resource('service').create({ metadata: { name: 'db', namespace: ns }, spec: { ports: [{ name: 'sql', port: 5432 }] } });
    await env.client.resource('endpoints').create(external(['192.0.2.10']));
    await env.ctx.start(new EndpointSliceMirroringController(env.ctx));
    await eventually(async () => (await slices()).length === 1);
    const svc = await env.client.resource('service').get(ns, 'db');
    await env.client.resource('service').update({ ...svc, spec: { ...svc.spec, selector: { app: 'db' } } });
    await eventually(async () => (await slices()).length === 0, 20_000, 'mirrored slice removed once the service has a selector');

    const other = { ...external(['192.0.2.30']), metadata: { name: 'kept', namespace: ns, labels: { 'endpointslice.kubernetes.io/skip-mirror': 'true' } } };
    await env.client.resource('service').create({ metadata: { name: 'kept', namespace: ns }, spec: { ports: [{ name: 'sql', port: 5432 }] } });
    await env.client.resource('endpoints').create(other);
    await new Promise((r) => setTimeout(r, 300));
    expect((await env.client.resource('endpointSlice').list(ns, { labelSelector: 'kubernetes.io/service-name=kept' })).items).toEqual([]);
  });
});
