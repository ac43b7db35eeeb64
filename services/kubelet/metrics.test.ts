import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import type { Pod, PodStatus } from '../../lib/api/generated/index.js';
import { startMetricsServer, type RunningMetricsServer } from '../../lib/metrics/index.js';
import { parsePrometheusText, sumOf } from '../../test/harness/prometheus-text.js';
import { InMemoryObjectSource } from './pod-workers/object-source.js';
import { PodWorkers } from './pod-workers/pod-workers.js';
import { HollowRuntime } from './runtime/hollow-runtime.js';
import { instrumentRuntime } from './runtime/instrumented-runtime.js';
import { noVolumes } from './runtime/volumes/volume-manager.js';

async function until<T>(check: () => T | undefined): Promise<T> {
  for (let i = 0; i < 300; i++) {
    const value = check();
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error('condition not reached');
}

const pod = (uid: string, status?: PodStatus): Pod => ({
  metadata: { uid, name: uid, namespace: 'default' },
  spec: { containers: [{ name: 'a', image: 'busybox:1.36' }, { name: 'b', image: 'busybox:1.36' }] },
  ...(status && { status }),
});

describe('kubelet metrics endpoint', () => {
  let server: RunningMetricsServer | undefined;
  afterEach(async () => {
    await server?.close();
  });

  it('serves runtime operations, running pods and containers and pod start durations after a pass of the pod workers (hollow runtime, no containers)', async () => {
    const statuses = new Map<string, PodStatus>();
    const workers = new PodWorkers({
      runtime: instrumentRuntime(new HollowRuntime()),
      objects: new InMemoryObjectSource(),
      volumes: noVolumes,
      nodeName: 'metrics-1',
      nodeIP: '127.0.0.1',
      probes: false,
      relistIntervalMs: 10,
      onStatus: (p, status) => statuses.set(p.metadata?.uid ?? '', status),
    });
    workers.start();
    workers.updatePod(pod('new'));
    // Already running when this kubelet first sees it (adopted after a restart): not a pod start.
    workers.updatePod(pod('adopted', { phase: 'Running' }));
    await until(() => (statuses.get('new')?.phase === 'Running' && statuses.get('adopted')?.phase === 'Running' ? true : undefined));
    server = await startMetricsServer({ bindAddress: '127.0.0.1', port: 0, log: pino({ level: 'silent' }) });
    const scrape = async () => parsePrometheusText(await (await fetch(`http://${server!.address}/metrics`)).text());
    // The running gauges follow the relist (every 10 ms here), which may lag the statuses by one round.
    let families = await scrape();
    for (let i = 0; i < 100 && sumOf(families, 'kubelet_running_pods') !== 2; i++) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      families = await scrape();
    }
    await workers.stop();

    expect(sumOf(families, 'kubelet_pod_start_duration_seconds_count')).toBe(1);
    expect(sumOf(families, 'kubelet_runtime_operations_total', { operation_type: 'sync_pod' })).toBeGreaterThanOrEqual(2);
    expect(sumOf(families, 'kubelet_runtime_operations_total', { operation_type: 'list_pods' })).toBeGreaterThanOrEqual(1);
    expect(sumOf(families, 'kubelet_runtime_operations_duration_seconds_count', { operation_type: 'sync_pod' })).toBe(sumOf(families, 'kubelet_runtime_operations_total', { operation_type: 'sync_pod' }));
    expect(sumOf(families, 'kubelet_running_pods')).toBe(2);
    expect(sumOf(families, 'kubelet_running_containers', { container_state: 'running' })).toBe(4);
    expect(sumOf(families, 'kubelet_running_containers', { container_state: 'exited' })).toBe(0);
    expect(sumOf(families, 'process_resident_memory_bytes')).toBeGreaterThan(0);
  });

  it('counts a failed runtime operation as an error of its type', async () => {
    const runtime = instrumentRuntime(new HollowRuntime());
    await expect(runtime.exec('no-such-container', ['true'])).rejects.toThrow();
    server = await startMetricsServer({ bindAddress: '127.0.0.1', port: 0, log: pino({ level: 'silent' }) });
    const families = parsePrometheusText(await (await fetch(`http://${server.address}/metrics`)).text());
    expect(sumOf(families, 'kubelet_runtime_operations_errors_total', { operation_type: 'exec' })).toBe(1);
  });
});
