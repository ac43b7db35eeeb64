import { describe, expect, it } from 'vitest';
import { PodCidrError, podGateway } from './kubenet.js';

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
