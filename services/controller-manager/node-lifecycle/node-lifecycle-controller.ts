import { isApiError } from '../../../lib/api/errors.js';
import type { Lease, Node, Pod } from '../../../lib/api/generated/index.js';
import { formatTime } from '../../../lib/client/api-time.js';
import type { EventRecorder } from '../../../lib/events/event-recorder.js';
import type { Informer } from '../../../lib/informer/informer.js';
import { ensureIndex, type ControllerContext } from '../common/controller.js';
import { recordNodeStatusChange } from '../common/node-events.js';
import { isPodReady } from '../common/pod-util.js';
import { onAddOrUpdate, onEveryChange, QueueController, type HandlerRegistration } from '../common/queue-controller.js';
import { lifecycleTaints, readyCondition, reconcileTaints, unknownConditions } from './node-taints.js';

const NODE_LEASE_NAMESPACE = 'kube-node-lease';
/** Index of pods by spec.nodeName. */
export const NODE_NAME_INDEX = 'nodeName';

export const byNodeName = (pod: Pod): string[] => (pod.spec?.nodeName ? [pod.spec.nodeName] : []);

interface NodeLifecycleOptions {
  /** --node-monitor-grace-period: how long a node may stay silent before it is unreachable. Default 40 s. */
  gracePeriodMs?: number;
  /** --node-monitor-period: how often every node is checked. Default 5 s. */
  monitorPeriodMs?: number;
}

interface Health {
  /** Our own clock when the node last showed a sign of life (a renewed lease or a new heartbeat). */
  probeTimestamp: number;
  leaseRenewTime: string;
  readyHeartbeat: string;
}

/**
 * Kubernetes' node lifecycle controller: watches each node's heartbeat (its Lease in
 * kube-node-lease, and the Ready condition's heartbeat) on its own clock, so clock skew between
 * machines does not matter; a node silent for the grace period gets Unknown conditions and the
 * pods on it are marked not ready; nodes carry the not-ready / unreachable / unschedulable taints
 * their state calls for, and lose them when they recover.
 */
export class NodeLifecycleController extends QueueController {
  private readonly nodes: Informer<Node>;
  private readonly leases: Informer<Lease>;
  private readonly pods: Informer<Pod>;
  private readonly health = new Map<string, Health>();
  /** The Ready status each node had when we last looked, to report the change to NotReady once. */
  private readonly observedReady = new Map<string, string>();
  private readonly recorder: EventRecorder;
  private readonly gracePeriodMs: number;

  constructor(ctx: ControllerContext, options: NodeLifecycleOptions = {}) {
    // The monitor only enqueues: a node that stops sending anything is still looked at.
    super('nodelifecycle', ctx, { workers: 1, resyncPeriodMs: options.monitorPeriodMs ?? 5_000 });
    this.nodes = ctx.informers.informerFor('node');
    this.leases = ctx.informers.informerFor('lease', { namespace: NODE_LEASE_NAMESPACE });
    this.pods = ctx.informers.informerFor('pod');
    ensureIndex(this.pods.store, NODE_NAME_INDEX, byNodeName);
    this.recorder = ctx.recorder('node-controller');
    this.gracePeriodMs = options.gracePeriodMs ?? 40_000;
  }

  protected handlers(): HandlerRegistration[] {
    const enqueue = (obj: Node | Lease): void => this.queue.add(obj.metadata?.name ?? '');
    return [
      () => this.nodes.addEventHandler(onEveryChange(enqueue)),
      () => this.leases.addEventHandler(onAddOrUpdate(enqueue)),
    ];
  }

  protected override resyncKeys(): Iterable<string> {
    return this.nodes.store.listKeys();
  }

  async sync(name: string): Promise<void> {
    const cached = this.nodes.store.get(name);
    if (!cached) {
      this.health.delete(name);
      this.observedReady.delete(name);
      return;
    }
    const now = this.ctx.now();
    let node = cached;
    if (this.silentFor(node, now) > this.gracePeriodMs) {
      const conditions = unknownConditions(node, now);
      if (conditions) {
        node = await this.ctx.client.resource('node').updateStatus({ ...node, status: { ...node.status, conditions } });
        this.log.info({ node: name }, 'node stopped posting status; conditions set to Unknown');
      }
    }
    const ready = readyCondition(node)?.status ?? '';
    if (this.observedReady.get(name) === 'True' && ready !== 'True') recordNodeStatusChange(this.recorder, name, 'NodeNotReady');
    this.observedReady.set(name, ready);
    if (readyCondition(node) && readyCondition(node)?.status !== 'True') await this.markPodsNotReady(name);
    const taints = reconcileTaints(node, lifecycleTaints(node), now);
    if (taints) await this.ctx.client.resource('node').update({ ...node, spec: { ...node.spec, taints } });
  }

  /** How long since the node last showed a sign of life, on our clock. */
  private silentFor(node: Node, now: number): number {
    const name = node.metadata?.name ?? '';
    const leaseRenewTime = this.leases.store.get(`${NODE_LEASE_NAMESPACE}/${name}`)?.spec?.renewTime ?? '';
    const readyHeartbeat = readyCondition(node)?.lastHeartbeatTime ?? '';
    const seen = this.health.get(name);
    if (!seen || seen.leaseRenewTime !== leaseRenewTime || seen.readyHeartbeat !== readyHeartbeat) {
      this.health.set(name, { probeTimestamp: now, leaseRenewTime, readyHeartbeat });
      return 0;
    }
    return now - seen.probeTimestamp;
  }

  /** Kubernetes' MarkPodsNotReady: pods on a node that is not ready stop counting as ready (and leave Service endpoints). */
  private async markPodsNotReady(nodeName: string): Promise<void> {
    const time = formatTime(this.ctx.now());
    for (const pod of this.pods.store.listByIndex(NODE_NAME_INDEX, nodeName)) {
      if (!isPodReady(pod) || pod.metadata?.deletionTimestamp) continue;
      const meta = pod.metadata ?? {};
      const status = { conditions: [{ type: 'Ready', status: 'False', lastTransitionTime: time }] };
      try {
        await this.ctx.client.resource('pod').patch(meta.namespace ?? '', meta.name ?? '', { metadata: { uid: meta.uid }, status }, { type: 'strategic', status: true });
        this.recorder.event({ kind: 'Pod', apiVersion: 'v1', namespace: meta.namespace ?? '', name: meta.name ?? '', uid: meta.uid ?? '' }, 'Warning', 'NodeNotReady', 'Node is not ready');
      } catch (err) {
        if (!isApiError(err, 'NotFound') && !isApiError(err, 'Conflict')) throw err;
      }
    }
  }
}
