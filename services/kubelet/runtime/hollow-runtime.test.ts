import { describe, expect, it } from 'vitest';
import type { Pod, PodStatus } from '../../../lib/api/generated/index.js';
import { InMemoryObjectSource } from '../pod-workers/object-source.js';
import { PodWorkers } from '../pod-workers/pod-workers.js';
import { HollowRuntime, HollowRuntimeError } from './hollow-runtime.js';
import { noVolumes } from './volumes/volume-manager.js';

async function until<T>(check: () => T | undefined): Promise<T> {
  for (let i = 0; i < 200; i++) {
    const value = check();
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error('condition not reached');
}

describe('HollowRuntime', () => {
  it('runs pods instantly through the pod workers, with unroutable fake IPs', async () => {
    const runtime = new HollowRuntime();
    const statuses = new Map<string, PodStatus>();
    const workers = new PodWorkers({
      runtime,
      objects: new InMemoryObjectSource(),
      volumes: noVolumes,
      nodeName: 'hollow-1',
      nodeIP: '127.0.0.1',
      probes: false,
      relistIntervalMs: 10,
      onStatus: (pod, status) => statuses.set(pod.metadata?.uid ?? '', status),
    });
    workers.start();
    const pod: Pod = {
      metadata: { uid: 'h1', name: 'web', namespace: 'default' },
      spec: {
        initContainers: [{ name: 'setup', image: 'busybox:1.36' }],
        containers: [
          { name: 'a', image: 'busybox:1.36', readinessProbe: { exec: { command: ['false'] } } },
          { name: 'b', image: 'busybox:1.36' },
        ],
      },
    };
    workers.updatePod(pod);
    const running = await until(() => {
      const s = statuses.get('h1');
      return s?.phase === 'Running' && s.conditions?.find((c) => c.type === 'Ready')?.status === 'True' ? s : undefined;
    });
    expect(running.podIP).toMatch(/^240\.0\.0\.\d+$/);
    expect(running.initContainerStatuses?.[0]?.state?.terminated?.reason).toBe('Completed');
    expect(running.containerStatuses?.map((c) => [c.name, c.ready, c.restartCount])).toEqual([
      ['a', true, 0],
      ['b', true, 0],
    ]);
    expect((await runtime.listPods()).map((p) => p.uid)).toEqual(['h1']);
    await expect(runtime.exec()).rejects.toBeInstanceOf(HollowRuntimeError);

    await workers.terminatePod('h1');
    expect(await runtime.listPods()).toEqual([]);
    expect(statuses.get('h1')?.containerStatuses?.every((c) => c.state?.terminated)).toBe(true);
    await workers.stop();
  });
});
