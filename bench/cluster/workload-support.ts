import { randomUUID } from 'node:crypto';
import { totalmem } from 'node:os';
import type Docker from 'dockerode';
import type { Pod, PodSpec } from '../../lib/api/generated/index.js';
import type { ApiClient } from '../../lib/client/client.js';
import { KUBENET_NETWORK, LABEL_NODE } from '../../services/kubelet/index.js';
import { containerCreateOptions, sandboxCreateOptions } from '../../services/kubelet/runtime/container-config.js';
import { DEFAULT_PAUSE_IMAGE } from '../../services/kubelet/runtime/docker-runtime.js';
import { podQOSClass } from '../../services/kubelet/runtime/qos.js';
import { oomScoreFloor } from '../../services/kubelet/runtime/resources.js';
import { pollUntil, within } from '../../test/harness/poll.js';
import type { LocalCluster } from './local-cluster.js';

// What the workload benchmarks over `kubets up --nodes 3` share: the same pause + app pairs the
// kubelet makes, started directly on the node engines through dockerode (the kubelet's own create
// options, on each engine's kubenet network with the node as DNS), the pod templates, and the
// summary of a series of cluster-against-direct rounds.

export const IMAGE = 'kubets/busybox:1.36';
export const SLEEP = ['sleep', '3600'];
export const DONE = ['true'];
export const NS = 'default';
export const WAIT = { timeoutMs: 600_000, intervalMs: 200 };
/** The direct containers' node label: no kubelet owns it (nor the cluster ID), so none touches them. */
const DIRECT_NODE = `bench-direct-${process.pid}`;

export const sec = (ms: number): number => Math.round(ms) / 1000;
export const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
export const round2 = (x: number): number => Math.round(x * 100) / 100;

export interface Engine {
  name: string;
  docker: Docker;
  dns: string;
}

export function enginesOf(cluster: LocalCluster): Engine[] {
  return [...cluster.engines].map(([name, docker]) => ({ name, docker, dns: cluster.nodeIps.get(name)! }));
}

/** Round-robin over the engines, as the scheduler spreads pods. */
export const engineFor = (engines: Engine[], i: number): Engine => engines[i % engines.length]!;

/** One pause + app pair, as the kubelet makes it, on one engine; resolves once the app runs (or, with `waitExit`, has exited). */
export async function directPair(engine: Engine, command: string[], waitExit: boolean): Promise<void> {
  const uid = randomUUID();
  const pod: Pod = { metadata: { name: `direct-${uid.slice(0, 8)}`, namespace: NS, uid }, spec: { containers: [{ name: 'app', image: IMAGE, command }] } };
  const owner = { nodeName: DIRECT_NODE };
  const minOomScoreAdj = oomScoreFloor();
  const pause = await engine.docker.createContainer(
    sandboxCreateOptions({ pod, attempt: 0, owner, dns: { clusterDNS: [engine.dns], clusterDomain: 'cluster.local' }, pauseImage: DEFAULT_PAUSE_IMAGE, network: KUBENET_NETWORK, minOomScoreAdj }),
  );
  await pause.start();
  const app = await engine.docker.createContainer(
    containerCreateOptions({
      pod, container: pod.spec!.containers![0]!, init: false, restartCount: 0, sandboxId: pause.id,
      options: { env: [], mounts: [], command, args: [] }, owner, qos: podQOSClass(pod), nodeMemoryBytes: totalmem(), minOomScoreAdj,
    }),
  );
  await app.start();
  if (waitExit) await app.wait();
}

/**
 * Removes the direct containers from every engine and waits until none is listed, so the next
 * round starts clean. Bounded like every wait here: a pass repeats what a refused remove left,
 * and an engine that stops answering fails the run after timeoutMs instead of hanging it.
 */
