import type Docker from 'dockerode';
import { describe, expect, it } from 'vitest';
import { bridgeGateway, dockerBridgeGateway } from './bridge-gateway.js';

function dockerWith(config: Array<{ Gateway?: string; Subnet?: string }> | Error): Docker {
  return {
    getNetwork: () => ({
      inspect: async () => {
        if (config instanceof Error) throw config;
        return { IPAM: { Config: config } };
      },
    }),
  } as unknown as Docker;
}

describe('bridge gateway', () => {
  it('takes the gateway Docker reports', async () => {
    expect(await dockerBridgeGateway(dockerWith([{ Subnet: '10.9.0.0/16', Gateway: '10.9.0.254' }]), 'pods')).toBe('10.9.0.254');
  });

  it("falls back to the subnet's first address when Docker leaves the gateway out, skipping IPv6", async () => {
    expect(await dockerBridgeGateway(dockerWith([{ Subnet: 'fd00::/64' }, { Subnet: '10.1.2.0/24' }]), 'pods')).toBe('10.1.2.1');
  });

  it('is undefined when Docker does not answer, and bridgeGateway still names an address', async () => {
    const down = dockerWith(new Error('connect ENOENT /var/run/docker.sock'));
    expect(await dockerBridgeGateway(down, 'pods')).toBeUndefined();
    expect(await bridgeGateway(down, 'pods')).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
  });
});
