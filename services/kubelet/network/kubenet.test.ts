import { describe, expect, it } from 'vitest';
import { kubenetDifference, kubenetNetworkSpec, PodCidrError, podGateway } from './kubenet.js';

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