export async function removeDirect(engines: Pick<Engine, 'docker'>[], timeoutMs = WAIT.timeoutMs): Promise<void> {
  const what = 'direct containers removed';
  const removeLeft = async (e: Pick<Engine, 'docker'>): Promise<boolean> => {
    const containers = await e.docker.listContainers({ all: true, filters: { label: [`${LABEL_NODE}=${DIRECT_NODE}`] } });
    await Promise.all(containers.map((c) => e.docker.getContainer(c.Id).remove({ force: true }).catch(() => undefined)));
    return containers.length === 0;
  };
  await within(
    pollUntil(async () => (await Promise.all(engines.map(removeLeft))).every(Boolean), { timeoutMs, intervalMs: WAIT.intervalMs, what }),
    timeoutMs,
    what,
  );
}

export async function timed(work: () => Promise<void>): Promise<number> {
  const t0 = performance.now();
  await work();
  return performance.now() - t0;
}

export const template = (app: string, command: string[], restartPolicy: PodSpec['restartPolicy'] = 'Always') => ({
  metadata: { labels: { app } },
  spec: { restartPolicy, terminationGracePeriodSeconds: 1, containers: [{ name: 'app', image: IMAGE, command }] },
});

export const ready = (p: Pod): boolean => Boolean(p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'));

export async function podsOf(client: ApiClient, app: string): Promise<Pod[]> {
  return (await client.resource('pod').list(NS, { labelSelector: `app=${app}` })).items;
}

/** Deletes a workload with its pods and waits until they are gone, so the next round starts clean. */
export async function deleteAndDrain(client: ApiClient, kind: 'replicationController' | 'daemonSet' | 'job', name: string): Promise<void> {
  await client.resource(kind).delete(NS, name, { propagationPolicy: 'Foreground' });
  await pollUntil(async () => (await podsOf(client, name)).length === 0, { ...WAIT, intervalMs: 500, what: `${name}'s pods gone` });
}

export async function jobComplete(client: ApiClient, name: string): Promise<void> {
  await pollUntil(async () => {
    const job = await client.resource('job').get(NS, name);
    return job.status?.conditions?.some((c) => c.type === 'Complete' && c.status === 'True');
  }, { ...WAIT, what: `Job ${name} Complete` });
}

/** Rounds of one workload: its time through the cluster and directly, and the load average when each round began. */
export interface Series {
  cluster: number[];
  direct: number[];
  load: number[];
}

export const newSeries = (): Series => ({ cluster: [], direct: [], load: [] });

export function summary(s: Series): Record<string, unknown> {
  const ratios = s.cluster.map((c, i) => c / s.direct[i]!);
  return {
    rounds: s.cluster.length,
    clusterSec: { median: sec(median(s.cluster)), min: sec(Math.min(...s.cluster)), max: sec(Math.max(...s.cluster)) },
    directSec: { median: sec(median(s.direct)), min: sec(Math.min(...s.direct)), max: sec(Math.max(...s.direct)) },
    ratio: round2(median(s.cluster) / median(s.direct)),
    pairedRatio: { median: round2(median(ratios)), min: round2(Math.min(...ratios)), max: round2(Math.max(...ratios)) },
    loadAvg1m: { min: Math.min(...s.load), max: Math.max(...s.load) },
  };
}

/**
 * A DaemonSet of the benchmark's image, run to Ready and removed: the namespaced nodes' engines
 * start empty and pull the pause and app images from the cluster registry when a pod first needs
 * them, which neither the direct pairs nor the first measured round should pay for.
 */
export async function warmUp(client: ApiClient, nodes: number): Promise<void> {
  const name = 'warm-up';
  await client.resource('daemonSet').create({ metadata: { name, namespace: NS }, spec: { selector: { matchLabels: { app: name } }, template: template(name, SLEEP) } });
  await pollUntil(async () => (await podsOf(client, name)).filter(ready).length === nodes, { ...WAIT, what: 'a Ready warm-up pod per node' });
  await deleteAndDrain(client, 'daemonSet', name);
}
