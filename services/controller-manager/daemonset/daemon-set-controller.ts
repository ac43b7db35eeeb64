import { isDeepStrictEqual } from 'node:util';
import { isApiError } from '../../../lib/api/errors.js';
import type { ControllerRevision, DaemonSet, DaemonSetStatus, Node, Pod } from '../../../lib/api/generated/index.js';
import { keyOf } from '../../../lib/client/keys.js';
import type { ResourceClient } from '../../../lib/client/resource-client.js';
import type { EventRecorder } from '../../../lib/events/event-recorder.js';
import type { Informer } from '../../../lib/informer/informer.js';
import { NAMESPACE_INDEX } from '../../../lib/informer/store.js';
import { LabelSelectorError, selectorFromLabelSelector, type Selector } from '../../../lib/labels/selector.js';
import { CONTROLLER_REVISION_HASH_LABEL, ControllerHistory, revisionHash } from '../common/controller-history.js';
import { claimObjects, type OwnerKind } from '../common/controller-ref.js';
import type { ControllerContext } from '../common/controller.js';
import { Expectations } from '../common/expectations.js';
import { involvedObject } from '../common/indexes.js';
import { ownerKeysFor } from '../common/owner-keys.js';
import { createPods, deletePods, podFromTemplate } from '../common/pod-control.js';
import { onEveryChange, onRelatedChange, QueueController, type HandlerRegistration } from '../common/queue-controller.js';
import { daemonPodSpec, nodeShouldRunDaemonPod, targetNodeName } from './daemon-pod-spec.js';
import { managePlan, podsByNode, rollingLimits, rollingUpdatePlan, type NodePlan } from './daemon-set-plan.js';
import { calculateStatus, nextAvailabilityCheckMs, statusNeedsUpdate } from './daemon-set-status.js';

export const DAEMON_SET_KIND: OwnerKind = { kind: 'DaemonSet', apiVersion: 'apps/v1' };

interface DaemonSetControllerOptions {
  /** --concurrent-daemonset-syncs; default 2, as in Kubernetes. */
  workers?: number;
  /** Most pods created or deleted in one sync (Kubernetes' BurstReplicas). Default 250. */
  burstReplicas?: number;
}

/** What decides where daemon pods go: a node's labels, taints and name (its status heartbeats do not). */
function placementChanged(old: Node, cur: Node): boolean {
  return !isDeepStrictEqual(old.metadata?.labels ?? {}, cur.metadata?.labels ?? {}) || !isDeepStrictEqual(old.spec ?? {}, cur.spec ?? {});
}

/**
 * Kubernetes' DaemonSet controller: one pod per node that should run the daemon (its node
 * selector, required node affinity and taints; see nodeShouldRunDaemonPod), pinned to that node by
 * node affinity so the scheduler binds it there; pods on nodes that should not run it are
 * deleted. The template's history is kept as ControllerRevisions, and a new template replaces the
 * pods node by node (RollingUpdate) or as they are deleted (OnDelete).
 */
export class DaemonSetController extends QueueController {
  private readonly daemonSets: Informer<DaemonSet>;
  private readonly pods: Informer<Pod>;
  private readonly nodes: Informer<Node>;
  private readonly revisions: Informer<ControllerRevision>;
  private readonly dsClient: ResourceClient<DaemonSet>;
  private readonly podClient: ResourceClient<Pod>;
  private readonly expectations: Expectations;
  private readonly history: ControllerHistory;
  private readonly recorder: EventRecorder;
  private readonly burstReplicas: number;

