import { describe, expect, it } from 'vitest';
import type { EndpointSlice, Pod } from '../../../lib/api/generated/index.js';
import { eventually, useControllerTestEnv } from '../testing/fake-context.js';
import { runningStatus } from '../testing/running-status.js';
import { EndpointSliceController } from './endpoint-slice-controller.js';

const ns = 'default';

function webPod(n: number, ready = true): Pod {
  const pod: Pod = {
    metadata: { name: `web-${n}`, namespace: ns, labels: { app: 'web' } },
    spec: { nodeName: 'n1', containers: [{ name: 'web', image: 'web:1', ports: [{ name: 'http', containerPort: 8080 }] }] },
  };
  return { ...pod, status: runningStatus(pod, `10.244.${Math.floor(n / 250)}.${(n % 250) + 1}`, { ready }) };
}

describe('EndpointSliceController', () => {
  const env = useControllerTestEnv();
  const slices = async (): Promise<EndpointSlice[]> => (await env.client.resource('endpointSlice').list(ns, { labelSelector: 'kubernetes.io/service-name=web' })).items;
  const endpoints = async () => (await slices()).flatMap((s) => (s.endpoints ?? []).map((e) => `${e.addresses?.[0]}:${e.conditions?.ready}`)).sort();
  const createService = () =>
    env.client.resource('service').create({ metadata: { name: 'web', namespace: ns }, spec: { selector: { app: 'web' }, ports: [{ name: 'http', port: 80, targetPort: { strVal: 'http' } }] } });

  it('follows the selected pods and their readiness in slices owned by the service', async () => {
    const service = await createService();
    await env.client.resource('pod').create(webPod(1));
    await env.ctx.start(new EndpointSliceController(env.ctx));
    await eventually(async () => (await endpoints()).join() === '10.244.0.2:true');
    const [slice] = await slices();
    expect(slice).toMatchObject({
      metadata: {
        generateName: 'web-',
        labels: { 'kubernetes.io/service-name': 'web', 'endpointslice.kubernetes.io/managed-by': 'endpointslice-controller.k8s.io' },
        ownerReferences: [{ kind: 'Service', name: 'web', uid: service.metadata?.uid, controller: true }],
      },
      addressType: 'IPv4',
      ports: [{ name: 'http', port: 8080, protocol: 'TCP' }],
    });
    expect(slice!.endpoints![0]).toMatchObject({ nodeName: 'n1', conditions: { ready: true, serving: true, terminating: false }, targetRef: { kind: 'Pod', name: 'web-1' } });

    await env.client.resource('pod').create(webPod(2, false));
    await eventually(async () => (await endpoints()).join() === '10.244.0.2:true,10.244.0.3:false');
    await env.client.resource('pod').patch(ns, 'web-2', { status: { conditions: [{ type: 'Ready', status: 'True' }] } }, { status: true });
    await eventually(async () => (await endpoints()).join() === '10.244.0.2:true,10.244.0.3:true');
    await env.client.resource('pod').delete(ns, 'web-1');
    await eventually(async () => (await endpoints()).join() === '10.244.0.3:true');
    expect(await slices()).toHaveLength(1);
  });

  it('splits many pods into slices of --max-endpoints-per-slice, once, and writes nothing more', async () => {
    await createService();
    for (let n = 0; n < 25; n++) await env.client.resource('pod').create(webPod(n));
    await env.ctx.start(new EndpointSliceController(env.ctx, { maxEndpointsPerSlice: 10 }));
    await eventually(async () => (await endpoints()).length === 25);
    expect((await slices()).map((s) => s.endpoints?.length).sort()).toEqual([10, 10, 5]);
    const writes = env.fake.callCount('Create') + env.fake.callCount('Update');
    await env.client.resource('pod').create(webPod(25));
    await eventually(async () => (await endpoints()).length === 26);
    await new Promise((r) => setTimeout(r, 200));
    expect(env.fake.callCount('Create') + env.fake.callCount('Update')).toBe(writes + 2);
    expect((await slices()).map((s) => s.endpoints?.length).sort()).toEqual([10, 10, 6]);
  });

  it('keeps an empty placeholder for a service without pods, and recreates a deleted slice', async () => {
    await createService();
    await env.ctx.start(new EndpointSliceController(env.ctx));
    await eventually(async () => (await slices()).length === 1);
    const [placeholder] = await slices();
    expect(placeholder!.endpoints ?? []).toEqual([]);
    await env.client.resource('endpointSlice').delete(ns, placeholder!.metadata!.name!);
    await eventually(async () => (await slices()).some((s) => s.metadata?.name !== placeholder!.metadata!.name));
  });

  it('leaves selector-less services and slices of other managers alone', async () => {
    await env.client.resource('service').create({ metadata: { name: 'web', namespace: ns }, spec: { ports: [{ port: 80 }] } });
    await env.client.resource('endpointSlice').create({
      metadata: { name: 'web-manual', namespace: ns, labels: { 'kubernetes.io/service-name': 'web' } },
      addressType: 'IPv4',
      endpoints: [{ addresses: ['192.0.2.1'] }],
    });
    await env.ctx.start(new EndpointSliceController(env.ctx));
    await env.client.resource('pod').create(webPod(1));
    await new Promise((r) => setTimeout(r, 300));
    expect((await slices()).map((s) => s.metadata?.name)).toEqual(['web-manual']);
  });
});
