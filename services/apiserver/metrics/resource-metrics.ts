import { pino, type Logger } from 'pino';
import { ApiError } from '../../../lib/api/errors.js';
import type * as t from '../../../lib/api/generated/index.js';
import type { ResourceInfo } from '../../../lib/api/resources.js';
import type { WatchCache, WatchFilter } from '../watch/index.js';

// metrics.k8s.io answered as metrics-server answers it, without a scraper in between: a get or
// list finds the pods (or nodes) it names in the watch caches, asks the kubelets of just the nodes
// that run them for their last sampling window (Kubelet.Summary, in parallel), and shapes the
// answers into PodMetrics and NodeMetrics. A node that does not answer leaves its pods out, as a
// node metrics-server could not scrape does.

/** The last window of one node's kubelet; rejects when the kubelet cannot be reached. */
export type SummaryFetcher = (node: t.Node) => Promise<t.Summary>;

/** What is read of the pods' and nodes' watch caches. */
export type CachedObjects = Pick<WatchCache, 'list' | 'get'>;

export interface ResourceMetricsOptions {
  pods: CachedObjects;
  nodes: CachedObjects;
  summaries: SummaryFetcher;
  log?: Logger;
}

/** What the operations need for the read-only, measured kinds. */
export interface MetricsSource {
  list(info: ResourceInfo, filter: WatchFilter): Promise<t.PodMetrics[] | t.NodeMetrics[]>;
  get(info: ResourceInfo, namespace: string, name: string): Promise<t.PodMetrics | t.NodeMetrics>;
}

/** CPU as metrics-server writes it: nanocores. */
const cpuQuantity = (nanoCores: number | undefined): string => `${Math.max(0, Math.round(nanoCores ?? 0))}n`;
/** Memory as metrics-server writes it: kibibytes. */
const memoryQuantity = (bytes: number | undefined): string => `${Math.floor(Math.max(0, bytes ?? 0) / 1024)}Ki`;
/** A Go duration of whole milliseconds ("10s", "10.002s"). */
const window = (seconds: number | undefined): string => `${Math.round((seconds ?? 0) * 1000) / 1000}s`;

const hasWindow = (s: t.Summary): boolean => (s.windowSeconds ?? 0) > 0;

export class ResourceMetrics implements MetricsSource {
  readonly #options: ResourceMetricsOptions;
  readonly #log: Logger;

  constructor(options: ResourceMetricsOptions) {
    this.#options = options;
    this.#log = (options.log ?? pino({ level: 'silent' })).child({ part: 'resource-metrics' });
  }

  async list(info: ResourceInfo, filter: WatchFilter): Promise<t.PodMetrics[] | t.NodeMetrics[]> {
    if (info.field === 'nodeMetrics') return this.#nodeMetrics(this.#options.nodes.list(filter, {}).items as t.Node[]);
    return this.#podMetrics(this.#options.pods.list(filter, {}).items as t.Pod[]);
  }

  async get(info: ResourceInfo, namespace: string, name: string): Promise<t.PodMetrics | t.NodeMetrics> {
    const missing = new ApiError('NotFound', `${info.resource}.${info.group} "${name}" not found`, { name, kind: info.resource, group: info.group });
    const source = info.field === 'nodeMetrics' ? this.#options.nodes.get('', name) : this.#options.pods.get(namespace, name);
    if (!source) throw missing;
    const [found] = info.field === 'nodeMetrics' ? await this.#nodeMetrics([source as t.Node]) : await this.#podMetrics([source as t.Pod]);
    if (!found) throw missing;
    return found;
  }

  /** The summaries of the named nodes that answered with a full window, by node name. */
  async #summaries(nodeNames: Iterable<string>): Promise<Map<string, t.Summary>> {
    const answered = new Map<string, t.Summary>();
    await Promise.all(
      [...new Set(nodeNames)].map(async (name) => {
        const node = this.#options.nodes.get('', name) as t.Node | undefined;
        if (!node) return;
        try {
          const summary = await this.#options.summaries(node);
          if (hasWindow(summary)) answered.set(name, summary);
        } catch (err) {
          this.#log.warn({ node: name, err: (err as Error).message }, 'kubelet summary unavailable');
        }
      }),
    );
    return answered;
  }

  async #podMetrics(pods: t.Pod[]): Promise<t.PodMetrics[]> {
    const running = pods.filter((p) => p.spec?.nodeName && p.status?.phase === 'Running');
    const summaries = await this.#summaries(running.map((p) => p.spec!.nodeName!));
    // A static pod runs under its own uid and shows in the API as its mirror pod, with another
    // uid and the same name: the name on the node finds it.
    const byUid = new Map<string, { usage: t.PodUsage; summary: t.Summary }>();
    const byName = new Map<string, { usage: t.PodUsage; summary: t.Summary }>();
    for (const [node, summary] of summaries) {
      for (const usage of summary.pods ?? []) {
        byUid.set(usage.uid ?? '', { usage, summary });
        byName.set(`${node}/${usage.namespace ?? ''}/${usage.name ?? ''}`, { usage, summary });
      }
    }
    const metrics: t.PodMetrics[] = [];
    for (const pod of running) {
      const found = byUid.get(pod.metadata?.uid ?? '') ?? byName.get(`${pod.spec?.nodeName}/${pod.metadata?.namespace ?? ''}/${pod.metadata?.name ?? ''}`);
      if (!found || (found.usage.containers ?? []).length === 0) continue;
      metrics.push({
        apiVersion: 'metrics.k8s.io/v1beta1',
        kind: 'PodMetrics',
        metadata: { name: pod.metadata?.name, namespace: pod.metadata?.namespace, labels: pod.metadata?.labels, creationTimestamp: found.summary.timestamp },
        timestamp: found.summary.timestamp,
        window: window(found.summary.windowSeconds),
        containers: (found.usage.containers ?? []).map((c) => ({
          name: c.name,
          usage: { cpu: cpuQuantity(c.cpuNanoCores), memory: memoryQuantity(c.memoryWorkingSetBytes) },
        })),
      });
    }
    return metrics;
  }

  async #nodeMetrics(nodes: t.Node[]): Promise<t.NodeMetrics[]> {
    const summaries = await this.#summaries(nodes.map((n) => n.metadata?.name ?? ''));
    return nodes.flatMap((node) => {
      const summary = summaries.get(node.metadata?.name ?? '');
      if (!summary) return [];
      return [
        {
          apiVersion: 'metrics.k8s.io/v1beta1',
          kind: 'NodeMetrics',
          metadata: { name: node.metadata?.name, labels: node.metadata?.labels, creationTimestamp: summary.timestamp },
          timestamp: summary.timestamp,
          window: window(summary.windowSeconds),
          usage: { cpu: cpuQuantity(summary.nodeCpuNanoCores), memory: memoryQuantity(summary.nodeMemoryWorkingSetBytes) },
        },
      ];
    });
  }
}
