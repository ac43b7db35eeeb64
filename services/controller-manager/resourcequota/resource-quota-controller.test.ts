import { describe, expect, it } from 'vitest';
import type { Pod, ResourceQuota } from '../../../lib/api/generated/index.js';
import { eventually, useControllerTestEnv } from '../testing/fake-context.js';
import { ResourceQuotaController } from './resource-quota-controller.js';

function pod(name: string, cpu: string, phase = 'Running'): Pod {
  return { metadata: { name, namespace: 'default' }, spec: { containers: [{ name: 'c', image: 'x:1', resources: { requests: { cpu } } }] }, status: { phase } };
}

describe('ResourceQuotaController', () => {
  const env = useControllerTestEnv();
  const status = () => (env.fake.stored('resourceQuota', 'default', 'compute') as ResourceQuota | undefined)?.status;

  it('sets status.hard from spec.hard and status.used from the objects, and frees what a deleted pod used', async () => {
    await env.client.resource('pod').create(pod('running', '500m'));
    await env.client.resource('pod').create(pod('done', '1', 'Succeeded'));
    await env.client.resource('configMap').create({ metadata: { name: 'cfg', namespace: 'default' } });
    const hard = { pods: '5', 'requests.cpu': '2', 'count/pods': '10', configmaps: '3', 'count/deployments.apps': '2' };
    await env.client.resource('resourceQuota').create({ metadata: { name: 'compute', namespace: 'default' }, spec: { hard } });
    await env.ctx.start(new ResourceQuotaController(env.ctx, { workers: 2, syncPeriodMs: 60_000 }));
    await eventually(() => status()?.used?.pods === '1', 10_000, 'usage computed');
    expect(status()).toEqual({ hard, used: { pods: '1', 'requests.cpu': '500m', 'count/pods': '2', configmaps: '1', 'count/deployments.apps': '0' } });

    await env.client.resource('pod').delete('default', 'running');
    await eventually(() => status()?.used?.pods === '0', 10_000, 'quota freed');
    expect(status()?.used).toMatchObject({ 'requests.cpu': '0', 'count/pods': '1' });
  });

  it('follows a change of spec.hard', async () => {
    await env.client.resource('resourceQuota').create({ metadata: { name: 'compute', namespace: 'default' }, spec: { hard: { pods: '5' } } });
    await env.ctx.start(new ResourceQuotaController(env.ctx, { workers: 1, syncPeriodMs: 60_000 }));
    await eventually(() => status()?.hard?.pods === '5', 10_000, 'first sync');
    await env.client.resource('resourceQuota').patch('default', 'compute', { spec: { hard: { pods: '7', secrets: '1' } } }, { type: 'merge' });
    await eventually(() => status()?.hard?.pods === '7', 10_000, 'new hard');
    expect(status()).toEqual({ hard: { pods: '7', secrets: '1' }, used: { pods: '0', secrets: '0' } });
  });
});
