import { describe, expect, it } from 'vitest';
import { cidrContains } from './ipv4.js';

describe('cidrContains', () => {
  it('holds for subnets inside the network and for the network itself', () => {
    expect(cidrContains('10.244.0.0/16', '10.244.3.0/24')).toBe(true);
    expect(cidrContains('10.244.0.0/16', '10.244.0.0/16')).toBe(true);
    expect(cidrContains('0.0.0.0/0', '192.168.1.0/24')).toBe(true);
  });

  it('fails for neighbours, wider networks and what is no CIDR', () => {
    expect(cidrContains('10.244.0.0/16', '10.245.3.0/24')).toBe(false);
    expect(cidrContains('10.244.0.0/16', '10.0.0.0/8')).toBe(false);
    expect(cidrContains('10.244.0.0/16', 'default')).toBe(false);
    expect(cidrContains('10.244.0.0/16', '10.244.1.5')).toBe(false);
  });
});
