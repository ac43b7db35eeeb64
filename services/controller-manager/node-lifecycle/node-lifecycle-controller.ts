import type { Logger } from 'pino';
import { isApiError } from '../../../lib/api/errors.js';
import type { Lease, Node, Pod } from '../../../lib/api/generated/index.js';
import { formatTime } from '../../../lib/client/api-time.js';
import type { EventRecorder } from '../../../lib/events/event-recorder.js';
import type { Informer } from '../../../lib/informer/informer.js';
import { RateLimitingQueue } from '../../../lib/workqueue/index.js';
import { ensureIndex, runQueueLoop, type Controller, type ControllerContext } from '../shared/controller.js';
import { isPodReady } from '../shared/pod-util.js';
import { lifecycleTaints, readyCondition, reconcileTaints, unknownConditions } from './node-taints.js';

export const NODE_LEASE_NAMESPACE = 'kube-node-lease';
/** Index of pods by spec.nodeName. */
export const NODE_NAME_INDEX = 'nodeName';

export const byNodeName = (pod: Pod): string[] => (pod.spec?.nodeName ? [pod.spec.nodeName] : []);

export interface NodeLifecycleOptions {
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
export class NodeLifecycleController implements Controller {
  readonly name = 'nodelifecycle';
  private readonly nodes: Informer<Node>;
  private readonly leases: Informer<Lease>;
  private readonly pods: Informer<Pod>;
  private readonly queue = new RateLimitingQueue();
  private readonly health = new Map<string, Health>();
  /** The Ready status each node had when we last looked, to report the change to NotReady once. */
  private readonly observedReady = new Map<string, string>();
  private readonly recorder: EventRecorder;
  private readonly log: Logger;
  private readonly gracePeriodMs: number;
  private readonly monitorPeriodMs: number;

  constructor(
    private readonly ctx: ControllerContext,
    options: NodeLifecycleOptions = {},
  ) {
    this.nodes = ctx.informers.informerFor('node');
    this.leases = ctx.informers.informerFor('lease', { namespace: NODE_LEASE_NAMESPACE });
    this.pods = ctx.informers.informerFor('pod');
    ensureIndex(this.pods.store, NODE_NAME_INDEX, byNodeName);
    this.recorder = ctx.recorder('node-controller');
    this.log = ctx.log.child({ controller: this.name });
    this.gracePeriodMs = options.gracePeriodMs ?? 40_000;
    this.monitorPeriodMs = options.monitorPeriodMs ?? 5_000;
  }

  async run(signal: AbortSignal): Promise<void> {
    const enqueue = (obj: Node | Lease): void => this.queue.add(obj.metadata?.name ?? '');
    // The monitor only enqueues: a node that stops sending anything is still looked at.
    const ticker = setInterval(() => {
      for (const name of this.nodes.store.listKeys()) this.queue.add(name);
    }, this.monitorPeriodMs);
    try {
      await runQueueLoop(
        {
          queue: this.queue,
          workers: 1,
          sync: (key) => this.sync(key),
          log: this.log,
          register: [
            () => this.nodes.addEventHandler({ onAdd: enqueue, onUpdate: (_o, cur) => enqueue(cur), onDelete: enqueue }),
            () => this.leases.addEventHandler({ onAdd: enqueue, onUpdate: (_o, cur) => enqueue(cur) }),
          ],
        },
        signal,
      );
    } finally {
      clearInterval(ticker);
    }
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
    if (this.observedReady.get(name) === 'True' && ready !== 'True') this.recordStatusChange(node, 'NodeNotReady');
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

  private recordStatusChange(node: Node, status: string): void {
    const name = node.metadata?.name ?? '';
    this.recorder.event({ kind: 'Node', apiVersion: 'v1', namespace: '', name, uid: name }, 'Normal', status, `Node ${name} status is now: ${status}`);
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
