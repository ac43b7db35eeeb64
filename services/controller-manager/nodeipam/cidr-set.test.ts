import { describe, expect, it } from 'vitest';
import { CidrSet, InvalidClusterCidrError } from './cidr-set.js';

describe('CidrSet', () => {
  const set = new CidrSet('10.244.0.0/16', 24);

  it('numbers the node subnets of the cluster CIDR', () => {
    expect(set.count).toBe(256);
    expect([0, 1, 255].map((i) => set.cidrAt(i))).toEqual(['10.244.0.0/24', '10.244.1.0/24', '10.244.255.0/24']);
    expect(set.indexOf('10.244.7.0/24')).toBe(7);
  });

  it.each([
    ['another range', '10.245.0.0/24'],
    ['another size', '10.244.0.0/25'],
    ['not a CIDR', '10.244.1.0'],
    ['garbage', 'x/y'],
  ])('does not claim %s', (_what, cidr) => {
    expect(set.indexOf(cidr)).toBeUndefined();
  });

  it('hands out the first free subnet from the candidate on, wrapping around', () => {
    expect(set.nextFree(new Set([0, 1]), 0)).toBe(2);
    expect(set.nextFree(new Set([5]), 5)).toBe(6);
    expect(set.nextFree(new Set([255]), 255)).toBe(0);
    const small = new CidrSet('10.0.0.0/30', 30);
    expect(small.nextFree(new Set([0]), 0)).toBeUndefined();
  });

  it('masks the cluster address and refuses sizes that do not fit', () => {
    expect(new CidrSet('10.244.9.9/16', 24).cidrAt(0)).toBe('10.244.0.0/24');
    expect(() => new CidrSet('10.244.0.0/16', 8)).toThrow(InvalidClusterCidrError);
    expect(() => new CidrSet('10.0.0.0/8', 26)).toThrow('splits 10.0.0.0/8 into more than 65536 node subnets');
    expect(() => new CidrSet('10.244.0.0', 24)).toThrow('invalid --cluster-cidr "10.244.0.0"');
  });
});
