import { describe, expect, it } from 'vitest';
import type * as t from '../../../lib/api/generated/index.js';
import { useControlPlane } from '../../harness/use-control-plane.js';
import { createNamespace, createWalkthroughMysql, eventually, podsMatching, reportRunning, useManagers } from './helpers.js';

// The walkthrough's mysql Service as EndpointSlices, through a real apiserver (so every slice the
// controller writes passes EndpointSlice validation), with the garbage collector removing them
// with their Service.

const cluster = useControlPlane();
const managers = useManagers(() => cluster.client);

async function slices(ns: string, service: string): Promise<t.EndpointSlice[]> {
  return (await cluster.client.resource('endpointSlice').list(ns, { labelSelector: `kubernetes.io/service-name=${service}` })).items;
}

async function conditions(ns: string, service: string): Promise<string> {
  const all = (await slices(ns, service)).flatMap((s) => (s.endpoints ?? []).map((e) => `${e.addresses?.[0]}:${e.conditions?.ready}`));
  return all.sort().join();
}

describe('endpoint slices (walkthrough mysql Service)', () => {
  it('lists the pods with their readiness beside the Endpoints, and goes with the Service', async () => {
    const ns = await createNamespace(cluster.client, 'eps-mysql');
    await managers.start({ settings: { maxEndpointsPerSlice: 1 } });
    await createWalkthroughMysql(cluster.client, ns, 2);
    const [a, b] = await podsMatching(cluster.client, ns, 'app=mysql', 2);
    // No pod has an IP yet: one empty placeholder slice.
    const [placeholder] = await eventually(async () => ((await slices(ns, 'mysql')).length === 1 ? slices(ns, 'mysql') : undefined));
    expect(placeholder).toMatchObject({ addressType: 'IPv4', metadata: { labels: { 'endpointslice.kubernetes.io/managed-by': 'endpointslice-controller.k8s.io' } } });
    expect(placeholder!.endpoints ?? []).toEqual([]);

    await reportRunning(cluster.client, a!, '172.17.0.2');
    await reportRunning(cluster.client, b!, '172.17.0.3', false);
    await eventually(async () => (await conditions(ns, 'mysql')) === '172.17.0.2:true,172.17.0.3:false');
    // One endpoint per slice (--max-endpoints-per-slice 1), each with the resolved port.
    const written = await slices(ns, 'mysql');
    expect(written).toHaveLength(2);
    expect(written.map((s) => s.ports)).toEqual([[{ name: '', port: 3306, protocol: 'TCP' }], [{ name: '', port: 3306, protocol: 'TCP' }]]);

    await reportRunning(cluster.client, b!, '172.17.0.3', true);
    await eventually(async () => (await conditions(ns, 'mysql')) === '172.17.0.2:true,172.17.0.3:true');

    await cluster.client.resource('service').delete(ns, 'mysql');
    await eventually(async () => (await slices(ns, 'mysql')).length === 0, 15_000);
  });
});