  constructor(ctx: ControllerContext, options: DaemonSetControllerOptions = {}) {
    super('daemonset', ctx, { workers: options.workers ?? 2 });
    this.daemonSets = ctx.informers.informerFor('daemonSet');
    this.pods = ctx.informers.informerFor('pod');
    this.nodes = ctx.informers.informerFor('node');
    this.revisions = ctx.informers.informerFor('controllerRevision');
    this.dsClient = ctx.client.resource('daemonSet');
    this.podClient = ctx.client.resource('pod');
    this.expectations = new Expectations(() => this.pods.lastSyncResourceVersion, undefined, () => ctx.now());
    this.history = new ControllerHistory(this.revisions, ctx.client.resource('controllerRevision'), DAEMON_SET_KIND);
    this.recorder = ctx.recorder('daemonset-controller');
    this.burstReplicas = options.burstReplicas ?? 250;
  }

  protected handlers(): HandlerRegistration[] {
    const enqueueOwners = (obj: Pod | ControllerRevision): void => {
      for (const key of ownerKeysFor(obj, DAEMON_SET_KIND, this.daemonSets.store, selectorOf)) this.queue.add(key);
    };
    return [
      () => this.daemonSets.addEventHandler(onEveryChange((ds) => this.queue.add(keyOf(ds)))),
      () => this.pods.addEventHandler(onRelatedChange(enqueueOwners)),
      () => this.revisions.addEventHandler(onRelatedChange(enqueueOwners)),
      () =>
        this.nodes.addEventHandler({
          onAdd: () => this.enqueueAll(),
          onUpdate: (old, cur) => {
            if (placementChanged(old, cur)) this.enqueueAll();
          },
          onDelete: () => this.enqueueAll(),
        }),
    ];
  }

  private enqueueAll(): void {
    for (const ds of this.daemonSets.store.list()) this.queue.add(keyOf(ds));
  }

  async sync(key: string): Promise<void> {
    const ds = this.daemonSets.store.get(key);
    if (!ds) {
      this.expectations.forget(key);
      return;
    }
    let selector: Selector;
    try {
      selector = selectorOf(ds);
    } catch (err) {
      // Retrying cannot fix a selector; the next edit of the object brings it back.
      if (err instanceof LabelSelectorError) {
        this.log.warn({ key, err: err.message }, 'invalid selector');
        return;
      }
      throw err;
    }
    // Being deleted: the garbage collector removes its pods and revisions.
    if (ds.metadata?.deletionTimestamp) return;
    if (selector.empty()) {
      this.recorder.event(involvedObject(ds, DAEMON_SET_KIND), 'Warning', 'SelectingAll', 'This daemon set is selecting all pods. A non-empty selector is required.');
      return;
    }
    const readOwner = () => this.readFresh(ds);
    const revisions = await this.history.claim(ds, selector, readOwner);
    const { revision: current, collisionCount } = await this.history.updateRevision(ds, revisions);
    const hash = revisionHash(current);
    const daemonPods = async (): Promise<Pod[]> => {
      const candidates = this.pods.store.listByIndex(NAMESPACE_INDEX, ds.metadata?.namespace ?? '');
      return claimObjects(candidates, { owner: ds, ownerKind: DAEMON_SET_KIND, selector, resource: this.podClient, readOwner });
    };
    const pods = await daemonPods();
    const nodes = this.nodes.store.list();
    const byNode = podsByNode(pods);
    const now = this.ctx.now();

    if (this.expectations.satisfied(key)) {
      await this.syncNodes(key, ds, managePlan(ds, nodes, byNode, hash), hash);
      // Only once the cache shows what manage did, and from the cache as it is now: acting on
      // the picture from before manage would count a node whose pod was just replaced as whole.
      if (this.expectations.satisfied(key) && ds.spec?.updateStrategy?.type === 'RollingUpdate') {
        const desired = nodes.filter((n) => nodeShouldRunDaemonPod(n, ds).shouldRun).length;
        const fresh = podsByNode(await daemonPods());
        await this.syncNodes(key, ds, rollingUpdatePlan(ds, nodes, fresh, hash, rollingLimits(ds, desired), now), hash);
      }
      await this.cleanupHistory(ds, revisions, current, pods);
    }

    const status: DaemonSetStatus = { ...calculateStatus(ds, nodes, byNode, hash, now), observedGeneration: ds.metadata?.generation ?? 0 };
    if (collisionCount > 0) status.collisionCount = collisionCount;
    await this.updateStatus(ds, status);
    const wait = nextAvailabilityCheckMs(ds, pods, now);
    // A little past the exact moment, so the pod is clearly available when we look again.
    if (wait !== undefined) this.queue.addAfter(key, wait + 100);
  }

