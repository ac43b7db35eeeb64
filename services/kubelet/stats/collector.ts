import { pino, type Logger } from 'pino';
import type { Summary } from '../../../lib/api/generated/index.js';
import type { PodIdentity, RuntimePod } from '../runtime/types.js';
import { HOST_PATHS, locateCgroup, readCgroupUsage, type CgroupLocation, type CgroupPaths, type CgroupUsage } from './cgroups.js';
import { readHostUsage } from './host.js';
import { cpuNanoCores, type Sample } from './rate.js';

/** What the collector needs from the runtime: one listing per period, and a container's main process once. */
export interface StatsRuntime {
  listPods(): Promise<RuntimePod[]>;
  /** The host pid of a running container's main process; undefined when it is not running. */
  containerPid(containerId: string): Promise<number | undefined>;
}

export interface StatsCollectorOptions {
  nodeName: string;
  runtime: StatsRuntime;
  /** How often to sample; the rates cover the window between the last two samples. */
  intervalMs: number;
  paths?: CgroupPaths;
  now?: () => number;
  log?: Logger;
}

export interface ContainerUsage {
  pod: PodIdentity;
  container: string;
  cpuUsageSeconds: number;
  memoryWorkingSetBytes: number;
}

export const DEFAULT_STATS_INTERVAL_MS = 10_000;

interface TrackedContainer {
  pod: PodIdentity;
  name: string;
  location: CgroupLocation;
  previous?: Sample;
  latest: Sample;
}

const withTime = (usage: CgroupUsage, at: number): Sample => ({ ...usage, at });

/**
 * Samples the CPU and memory of the node and of every running app container of its pods, every
 * interval, keeping the last two samples of each so that `summary()` reports CPU as a rate over
 * that window (as cAdvisor does for the kubelet's summary API). A pass costs one container listing
 * from the runtime and a few cgroup file reads per container; the runtime is asked where a
 * container's cgroup is only when the container first shows up.
 */
export class StatsCollector {
  readonly #options: StatsCollectorOptions;
  readonly #paths: CgroupPaths;
  readonly #now: () => number;
  readonly #log: Logger;
  readonly #containers = new Map<string, TrackedContainer>();
  #node?: { previous?: Sample; latest: Sample };
  #timer?: NodeJS.Timeout;
  #pass?: Promise<void>;

  constructor(options: StatsCollectorOptions) {
    this.#options = options;
    this.#paths = options.paths ?? HOST_PATHS;
    this.#now = options.now ?? Date.now;
    this.#log = (options.log ?? pino({ level: 'silent' })).child({ part: 'stats' });
  }

  start(): void {
    const run = (): void => {
      this.#pass ??= this.sample()
        .catch((err: unknown) => this.#log.warn({ err: (err as Error).message }, 'resource sampling failed'))
        .finally(() => (this.#pass = undefined));
    };
    run();
    this.#timer = setInterval(run, this.#options.intervalMs);
    this.#timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.#timer);
    await this.#pass;
  }

  /** One sampling pass: the node, then every running app container; containers gone are forgotten. */
  async sample(): Promise<void> {
    const pods = await this.#options.runtime.listPods();
    const node = await readHostUsage(this.#paths);
    this.#node = { previous: this.#node?.latest, latest: withTime(node, this.#now()) };
    const seen = new Set<string>();
    await Promise.all(
      pods.flatMap((pod) =>
        pod.containers
          .filter((c) => !c.sandbox && c.state === 'running')
          .map(async (c) => {
            seen.add(c.id);
            await this.#sampleContainer(c.id, { uid: pod.uid, name: pod.name, namespace: pod.namespace }, c.name);
          }),
      ),
    );
    for (const id of this.#containers.keys()) if (!seen.has(id)) this.#containers.delete(id);
  }

  async #sampleContainer(id: string, pod: PodIdentity, name: string): Promise<void> {
    const tracked = this.#containers.get(id);
    try {
      const location = tracked?.location ?? (await this.#locate(id));
      if (!location) return;
      const latest = withTime(await readCgroupUsage(location), this.#now());
      this.#containers.set(id, { pod, name, location, previous: tracked?.latest, latest });
    } catch (err) {
      // The container ended between the listing and the read; the next listing drops it.
      this.#containers.delete(id);
      this.#log.debug({ container: id, err: (err as Error).message }, 'container not sampled');
    }
  }

  async #locate(id: string): Promise<CgroupLocation | undefined> {
    const pid = await this.#options.runtime.containerPid(id);
    return pid ? locateCgroup(this.#paths, pid) : undefined;
  }

  /** Every sampled container's cumulative counters as last read: cAdvisor's container series. */
  containerUsage(): ContainerUsage[] {
    return [...this.#containers.values()].map((c) => ({
      pod: c.pod,
      container: c.name,
      cpuUsageSeconds: c.latest.cpuUsageNanos / 1e9,
      memoryWorkingSetBytes: c.latest.memoryWorkingSetBytes,
    }));
  }

  /** The rates over the last window; no pods and a zero window until two passes are done. */
  summary(): Summary {
    const node = this.#node;
    const nodeCpu = node?.previous ? cpuNanoCores(node.previous, node.latest) : undefined;
    if (!node?.previous || nodeCpu === undefined) return { nodeName: this.#options.nodeName, windowSeconds: 0, pods: [] };
    const pods = new Map<string, NonNullable<Summary['pods']>[number]>();
    for (const c of this.#containers.values()) {
      const cpu = c.previous ? cpuNanoCores(c.previous, c.latest) : undefined;
      if (cpu === undefined) continue;
      let pod = pods.get(c.pod.uid);
      if (!pod) {
        pod = { namespace: c.pod.namespace, name: c.pod.name, uid: c.pod.uid, containers: [] };
        pods.set(c.pod.uid, pod);
      }
      pod.containers!.push({ name: c.name, cpuNanoCores: cpu, memoryWorkingSetBytes: c.latest.memoryWorkingSetBytes });
    }
    return {
      nodeName: this.#options.nodeName,
      timestamp: new Date(node.latest.at).toISOString().replace(/\.\d+Z$/, 'Z'),
      windowSeconds: (node.latest.at - node.previous.at) / 1000,
      nodeCpuNanoCores: nodeCpu,
      nodeMemoryWorkingSetBytes: node.latest.memoryWorkingSetBytes,
      // Samples land in whatever order their reads finish: answer in a stable one.
      pods: [...pods.values()]
        .sort((a, b) => `${a.namespace}/${a.name}`.localeCompare(`${b.namespace}/${b.name}`))
        .map((p) => ({ ...p, containers: [...(p.containers ?? [])].sort((a, b) => (a.name ?? '').localeCompare(b.name ?? '')) })),
    };
  }
}
