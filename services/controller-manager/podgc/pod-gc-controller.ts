import { isApiError } from '../../../lib/api/errors.js';
import type { Node, Pod } from '../../../lib/api/generated/index.js';
import { parseTime } from '../../../lib/client/api-time.js';
import type { Informer } from '../../../lib/informer/informer.js';
import { ensureIndex, type ControllerContext } from '../common/controller.js';
import { disruptPod } from '../common/disrupt-pod.js';
import { isPodTerminal } from '../common/pod-util.js';
import { QueueController, type HandlerRegistration } from '../common/queue-controller.js';
import { byNodeName, NODE_NAME_INDEX } from '../node-lifecycle/node-lifecycle-controller.js';

export interface PodGcOptions {
  /** --terminated-pod-gc-threshold: finished pods kept before the oldest are deleted; 0 keeps all. */
  terminatedPodThreshold: number;
  /** How long a node must be missing from the cache before its pods count as orphans (Kubernetes: 40 s). */
  quarantineMs?: number;
  /** How often everything is checked (Kubernetes' gcCheckPeriod: 20 s). */
  checkPeriodMs?: number;
}

const GC_KEY = 'gc';

/** The oldest first, by creation time then name, as Kubernetes picks terminated pods to delete. */
function byAge(a: Pod, b: Pod): number {
  const byTime = parseTime(a.metadata?.creationTimestamp) - parseTime(b.metadata?.creationTimestamp);
  return byTime || (a.metadata?.name ?? '').localeCompare(b.metadata?.name ?? '');
}

/**
 * Kubernetes' pod garbage collector: deletes pods bound to nodes that no longer exist (a node gone
 * for the quarantine time and confirmed gone by the apiserver, not just missing from a lagging
 * cache), pods being deleted that were never scheduled (no kubelet will finish them), and the
 * oldest finished pods beyond the threshold. Orphans are deleted at once (grace 0): nobody is left
 * to run their shutdown.
 */
export class PodGcController extends QueueController {
  private readonly nodes: Informer<Node>;
  private readonly pods: Informer<Pod>;
  /** When each missing node was first noticed missing, on our clock. */
  private readonly missingSince = new Map<string, number>();
  private readonly quarantineMs: number;

  constructor(
    ctx: ControllerContext,
    private readonly options: PodGcOptions,
  ) {
    super('podgc', ctx, { workers: 1, resyncPeriodMs: options.checkPeriodMs ?? 20_000 });
    this.nodes = ctx.informers.informerFor('node');
    this.pods = ctx.informers.informerFor('pod');
    ensureIndex(this.pods.store, NODE_NAME_INDEX, byNodeName);
    this.quarantineMs = options.quarantineMs ?? 40_000;
  }

  protected handlers(): HandlerRegistration[] {
    return [() => this.nodes.addEventHandler({ onDelete: () => this.queue.add(GC_KEY) })];
  }

  protected override resyncKeys(): Iterable<string> {
    return [GC_KEY];
  }

  async sync(): Promise<void> {
    await this.gcTerminated();
    await this.gcOrphaned();
    await this.gcUnscheduledTerminating();
  }

  private async gcTerminated(): Promise<void> {
    const threshold = this.options.terminatedPodThreshold;
    if (threshold <= 0) return;
    const terminated = this.pods.store.list().filter((p) => isPodTerminal(p) && !p.metadata?.deletionTimestamp);
    const excess = terminated.length - threshold;
    if (excess <= 0) return;
    for (const pod of terminated.sort(byAge).slice(0, excess)) await this.forceDelete(pod, 'PodGC: terminated pods above the threshold');
  }

  private async gcOrphaned(): Promise<void> {
    const now = this.ctx.now();
    const missing = new Set<string>();
    for (const pod of this.pods.store.list()) {
      const node = pod.spec?.nodeName;
      if (node && !this.nodes.store.get(node)) missing.add(node);
    }
    for (const name of this.missingSince.keys()) if (!missing.has(name)) this.missingSince.delete(name);
    for (const name of missing) {
      const since = this.missingSince.get(name) ?? now;
      this.missingSince.set(name, since);
      const left = since + this.quarantineMs - now;
      if (left > 0) {
        this.queue.addAfter(GC_KEY, left);
        continue;
      }
      if (!(await this.nodeIsGone(name))) continue;
      for (const pod of this.pods.store.listByIndex(NODE_NAME_INDEX, name)) await this.forceDelete(pod, 'PodGC: node no longer exists');
      this.missingSince.delete(name);
    }
  }

  private async gcUnscheduledTerminating(): Promise<void> {
    for (const pod of this.pods.store.list()) {
      if (pod.metadata?.deletionTimestamp && !pod.spec?.nodeName) await this.forceDelete(pod, 'PodGC: unscheduled pod being deleted');
    }
  }

  /** The cache may lag: only the apiserver saying NotFound makes a node gone. */
  private async nodeIsGone(name: string): Promise<boolean> {
    try {
      await this.ctx.client.resource('node').get('', name);
      return false;
    } catch (err) {
      if (isApiError(err, 'NotFound')) return true;
      throw err;
    }
  }

  private async forceDelete(pod: Pod, message: string): Promise<void> {
    if (await disruptPod(this.ctx.client, pod, { reason: 'DeletionByPodGC', message, force: true })) {
      this.log.info({ pod: `${pod.metadata?.namespace}/${pod.metadata?.name}`, node: pod.spec?.nodeName, reason: message }, 'garbage-collected pod');
    }
  }
}