  private async readFresh(ds: DaemonSet): Promise<DaemonSet | undefined> {
    try {
      return await this.dsClient.get(ds.metadata?.namespace ?? '', ds.metadata?.name ?? '');
    } catch (err) {
      if (isApiError(err, 'NotFound')) return undefined;
      throw err;
    }
  }

  /** Kubernetes' syncNodes: creates the missing pods in slow-start batches and deletes the others, at most burstReplicas of each. */
  private async syncNodes(key: string, ds: DaemonSet, plan: NodePlan, hash: string): Promise<void> {
    const owner = involvedObject(ds, DAEMON_SET_KIND);
    for (const pod of plan.failedPods) {
      const message = `Found failed daemon pod ${pod.metadata?.namespace}/${pod.metadata?.name} on node ${targetNodeName(pod) ?? ''}, will try to kill it`;
      this.recorder.event(owner, 'Warning', 'FailedDaemonPod', message);
    }
    const toCreate = plan.nodesNeedingPods.slice(0, this.burstReplicas);
    const toDelete = plan.podsToDelete.slice(0, this.burstReplicas);
    const control = { pods: this.podClient, recorder: this.recorder, owner };
    const written = (pod: Pod): void => this.expectations.expectWrite(key, pod);
    let next = 0;
    const creating = createPods(control, toCreate.length, () => this.newPod(ds, toCreate[next++]!, hash), written);
    const deleting = deletePods(control, toDelete, written);
    const [created, deleted] = await Promise.allSettled([creating, deleting]);
    if (created.status === 'rejected') throw created.reason;
    if (deleted.status === 'rejected') throw deleted.reason;
  }

  private newPod(ds: DaemonSet, nodeName: string, hash: string): Pod {
    const pod = podFromTemplate(ds.spec?.template, ds, DAEMON_SET_KIND, daemonPodSpec(ds, nodeName));
    pod.metadata!.generateName = `${ds.metadata?.name ?? ''}-`;
    pod.metadata!.labels = { ...pod.metadata!.labels, [CONTROLLER_REVISION_HASH_LABEL]: hash };
    return pod;
  }

  /** Kubernetes' cleanupHistory: old revisions beyond revisionHistoryLimit go, unless a pod still runs them. */
  private async cleanupHistory(ds: DaemonSet, revisions: readonly ControllerRevision[], current: ControllerRevision, pods: readonly Pod[]): Promise<void> {
    const live = new Set(pods.map((p) => p.metadata?.labels?.[CONTROLLER_REVISION_HASH_LABEL]));
    const keep = new Set([current.metadata?.name ?? '', ...revisions.filter((r) => live.has(revisionHash(r))).map((r) => r.metadata?.name ?? '')]);
    await this.history.truncate(revisions, keep, ds.spec?.revisionHistoryLimit ?? 10);
  }

  private async updateStatus(ds: DaemonSet, status: DaemonSetStatus): Promise<void> {
    if (!statusNeedsUpdate(ds, status)) return;
    try {
      await this.dsClient.updateStatus({ ...ds, metadata: { ...ds.metadata }, status: { ...ds.status, ...status } });
    } catch (err) {
      // Deleted meanwhile: nothing left to report on. Changed meanwhile: the change enqueued another sync.
      if (!isApiError(err, 'NotFound') && !isApiError(err, 'Conflict')) throw err;
    }
  }
}

function selectorOf(ds: DaemonSet): Selector {
  return selectorFromLabelSelector(ds.spec?.selector);
}
