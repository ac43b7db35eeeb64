import { describe, expect, it } from 'vitest';
import type { Pod } from '../../../lib/api/generated/index.js';
import { eventually, useControllerTestEnv } from '../testing/fake-context.js';
import { runningStatus } from '../testing/running-status.js';
import { EndpointsController } from './endpoints-controller.js';

const ns = 'default';

function mysqlPod(name: string, ip: string, ready: boolean): Pod {
  const pod: Pod = {
    metadata: { name, namespace: ns, labels: { app: 'mysql' } },
    spec: { nodeName: 'n1', containers: [{ name: 'mysql', image: 'mysql:5.7', ports: [{ name: 'db', containerPort: 3306 }] }] },
  };
  return { ...pod, status: runningStatus(pod, ip, { ready }) };
}

describe('EndpointsController', () => {
  const env = useControllerTestEnv();

  const ips = async (field: 'addresses' | 'notReadyAddresses') => {
    const ep = await env.client.resource('endpoints').get(ns, 'mysql');
    return (ep.subsets ?? []).flatMap((s) => (s[field] ?? []).map((a) => a.ip));
  };

  it('follows the selected pods and their readiness, and goes with the service', async () => {
    await env.client.resource('service').create({ metadata: { name: 'mysql', namespace: ns, labels: { app: 'mysql' } }, spec: { selector: { app: 'mysql' }, ports: [{ port: 3306, targetPort: { strVal: 'db' } }] } });
    await env.client.resource('pod').create(mysqlPod('mysql-a', '172.17.0.2', true));
    await env.ctx.start(new EndpointsController(env.ctx));
    await eventually(async () => (await ips('addresses')).join() === '172.17.0.2');
    const ep = await env.client.resource('endpoints').get(ns, 'mysql');
    expect(ep.metadata?.labels).toEqual({ app: 'mysql' });
    expect(ep.subsets?.[0]?.ports).toEqual([{ port: 3306, protocol: 'TCP' }]);
    expect(ep.subsets?.[0]?.addresses?.[0]).toMatchObject({ nodeName: 'n1', targetRef: { kind: 'Pod', name: 'mysql-a', namespace: ns } });

    await env.client.resource('pod').create(mysqlPod('mysql-b', '172.17.0.3', false));
    await eventually(async () => (await ips('notReadyAddresses')).join() === '172.17.0.3');
    await env.client.resource('pod').patch(ns, 'mysql-b', { status: { conditions: [{ type: 'Ready', status: 'True' }] } }, { status: true });
    await eventually(async () => (await ips('addresses')).join() === '172.17.0.2,172.17.0.3');
    await env.client.resource('pod').delete(ns, 'mysql-a');
    await eventually(async () => (await ips('addresses')).join() === '172.17.0.3');

    await env.client.resource('service').delete(ns, 'mysql');
    await eventually(async () => !env.fake.stored('endpoints', ns, 'mysql'));
  });

  it('writes empty Endpoints for a service whose selector matches nothing, and recreates deleted ones', async () => {
    await env.client.resource('service').create({ metadata: { name: 'mysql', namespace: ns }, spec: { selector: { app: 'mysql' }, ports: [{ port: 3306 }] } });
    await env.ctx.start(new EndpointsController(env.ctx));
    await eventually(() => env.fake.stored('endpoints', ns, 'mysql'));
    await env.client.resource('endpoints').delete(ns, 'mysql');
    await eventually(() => env.fake.stored('endpoints', ns, 'mysql'));
  });

  it('leaves selector-less services, the kubernetes service and unrelated endpoints of existing services alone', async () => {
    await env.client.resource('service').create({ metadata: { name: 'external', namespace: ns }, spec: { ports: [{ port: 80 }] } });
    await env.client.resource('endpoints').create({ metadata: { name: 'external', namespace: ns }, subsets: [{ addresses: [{ ip: '192.0.2.1' }], ports: [{ port: 80 }] }] });
    await env.client.resource('service').create({ metadata: { name: 'kubernetes', namespace: ns }, spec: { ports: [{ port: 443 }] } });
    await env.client.resource('endpoints').create({ metadata: { name: 'kubernetes', namespace: ns }, subsets: [{ addresses: [{ ip: '127.0.0.1' }], ports: [{ port: 6443 }] }] });
    await env.client.resource('endpoints').create({ metadata: { name: 'orphaned', namespace: ns }, subsets: [] });
    await env.ctx.start(new EndpointsController(env.ctx));
    await eventually(() => !env.fake.stored('endpoints', ns, 'orphaned'));
    expect(env.fake.stored('endpoints', ns, 'external')?.subsets?.[0]?.addresses?.[0]?.ip).toBe('192.0.2.1');
    expect(env.fake.stored('endpoints', ns, 'kubernetes')?.subsets?.[0]?.addresses?.[0]?.ip).toBe('127.0.0.1');
  });
});
