import { describe, expect, it } from 'vitest';
import { makePod } from '../testing/builders.js';
import { PodInfo, normalizedImageName } from './pod-info.js';

describe('PodInfo', () => {
  it.each([
    { name: 'sums containers', pod: makePod('p').req({ cpu: '250m', memory: '64Mi' }).req({ cpu: '1', memory: '1Gi' }), cpu: 1250, mem: 1088 * 2 ** 20 },
    { name: 'init containers as their maximum', pod: makePod('p').initReq({ cpu: '2' }).initReq({ cpu: '3' }).req({ cpu: '1' }), cpu: 3000, mem: 0 },
    { name: 'limits stand in for requests', pod: makePod('p').limits({ cpu: '500m', memory: '1Gi' }), cpu: 500, mem: 2 ** 30 },
    { name: 'best effort', pod: makePod('p'), cpu: 0, mem: 0 },
  ])('requests: $name', ({ pod, cpu, mem }) => {
    const info = PodInfo.of(pod.obj());
    expect(info.requests.milliCPU).toBe(cpu);
    expect(info.requests.memory).toBe(mem);
    expect(info.parseErrors).toEqual([]);
  });

  it('counts 100m / 200Mi for containers without requests, for scoring', () => {
    const info = PodInfo.of(makePod('p').req({ cpu: '1' }).container('busybox:1.36').obj());
    expect(info.nonZeroMilliCPU).toBe(1100);
    expect(info.nonZeroMemory).toBe(2 * 200 * 2 ** 20);
  });

  it('parses once per object', () => {
    const pod = makePod('p').obj();
    expect(PodInfo.of(pod)).toBe(PodInfo.of(pod));
  });

  it('collects parse errors instead of throwing', () => {
    const info = PodInfo.of(
      makePod('p')
        .req({ cpu: 'x' })
        .nodeAffinityTerm([{ key: 'a', operator: 'Gt', values: ['1', '2'] }])
        .obj(),
    );
    expect(info.parseErrors).toHaveLength(2);
  });

  it.each([
    ['busybox', 'busybox:latest'],
    ['busybox:1.36', 'busybox:1.36'],
    ['registry:5000/app', 'registry:5000/app:latest'],
    ['registry:5000/app:v2', 'registry:5000/app:v2'],
  ])('normalizes image %s', (image, want) => {
    expect(normalizedImageName(image)).toBe(want);
  });
});
