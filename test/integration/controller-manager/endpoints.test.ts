import { describe, expect, it } from 'vitest';
import { useControlPlane } from '../../harness/use-control-plane.js';
import { createNamespace, createWalkthroughMysql, eventually, podsMatching, reportRunning, useManagers } from './helpers.js';

// The walkthrough's `kubectl get endpoints`: the mysql Service's Endpoints follow the RC's
// pods as a kubelet reports them ready (simulated with status patches).

const cluster = useControlPlane();
const managers = useManagers(() => cluster.client);

async function endpointIps(ns: string, name: string): Promise<{ ready: string[]; notReady: string[] }> {
  const ep = await cluster.client.resource('endpoints').get(ns, name);
  const subsets = ep.subsets ?? [];
  return {
    ready: subsets.flatMap((s) => (s.addresses ?? []).map((a) => a.ip ?? '')).sort(),
    notReady: subsets.flatMap((s) => (s.notReadyAddresses ?? []).map((a) => a.ip ?? '')).sort(),
  };
}

describe('endpoints (walkthrough mysql Service)', () => {
  it('lists ready pods in addresses and the others in notReadyAddresses, and goes with the Service', async () => {
    const ns = await createNamespace(cluster.client, 'ep-mysql');
    await managers.start();
    await createWalkthroughMysql(cluster.client, ns, 2);
    const [a, b] = await podsMatching(cluster.client, ns, 'app=mysql', 2);
    // Created but not yet running: no IP, not listed.
    const empty = await eventually(async () => cluster.client.resource('endpoints').get(ns, 'mysql'));
    expect(empty.subsets ?? []).toEqual([]);

    await reportRunning(cluster.client, a!, '172.17.0.2');
    await reportRunning(cluster.client, b!, '172.17.0.3', false);
    await eventually(async () => JSON.stringify(await endpointIps(ns, 'mysql')) === JSON.stringify({ ready: ['172.17.0.2'], notReady: ['172.17.0.3'] }));
    const ep = await cluster.client.resource('endpoints').get(ns, 'mysql');
    expect(ep.subsets?.[0]?.ports).toEqual([{ port: 3306, protocol: 'TCP' }]);
    expect(ep.subsets?.[0]?.addresses?.[0]?.targetRef).toMatchObject({ kind: 'Pod', namespace: ns, name: a?.metadata?.name, uid: a?.metadata?.uid });

    await reportRunning(cluster.client, b!, '172.17.0.3', true);
    await eventually(async () => (await endpointIps(ns, 'mysql')).ready.join() === '172.17.0.2,172.17.0.3');

    await cluster.client.resource('pod').delete(ns, a!.metadata!.name!);
    await eventually(async () => !(await endpointIps(ns, 'mysql')).ready.includes('172.17.0.2'));

    await cluster.client.resource('service').delete(ns, 'mysql');
    await eventually(async () => {
      try {
        await cluster.client.resource('endpoints').get(ns, 'mysql');
        return false;
      } catch {
        return true;
      }
    });
  });

  it('resolves a named targetPort and leaves the kubernetes and selector-less services alone', async () => {
    const ns = await createNamespace(cluster.client, 'ep-named');
    await managers.start();
    await cluster.client.resource('service').create({ metadata: { name: 'web', namespace: ns }, spec: { selector: { app: 'web' }, ports: [{ name: 'http', port: 80, targetPort: { strVal: 'http' } }] } });
    await cluster.client.resource('service').create({ metadata: { name: 'external', namespace: ns }, spec: { ports: [{ port: 5432 }] } });
    await cluster.client.resource('endpoints').create({ metadata: { name: 'external', namespace: ns }, subsets: [{ addresses: [{ ip: '192.0.2.10' }], ports: [{ port: 5432 }] }] });
    const pod = await cluster.client.resource('pod').create({
      metadata: { name: 'web-1', namespace: ns, labels: { app: 'web' } },
      spec: { containers: [{ name: 'web', image: 'kubeguide/tomcat-app:v1', ports: [{ name: 'http', containerPort: 8080 }] }] },
    });
    await reportRunning(cluster.client, pod, '172.17.0.9');
    const ep = await eventually(async () => {
      const e = await cluster.client.resource('endpoints').get(ns, 'web');
      return e.subsets?.length ? e : undefined;
    });
    expect(ep.subsets?.[0]?.ports).toEqual([{ name: 'http', port: 8080, protocol: 'TCP' }]);
    const external = await cluster.client.resource('endpoints').get(ns, 'external');
    expect(external.subsets?.[0]?.addresses?.[0]?.ip).toBe('192.0.2.10');
    const kubernetes = await cluster.client.resource('endpoints').get('default', 'kubernetes').catch(() => undefined);
    const before = kubernetes?.metadata?.resourceVersion;
    await new Promise((r) => setTimeout(r, 300));
    const after = await cluster.client.resource('endpoints').get('default', 'kubernetes').catch(() => undefined);
    expect(after?.metadata?.resourceVersion).toBe(before);
  });
});
