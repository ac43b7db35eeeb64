import type { Node, Pod, Taint, Toleration } from '../../../lib/api/generated/index.js';
import { keyOf } from '../../../lib/client/keys.js';
import { parseTime } from '../../../lib/client/api-time.js';
import { TAINT_NO_EXECUTE, toleratesTaint } from '../../../lib/api/taints.js';
import type { EventRecorder } from '../../../lib/events/event-recorder.js';
import type { Informer } from '../../../lib/informer/informer.js';
import { ensureIndex, type ControllerContext } from '../common/controller.js';
import { disruptPod } from '../common/disrupt-pod.js';
import { onAddOrUpdate, QueueController, type HandlerRegistration } from '../common/queue-controller.js';
import { byNodeName, NODE_NAME_INDEX } from './node-lifecycle-controller.js';

/** When a pod on these taints must go: now, at a time, or never. */
type EvictionDecision = { kind: 'never' } | { kind: 'at'; time: number };

/**
 * Kubernetes' taint manager rule: a pod that does not tolerate every NoExecute taint of its node
 * goes at once; one that tolerates them all goes when the shortest tolerationSeconds among the
 * tolerations used runs out, counted from when the taints were added; without tolerationSeconds
 * it stays.
 */
export function evictionDecision(taints: readonly Taint[], tolerations: readonly Toleration[], now: number): EvictionDecision {
  const noExecute = taints.filter((t) => t.effect === TAINT_NO_EXECUTE);
  if (noExecute.length === 0) return { kind: 'never' };
  const used = new Set<Toleration>();
  for (const taint of noExecute) {
    const matching = tolerations.filter((t) => toleratesTaint(t, taint));
    if (matching.length === 0) return { kind: 'at', time: now };
    for (const t of matching) used.add(t);
  }
  let seconds = Infinity;
  for (const t of used) {
    if (t.tolerationSeconds === undefined || t.tolerationSeconds === null) continue;
    seconds = Math.min(seconds, Math.max(0, t.tolerationSeconds));
  }
  if (seconds === Infinity) return { kind: 'never' };
  const added = noExecute.map((t) => parseTime(t.timeAdded)).filter((t) => !Number.isNaN(t));
  const since = added.length ? Math.min(...added) : now;
  return { kind: 'at', time: since + seconds * 1000 };
}

function noExecuteKey(node: Node | undefined): string {
  return JSON.stringify((node?.spec?.taints ?? []).filter((t) => t.effect === TAINT_NO_EXECUTE).map((t) => [t.key, t.value, t.timeAdded]));
}

/** Kubernetes' taint eviction controller: deletes pods from nodes with NoExecute taints they do not tolerate (long enough). */
export class TaintEvictionController extends QueueController {
  private readonly nodes: Informer<Node>;
  private readonly pods: Informer<Pod>;
  private readonly recorder: EventRecorder;

  constructor(ctx: ControllerContext) {
    super('taint-eviction-controller', ctx, { workers: 4 });
    this.nodes = ctx.informers.informerFor('node');
    this.pods = ctx.informers.informerFor('pod');
    ensureIndex(this.pods.store, NODE_NAME_INDEX, byNodeName);
    this.recorder = ctx.recorder('taint-eviction-controller');
  }

  protected handlers(): HandlerRegistration[] {
    const enqueuePod = (pod: Pod): void => {
      if (pod.spec?.nodeName && !pod.metadata?.deletionTimestamp) this.queue.add(keyOf(pod));
    };
    const enqueuePodsOn = (node: Node): void => {
      for (const pod of this.pods.store.listByIndex(NODE_NAME_INDEX, node.metadata?.name ?? '')) enqueuePod(pod);
    };
    return [
      () => this.pods.addEventHandler(onAddOrUpdate(enqueuePod)),
      () =>
        this.nodes.addEventHandler({
          onAdd: enqueuePodsOn,
          onUpdate: (old, cur) => {
            if (noExecuteKey(old) !== noExecuteKey(cur)) enqueuePodsOn(cur);
          },
        }),
    ];
  }

  async sync(key: string): Promise<void> {
    const pod = this.pods.store.get(key);
    if (!pod?.spec?.nodeName || pod.metadata?.deletionTimestamp) return;
    const node = this.nodes.store.get(pod.spec.nodeName);
    if (!node) return;
    const now = this.ctx.now();
    const decision = evictionDecision(node.spec?.taints ?? [], pod.spec.tolerations ?? [], now);
    if (decision.kind === 'never') return;
    if (decision.time > now) {
      this.queue.addAfter(key, decision.time - now);
      return;
    }
    await this.evict(pod);
  }

  private async evict(pod: Pod): Promise<void> {
    const meta = pod.metadata ?? {};
    const namespace = meta.namespace ?? '';
    const name = meta.name ?? '';
    this.recorder.event({ kind: 'Pod', apiVersion: 'v1', namespace, name, uid: meta.uid ?? '' }, 'Normal', 'TaintManagerEviction', `Marking for deletion Pod ${namespace}/${name}`);
    if (await disruptPod(this.ctx.client, pod, { reason: 'DeletionByTaintManager', message: 'Taint manager: deleting due to NoExecute taint' })) {
      this.log.info({ pod: `${namespace}/${name}`, node: pod.spec?.nodeName }, 'evicted pod from tainted node');
    }
  }
}
