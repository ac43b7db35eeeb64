import { describe, expect, it } from 'vitest';
import { goDurationSeconds, podUsageOf } from './resource-metrics-source.js';

describe('resource metrics for the autoscaler', () => {
  it('reads Go durations', () => {
    expect(goDurationSeconds('10s')).toBe(10);
    expect(goDurationSeconds('1m30s')).toBe(90);
    expect(goDurationSeconds('10.5s')).toBe(10.5);
    expect(goDurationSeconds('500ms')).toBe(0.5);
    expect(goDurationSeconds('soon')).toBe(0);
  });

  it('turns PodMetrics into per-container millicores and bytes', () => {
    expect(
      podUsageOf({
        metadata: { name: 'web-1', namespace: 'default' },
        timestamp: '2026-12-06T04:00:00Z',
        window: '10s',
        containers: [{ name: 'app', usage: { cpu: '250000000n', memory: '2048Ki' } }],
      }),
    ).toEqual({ name: 'web-1', timestamp: new Date('2026-12-06T04:00:00Z'), windowSeconds: 10, containers: [{ name: 'app', cpuMillis: 250, memoryBytes: 2 * 1024 * 1024 }] });
  });
});
