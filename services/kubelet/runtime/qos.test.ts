import { describe, expect, it } from 'vitest';
import type { Container, Pod } from '../../../lib/api/generated/index.js';
import { podQOSClass } from './qos.js';
import { dockerResources, milliCPUToQuota, milliCPUToShares, oomScoreAdjust } from './resources.js';

const pod = (...containers: Container[]): Pod => ({ spec: { containers } });
const limits = (cpu: string, memory: string) => ({ resources: { limits: { cpu, memory } } });

describe('podQOSClass', () => {
  it('is BestEffort without requests or limits', () => {
    expect(podQOSClass(pod({ name: 'a' }, { name: 'b' }))).toBe('BestEffort');
  });

  it('is Guaranteed when every container limits cpu and memory and requests equal limits', () => {
    expect(podQOSClass(pod({ name: 'a', ...limits('1', '1Gi') }))).toBe('Guaranteed');
    expect(
      podQOSClass(pod({ name: 'a', resources: { limits: { cpu: '500m', memory: '64Mi' }, requests: { cpu: '0.5', memory: '64Mi' } } })),
    ).toBe('Guaranteed');
  });

  it('is Burstable otherwise', () => {
    expect(podQOSClass(pod({ name: 'a', ...limits('1', '1Gi') }, { name: 'b' }))).toBe('Burstable');
    expect(podQOSClass(pod({ name: 'a', resources: { requests: { cpu: '100m' } } }))).toBe('Burstable');
    expect(
      podQOSClass(pod({ name: 'a', resources: { limits: { cpu: '1', memory: '1Gi' }, requests: { cpu: '500m', memory: '1Gi' } } })),
    ).toBe('Burstable');
  });

  it('counts init containers', () => {
    const p: Pod = { spec: { initContainers: [{ name: 'i' }], containers: [{ name: 'a', ...limits('1', '1Gi') }] } };
    expect(podQOSClass(p)).toBe('Burstable');
  });
});

describe('docker resources', () => {
  it('maps cpu requests to shares with a minimum of 2', () => {
    expect(milliCPUToShares(0)).toBe(2);
    expect(milliCPUToShares(1)).toBe(2);
    expect(milliCPUToShares(250)).toBe(256);
    expect(milliCPUToShares(1000)).toBe(1024);
  });

  it('maps cpu limits to a CFS quota over a 100 ms period', () => {
    expect(milliCPUToQuota(0)).toBe(0);
    expect(milliCPUToQuota(5)).toBe(1000);
    expect(milliCPUToQuota(500)).toBe(50_000);
  });

  it('builds the HostConfig fields from a container', () => {
    const c: Container = { name: 'a', resources: { limits: { cpu: '500m', memory: '128Mi' }, requests: { cpu: '250m' } } };
    expect(dockerResources(c, 'Burstable', 1024 * 1024 * 1024)).toEqual({
      CpuShares: 256,
      CpuQuota: 50_000,
      CpuPeriod: 100_000,
      Memory: 134_217_728,
      MemorySwap: 134_217_728,
      OomScoreAdj: 875,
    });
  });

  it('uses the cpu limit for shares when no request is given', () => {
    expect(dockerResources({ name: 'a', resources: { limits: { cpu: '2' } } }, 'Burstable', 1).CpuShares).toBe(2048);
  });

  it('leaves quota and memory unset without limits', () => {
    expect(dockerResources({ name: 'a' }, 'BestEffort', 1)).toEqual({ CpuShares: 2, OomScoreAdj: 1000 });
  });

  it('adjusts OOM scores by QoS class', () => {
    expect(oomScoreAdjust('Guaranteed', 0, 1)).toBe(-997);
    expect(oomScoreAdjust('BestEffort', 0, 1)).toBe(1000);
    expect(oomScoreAdjust('Burstable', 0, 100)).toBe(999);
    expect(oomScoreAdjust('Burstable', 100, 100)).toBe(3);
  });
});
