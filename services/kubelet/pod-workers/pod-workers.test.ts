import { describe, expect, it, vi } from 'vitest';
import type { Pod, PodStatus } from '../../../lib/api/generated/index.js';
import { HollowRuntime } from '../runtime/hollow-runtime.js';
import { noVolumes, PodVolumesError, VolumeSetupError, type PodVolumes } from '../runtime/volumes/volume-manager.js';
import { InMemoryObjectSource } from './object-source.js';
import { PodWorkers, type PodWorkersOptions } from './pod-workers.js';

async function until<T>(check: () => T | undefined | false): Promise<T> {
  for (let i = 0; i < 300; i++) {
    const value = check();
    if (value !== undefined && value !== false) return value;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error('condition not reached');
}

function harness(overrides: Partial<PodWorkersOptions> = {}) {
  const reported: Array<{ uid: string; status: PodStatus }> = [];
  const terminated: string[] = [];
  const events: string[] = [];
  const runtime = overrides.runtime instanceof HollowRuntime ? overrides.runtime : new HollowRuntime();
  const workers = new PodWorkers({
    runtime,
    objects: new InMemoryObjectSource(),
    volumes: noVolumes,
    nodeName: 'n',
    nodeIP: '127.0.0.1',
    probes: false,
    relistIntervalMs: 10,
    events: { event: (_p, _t, reason, message) => events.push(`${reason}: ${message}`) },
    onStatus: (pod, status) => reported.push({ uid: pod.metadata?.uid ?? '', status }),
    onTerminated: (pod) => terminated.push(pod.metadata?.uid ?? ''),
    ...overrides,
  });
  workers.start();
  return { runtime, workers, reported, terminated, events };
}

const pod = (uid: string): Pod => ({ metadata: { uid, name: `p-${uid}`, namespace: 'default' }, spec: { containers: [{ name: 'c', image: 'i:1' }] } });

describe('PodWorkers', () => {
  it('reports a status only when it changes', async () => {
    const { workers, reported } = harness({ resyncIntervalMs: 20 });
    workers.updatePod(pod('a'));
    await until(() => workers.getStatus('a')?.phase === 'Running');
    const count = reported.length;
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(reported.length).toBe(count);
    await workers.stop();
  });

  it('terminates a pod with a deletionTimestamp, confirms it, and never restarts it', async () => {
    const { runtime, workers, terminated, events } = harness();
    const p = pod('b');
    workers.updatePod(p);
    await until(() => workers.getStatus('b')?.phase === 'Running');
    workers.updatePod({ ...p, metadata: { ...p.metadata, deletionTimestamp: '2024-01-01T00:00:00Z', deletionGracePeriodSeconds: 0 } });
    await until(() => terminated.includes('b'));
    expect(await runtime.listPods()).toEqual([]);
    expect(events).toContain('Killing: Stopping container c');
    expect(workers.knownPods()).toEqual([]);
    workers.updatePod(p);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(await runtime.listPods()).toEqual([]);
    workers.updatePod({ ...p, metadata: { ...p.metadata, deletionTimestamp: '2024-01-01T00:00:00Z' } });
    expect(terminated).toEqual(['b', 'b']);
    await workers.stop();
  });

  it('keeps a pod ContainerCreating while its volumes fail, and retries', async () => {
    let attempts = 0;
    const failing: PodVolumes = {
      ...noVolumes,
      setUp: async () => {
        attempts++;
        if (attempts < 3) throw new PodVolumesError([new VolumeSetupError('x', 'configmap "y" not found')]);
        return new Map();
      },
    };
    const { workers, events, runtime } = harness({ volumes: failing });
    workers.updatePod(pod('c'));
    await until(() => workers.getStatus('c')?.containerStatuses?.[0]?.state?.waiting?.reason === 'ContainerCreating');
    expect(events).toContain('FailedMount: MountVolume.SetUp failed for volume "x" : configmap "y" not found');
    // The sandbox made while the volumes were tried is gone again: no IP, no containers.
    expect(workers.getStatus('c')?.podIP ?? '').toBe('');
    expect(await runtime.listPods()).toEqual([]);
    await until(() => workers.getStatus('c')?.phase === 'Running');
    expect(workers.getStatus('c')?.podIP).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
    expect(attempts).toBe(3);
    await workers.stop();
  });

  it("sets a new pod's volumes up while it asks the runtime for the pod's containers, not after", async () => {
    let statusAsked!: () => void;
    const asked = new Promise<void>((resolve) => (statusAsked = resolve));
    // The volumes finish only once the runtime has been asked: done one after the other, this never ends.
    const slowVolumes: PodVolumes = { ...noVolumes, setUp: async () => asked.then(() => new Map()) };
    const runtime = new HollowRuntime();
    const getPodStatus = runtime.getPodStatus.bind(runtime);
    runtime.getPodStatus = (identity) => {
      statusAsked();
      return getPodStatus(identity);
    };
    const { workers } = harness({ volumes: slowVolumes, runtime });
    workers.updatePod(pod('v'));
    await until(() => workers.getStatus('v')?.phase === 'Running');
    await workers.stop();
  });

  it("makes a new pod's sandbox while its volumes are set up, and starts its containers only once they are", async () => {
    let syncEntered!: () => void;
    const entered = new Promise<void>((resolve) => (syncEntered = resolve));
    let volumesDone = false;
    // The volumes finish only once the runtime is syncing the pod: done one after the other, this never ends.
    const slowVolumes: PodVolumes = {
      ...noVolumes,
      setUp: async () => {
        await entered;
        volumesDone = true;
        return new Map();
      },
    };
    const runtime = new HollowRuntime();
    const syncPod = runtime.syncPod.bind(runtime);
    const startedBeforeVolumes: boolean[] = [];
    runtime.syncPod = async (p, status, context) => {
      syncEntered();
      const result = await syncPod(p, status, context);
      if (result.containers.length > 0) startedBeforeVolumes.push(!volumesDone);
      return result;
    };
    const { workers } = harness({ volumes: slowVolumes, runtime });
    workers.updatePod(pod('s'));
    await until(() => workers.getStatus('s')?.phase === 'Running');
    expect(startedBeforeVolumes).toEqual([false]);
    await workers.stop();
  });

  it('cleans up runtime pods it does not know', async () => {
    const { runtime, workers } = harness();
    workers.updatePod(pod('d'));
    workers.updatePod(pod('e'));
    await until(() => workers.getStatus('e')?.phase === 'Running' && workers.getStatus('d')?.phase === 'Running');
    await workers.stop();
    const again = new PodWorkers({ runtime, objects: new InMemoryObjectSource(), volumes: noVolumes, nodeName: 'n', nodeIP: '127.0.0.1', probes: false });
    again.updatePod(pod('d'));
    expect(await again.cleanupOrphans(['d'])).toEqual(['e']);
    expect((await runtime.listPods()).map((p) => p.uid)).toEqual(['d']);
    await again.stop();
  });

  it('resyncs a running pod once a minute by default, which repairs drift nothing else reported', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance', 'Date'] });
    try {
      const runtime = new HollowRuntime();
      // No relist in this test: only the resync can notice the pod's containers went away.
      const { workers } = harness({ runtime, relistIntervalMs: 3_600_000, resyncIntervalMs: undefined });
      const statusReads = vi.spyOn(runtime, 'getPodStatus');
      workers.updatePod(pod('r'));
      await vi.advanceTimersByTimeAsync(100);
      expect(workers.getStatus('r')?.phase).toBe('Running');
      const reads = statusReads.mock.calls.length;
      await runtime.removePod('r');
      await vi.advanceTimersByTimeAsync(59_000);
      expect(statusReads.mock.calls.length).toBe(reads);
      await vi.advanceTimersByTimeAsync(1_100);
      expect(statusReads.mock.calls.length).toBeGreaterThan(reads);
      expect((await runtime.listPods()).map((p) => p.uid)).toEqual(['r']);
      await workers.stop();
    } finally {
      vi.useRealTimers();
    }
  });

  it('starts a new pod without asking the engine for its containers once a relist found none, and still adopts the containers of an earlier run', async () => {
    const runtime = new HollowRuntime();
    const earlier = harness({ runtime });
    earlier.workers.updatePod(pod('old'));
    await until(() => earlier.workers.getStatus('old')?.phase === 'Running');
    await earlier.workers.stop();
    const containersOf = async (uid: string) => (await runtime.listPods()).find((p) => p.uid === uid)?.containers.map((c) => c.id);
    const adopted = await containersOf('old');

    const statusReads = vi.spyOn(runtime, 'getPodStatus');
    const syncs = vi.spyOn(runtime, 'syncPod');
    const listings = vi.spyOn(runtime, 'listPods');
    const { workers } = harness({ runtime });
    await until(() => listings.mock.calls.length > 0 && listings.mock.results[0]?.type === 'return');
    await new Promise((resolve) => setTimeout(resolve, 20));
    workers.updatePod(pod('new'));
    workers.updatePod(pod('old'));
    await until(() => workers.getStatus('new')?.phase === 'Running' && workers.getStatus('old')?.phase === 'Running');

    const firstSyncOf = (uid: string) => syncs.mock.calls.findIndex(([p]) => p.metadata?.uid === uid);
    const readsOf = (uid: string) => statusReads.mock.calls.map(([p], i) => ({ uid: p.uid, order: statusReads.mock.invocationCallOrder[i]! })).filter((r) => r.uid === uid);
    const newSync = firstSyncOf('new');
    expect(syncs.mock.calls[newSync]![1]).toMatchObject({ sandboxes: [], containers: [] });
    expect(readsOf('new').filter((r) => r.order < syncs.mock.invocationCallOrder[newSync]!)).toEqual([]);
    // The earlier run's pod is read from the engine, and its containers are kept, not made again.
    expect(readsOf('old').length).toBeGreaterThan(0);
    expect(await containersOf('old')).toEqual(adopted);
    await workers.stop();
  });
});
