import { describe, expect, it } from 'vitest';
import type { Pod } from '../../../lib/api/generated/index.js';
import { MetricError, resourceReplicas, type PodSample, type ReadinessTiming, type ResourceTarget } from './replica-calculator.js';

const NOW = Date.parse('2026-01-01T12:00:00Z');
const timing: ReadinessTiming = { now: NOW, cpuInitializationPeriodMs: 300_000, initialReadinessDelayMs: 30_000 };
const ago = (seconds: number): string => new Date(NOW - seconds * 1000).toISOString();

interface PodOpts {
  phase?: string;
  ready?: boolean;
  /** Seconds since the pod started. */
  age?: number;
  /** Seconds since the Ready condition last changed. */
  readySince?: number;
  cpu?: string;
  memory?: string;
}

function pod(name: string, o: PodOpts = {}): Pod {
  const requests: Record<string, string> = {};
  if (o.cpu !== '') requests.cpu = o.cpu ?? '500m';
  if (o.memory) requests.memory = o.memory;
  return {
    metadata: { name, namespace: 'default' },
    spec: { containers: [{ name: 'app', resources: { requests } }] },
    status: {
      phase: o.phase ?? 'Running',
      startTime: ago(o.age ?? 3600),
      conditions: [{ type: 'Ready', status: (o.ready ?? true) ? 'True' : 'False', lastTransitionTime: ago(o.readySince ?? 3000) }],
    },
  };
}

const sample = (value: number, secondsAgo = 10): PodSample => ({ value, timestamp: NOW - secondsAgo * 1000, windowSeconds: 30 });
const samples = (entries: Record<string, number>): Map<string, PodSample> => new Map(Object.entries(entries).map(([k, v]) => [k, sample(v)]));
const cpu80: ResourceTarget = { utilization: 80 };

describe('resourceReplicas', () => {
  it.each<[string, number, Pod[], Record<string, number>, ResourceTarget, number, number | undefined]>([
    // name, current, pods, usage (millicores), target, want replicas, want utilization
    ['scales up by the usage ratio', 2, [pod('a'), pod('b')], { a: 500, b: 500 }, cpu80, 3, 100],
    ['stays within the 10% tolerance', 2, [pod('a'), pod('b')], { a: 430, b: 430 }, cpu80, 2, 86],
    ['leaves the tolerance just beyond it', 2, [pod('a'), pod('b')], { a: 450, b: 450 }, cpu80, 3, 90],
    ['scales down', 4, [pod('a'), pod('b'), pod('c'), pod('d')], { a: 100, b: 100, c: 100, d: 100 }, cpu80, 1, 20],
    ['weighs each pod by its own request', 2, [pod('a', { cpu: '1' }), pod('b', { cpu: '250m' })], { a: 1000, b: 250 }, cpu80, 3, 100],
    ['targets an average value', 2, [pod('a'), pod('b')], { a: 300, b: 300 }, { averageValue: 100 }, 6, undefined],
    // a missing sample counts as 0% on a scale up ...
    ['missing metrics on a scale up count as 0%', 3, [pod('a'), pod('b'), pod('c')], { a: 800, b: 800 }, cpu80, 4, 160],
    // ... and as 100% of the request on a scale down: (100+100+500)/1500 = 46% asks for 2, not 1
    ['missing metrics on a scale down count as 100%, damping it', 3, [pod('a'), pod('b'), pod('c')], { a: 100, b: 100 }, cpu80, 2, 20],
    ['missing metrics that flip the direction keep the count', 2, [pod('a'), pod('b')], { a: 440 }, cpu80, 2, 88],
    ['pending pods count as 0% on a scale up', 2, [pod('a'), pod('b', { phase: 'Pending' })], { a: 800 }, cpu80, 2, 160],
    ['pending pods are left out of a scale down', 3, [pod('a'), pod('b'), pod('c', { phase: 'Pending' })], { a: 100, b: 100 }, cpu80, 1, 20],
    ['failed pods are ignored', 1, [pod('a'), pod('b', { phase: 'Failed' })], { a: 800, b: 0 }, cpu80, 2, 160],
  ])('%s', (_name, current, pods, usage, target, replicas, utilization) => {
    const got = resourceReplicas(current, pods, samples(usage), 'cpu', target, timing);
    expect(got.replicas).toBe(replicas);
    expect(got.utilization).toBe(utilization);
  });

  it('ignores the CPU of a pod that is not ready within its initialization period, on a scale up', () => {
    const pods = [pod('a'), pod('b', { age: 60, ready: false, readySince: 60 })];
    // b's 1000m is a start-up burst: it counts as 0, which halves the ratio a alone gives (2.5).
    expect(resourceReplicas(2, pods, samples({ a: 1000, b: 1000 }), 'cpu', cpu80, timing).replicas).toBe(3);
  });

  it('counts a pod whose sample was taken after it became ready', () => {
    const pods = [pod('a'), pod('b', { age: 120, ready: true, readySince: 100 })];
    expect(resourceReplicas(2, pods, samples({ a: 600, b: 1000 }), 'cpu', cpu80, timing).replicas).toBe(4);
  });

  it('does not apply the CPU initialization rule to memory', () => {
    const pods = [pod('a', { memory: '100Mi' }), pod('b', { age: 60, ready: false, readySince: 60, memory: '100Mi' })];
    const mi = 1024 * 1024;
    expect(resourceReplicas(2, pods, samples({ a: 100 * mi, b: 100 * mi }), 'memory', { utilization: 50 }, timing)).toEqual({ replicas: 4, utilization: 100, averageValue: 100 * mi });
  });

  it('fails without requests, samples or pods, as upstream', () => {
    expect(() => resourceReplicas(1, [pod('a', { cpu: '' })], samples({ a: 1 }), 'cpu', cpu80, timing)).toThrow(new MetricError('missing request for cpu in container app of Pod a'));
    expect(() => resourceReplicas(1, [pod('a', { phase: 'Pending' })], samples({}), 'cpu', cpu80, timing)).toThrow('did not receive metrics for targeted pods (pods might be unready)');
    expect(() => resourceReplicas(1, [], samples({}), 'cpu', cpu80, timing)).toThrow('no pods returned by selector');
  });
});
