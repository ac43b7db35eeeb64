import type Docker from 'dockerode';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { ensureKubenetNetwork, KUBENET_NETWORK, kubenetDifference, kubenetNetworkSpec, PodCidrError, podGateway } from './kubenet.js';

describe('podGateway', () => {
  it.each([
    ['10.244.3.0/24', '10.244.3.1'],
    ['10.244.3.7/24', '10.244.3.1'],
    ['10.200.0.0/16', '10.200.0.1'],
  ])('%s → %s', (cidr, gateway) => {
    expect(podGateway(cidr)).toBe(gateway);
  });

  it.each(['10.244.3.0/31', 'fd00::/64', 'nonsense'])('refuses %s', (cidr) => {
    expect(() => podGateway(cidr)).toThrow(PodCidrError);
  });
});

describe('kubenetNetworkSpec', () => {
  it("gives pods the MTU asked for, and the engine's default when none is", () => {
    const tunnelled = kubenetNetworkSpec('10.244.2.0/24', 1450);
    expect(tunnelled.Options).toMatchObject({ 'com.docker.network.driver.mtu': '1450', 'com.docker.network.bridge.name': 'cbr0', 'com.docker.network.bridge.enable_ip_masquerade': 'false' });
    expect(tunnelled.IPAM?.Config).toEqual([{ Subnet: '10.244.2.0/24', Gateway: '10.244.2.1' }]);
    expect(kubenetNetworkSpec('10.244.2.0/24').Options?.['com.docker.network.driver.mtu']).toBeUndefined();
  });

  it('tells a network of another subnet or MTU from one that fits', () => {
    const wanted = kubenetNetworkSpec('10.244.2.0/24', 1450);
    const fits = { IPAM: { Config: [{ Subnet: '10.244.2.0/24' }] }, Options: { 'com.docker.network.driver.mtu': '1450' } };
    expect(kubenetDifference(fits, wanted)).toBeUndefined();
    expect(kubenetDifference({ ...fits, Options: {} }, wanted)).toEqual({ mtu: "the engine's default" });
    expect(kubenetDifference({ ...fits, IPAM: { Config: [{ Subnet: '10.244.7.0/24' }] } }, wanted)).toEqual({ subnet: '10.244.7.0/24' });
    expect(kubenetDifference(fits, kubenetNetworkSpec('10.244.2.0/24'))).toEqual({ mtu: '1450' });
  });
});

describe('ensureKubenetNetwork', () => {
  const log = pino({ level: 'silent' });
  /** An engine holding a kubenet network of the engine's default MTU and the given attached containers. */
  function engine(attached: Array<{ Id: string; State: string }>, removeFails = false) {
    const calls: string[] = [];
    const docker = {
      listNetworks: async () => [{ Id: 'net1', Name: KUBENET_NETWORK, IPAM: { Config: [{ Subnet: '10.244.0.0/24' }] }, Options: {} }],
      listContainers: async (options: { all?: boolean; filters?: { network?: string[] } }) => {
        calls.push(`list all=${options.all} network=${options.filters?.network?.join(',')}`);
        return options.all ? attached : attached.filter((c) => c.State === 'running');
      },
      getNetwork: () => ({
        remove: async () => {
          calls.push('remove');
          if (removeFails) throw new Error('error while removing network: network kubenet has active endpoints');
        },
      }),
      createNetwork: async () => void calls.push('create'),
    };
    return { docker: docker as unknown as Docker, calls };
  }

  it('keeps a network that a created, never started container is attached to (Docker would refuse to remove it)', async () => {
    const { docker, calls } = engine([{ Id: 'c1', State: 'created' }]);
    await ensureKubenetNetwork(docker, '10.244.0.0/24', log, 1450);
    expect(calls).toEqual(['list all=true network=net1']);
  });

  it('replaces a network of another MTU that no container is attached to', async () => {
    const { docker, calls } = engine([]);
    await ensureKubenetNetwork(docker, '10.244.0.0/24', log, 1450);
    expect(calls).toEqual(['list all=true network=net1', 'remove', 'create']);
  });

  it('keeps a network of another MTU that the engine refuses to remove (endpoints of containers long gone), and stops at one of another subnet', async () => {
    const { docker, calls } = engine([], true);
    await ensureKubenetNetwork(docker, '10.244.0.0/24', log, 1450);
    expect(calls).toEqual(['list all=true network=net1', 'remove']);
    await expect(ensureKubenetNetwork(docker, '10.244.5.0/24', log)).rejects.toThrow(/engine refuses to remove it: .*active endpoints/);
  });

  it('stops at a network of another subnet that a container is attached to', async () => {
    const { docker } = engine([{ Id: 'c1', State: 'exited' }]);
    await expect(ensureKubenetNetwork(docker, '10.244.5.0/24', log)).rejects.toThrow(/subnet 10.244.0.0\/24 .* containers still use it/);
  });
});
