import type Docker from 'dockerode';
import type { Pod } from '../../lib/api/generated/index.js';
import type { ApiClient } from '../../lib/client/client.js';
import { LABEL_CONTAINER_NAME, LABEL_POD_UID, SANDBOX_CONTAINER_NAME } from '../../lib/container-labels.js';
import { median, ready } from './workload-support.js';

// Where a pod's start-up time goes, pod by pod, in epoch milliseconds: when a watch first saw it
// created, bound to a node, Running and Ready, and in between, from its node's engine, when the
// kubelet created its sandbox (the start of the kubelet's container work) and when its app
// container started. The API's own timestamps have whole seconds only; these have milliseconds.

export interface PodMarks {
  node?: string;
  created?: number;
  bound?: number;
  sandboxCreated?: number;
  appStarted?: number;
  running?: number;
  ready?: number;
  /** Writes to the pod the watch saw after its creation (the binding, each status write) until the round ended. */
  updates: number;
}

const STAGES = ['created', 'bound', 'sandboxCreated', 'appStarted', 'running', 'ready'] as const;
type Stage = (typeof STAGES)[number];

/** Docker's times have nanoseconds, which Date.parse does not take everywhere. */
const dockerMs = (t: string | undefined): number | undefined => (t && !t.startsWith('0001') ? Date.parse(t.replace(/(\.\d{3})\d*/, '$1')) : undefined);

export class PodTimeline {
  readonly #marks = new Map<string, PodMarks>();
  readonly #abort = new AbortController();
  readonly #watching: Promise<void>;

  constructor(client: ApiClient, namespace: string, labelSelector: string) {
    this.#watching = (async () => {
      for await (const event of client.resource('pod').watch(namespace, { labelSelector, signal: this.#abort.signal })) {
        if (event.type === 'ADDED' || event.type === 'MODIFIED') this.#observe(event.object);
      }
    })().catch(() => undefined);
  }

  #observe(pod: Pod): void {
    const uid = pod.metadata?.uid ?? '';
    const now = Date.now();
    const marks = this.#marks.get(uid) ?? { created: now, updates: -1 };
    this.#marks.set(uid, marks);
    marks.updates++;
    if (pod.spec?.nodeName) {
      marks.node = pod.spec.nodeName;
      marks.bound ??= now;
    }
    if (pod.status?.phase === 'Running') marks.running ??= now;
    if (ready(pod)) marks.ready ??= now;
  }

  /** Stops watching and fills in the engines' times of each pod's sandbox creation and app start. */
  async finish(engines: Map<string, Docker>): Promise<PodMarks[]> {
    this.#abort.abort();
    await this.#watching;
    await Promise.all(
      [...this.#marks].map(async ([uid, marks]) => {
        const docker = marks.node ? engines.get(marks.node) : undefined;
        if (!docker) return;
        const containers = await docker.listContainers({ all: true, filters: { label: [`${LABEL_POD_UID}=${uid}`] } });
        for (const c of containers) {
          const info = await docker.getContainer(c.Id).inspect();
          if (c.Labels[LABEL_CONTAINER_NAME] === SANDBOX_CONTAINER_NAME) marks.sandboxCreated = dockerMs(info.Created);
          else marks.appStarted = dockerMs(info.State.StartedAt);
        }
      }),
    );
    return [...this.#marks.values()];
  }
}

/**
 * From a round's start (`t0`, epoch ms): when the last pod reached each stage, and the median and
 * largest time a pod spent between one stage and the next.
 */
export function timelineSummary(t0: number, pods: PodMarks[]): Record<string, unknown> {
  const lastAt: Partial<Record<Stage, number>> = {};
  for (const stage of STAGES) {
    const times = pods.map((p) => p[stage]).filter((t): t is number => t !== undefined);
    if (times.length === pods.length && times.length > 0) lastAt[stage] = Math.max(...times) - t0;
  }
  const perPod: Record<string, { median: number; max: number }> = {};
  for (let i = 1; i < STAGES.length; i++) {
    const [from, to] = [STAGES[i - 1]!, STAGES[i]!];
    const spans = pods.flatMap((p) => (p[from] !== undefined && p[to] !== undefined ? [p[to]! - p[from]!] : []));
    if (spans.length > 0) perPod[`${from}->${to}`] = { median: median(spans), max: Math.max(...spans) };
  }
  const updates = pods.map((p) => p.updates);
  return { lastPodAtMs: lastAt, perPodMs: perPod, updatesPerPod: { median: median(updates), max: Math.max(...updates) } };
}
