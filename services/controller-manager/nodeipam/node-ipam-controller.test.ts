import { describe, expect, it } from 'vitest';
import type { Node } from '../../../lib/api/generated/index.js';
import { eventually, useControllerTestEnv } from '../testing/fake-context.js';
import { NodeIpamController } from './node-ipam-controller.js';

const node = (name: string, podCIDR?: string): Node => ({ metadata: { name }, spec: podCIDR ? { podCIDR, podCIDRs: [podCIDR] } : {} });

describe('NodeIpamController', () => {
  const env = useControllerTestEnv();
  const podCidrOf = async (name: string) => (await env.client.resource('node').get('', name)).spec?.podCIDR;

  it('gives every node its own subnet, keeps the ones nodes already hold, and follows new nodes', async () => {
    await env.client.resource('node').create(node('kept', '10.244.0.0/24'));
    await env.client.resource('node').create(node('a'));
    await env.client.resource('node').create(node('b'));
    await env.ctx.start(new NodeIpamController(env.ctx, { clusterCidr: '10.244.0.0/16', nodeCidrMaskSize: 24 }));
    await eventually(async () => (await podCidrOf('a')) && (await podCidrOf('b')));
    await env.client.resource('node').create(node('c'));
    await eventually(() => podCidrOf('c'));
    const cidrs = await Promise.all(['kept', 'a', 'b', 'c'].map(podCidrOf));
    expect(cidrs[0]).toBe('10.244.0.0/24');
    expect(new Set(cidrs).size).toBe(4);
    for (const cidr of cidrs) expect(cidr).toMatch(/^10\.244\.\d+\.0\/24$/);
    const a = await env.client.resource('node').get('', 'a');
    expect(a.spec?.podCIDRs).toEqual([a.spec?.podCIDR]);
  });

  it('reports a node it has no subnet left for and still serves the others', async () => {
    await env.client.resource('node').create(node('first'));
    await env.ctx.start(new NodeIpamController(env.ctx, { clusterCidr: '10.244.0.0/24', nodeCidrMaskSize: 24 }));
    await eventually(() => podCidrOf('first'));
    await env.client.resource('node').create(node('second'));
    const events = await eventually(async () => {
      const list = (await env.client.resource('event').list('')).items;
      return list.some((e) => e.reason === 'CIDRNotAvailable') ? list : undefined;
    });
    expect(events.find((e) => e.reason === 'CIDRNotAvailable')?.message).toBe('Node second status is now: CIDRNotAvailable');
    expect(await podCidrOf('second')).toBeUndefined();
    expect(await podCidrOf('first')).toBe('10.244.0.0/24');
  });
});
