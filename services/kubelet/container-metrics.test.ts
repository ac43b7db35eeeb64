import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { exposeContainerMetrics } from './container-metrics.js';

describe('container metrics', () => {
  it("serves each container's CPU seconds and working set under cAdvisor's names and labels", async () => {
    const registry = new Registry();
    let cpu = 1.5;
    exposeContainerMetrics(registry, () => [{ pod: { uid: 'u', name: 'web-1', namespace: 'shop' }, container: 'app', cpuUsageSeconds: cpu, memoryWorkingSetBytes: 4096 }]);
    let text = await registry.metrics();
    expect(text).toContain('# TYPE container_cpu_usage_seconds_total counter');
    expect(text).toContain('container_cpu_usage_seconds_total{namespace="shop",pod="web-1",container="app"} 1.5');
    expect(text).toContain('container_memory_working_set_bytes{namespace="shop",pod="web-1",container="app"} 4096');
    cpu = 2.25;
    text = await registry.metrics();
    expect(text).toContain('container_cpu_usage_seconds_total{namespace="shop",pod="web-1",container="app"} 2.25');
  });

  it('drops a container that is gone', async () => {
    const registry = new Registry();
    exposeContainerMetrics(registry, () => [{ pod: { uid: 'u', name: 'a', namespace: 'd' }, container: 'c', cpuUsageSeconds: 1, memoryWorkingSetBytes: 1 }]);
    expect(await registry.metrics()).toContain('pod="a"');
    exposeContainerMetrics(registry, () => []);
    expect(await registry.metrics()).not.toContain('pod="a"');
  });
});
