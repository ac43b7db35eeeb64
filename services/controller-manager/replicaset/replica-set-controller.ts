import { isApiError } from '../../../lib/api/errors.js';
import type { Pod, ReplicaSetStatus } from '../../../lib/api/generated/index.js';
import { keyOf } from '../../../lib/client/keys.js';
import type { ResourceClient } from '../../../lib/client/resource-client.js';
import type { EventRecorder } from '../../../lib/events/event-recorder.js';
import type { Informer } from '../../../lib/informer/informer.js';
import { NAMESPACE_INDEX } from '../../../lib/informer/store.js';
import { LabelSelectorError } from '../../../lib/labels/selector.js';
import { claimObjects, controllerOf, newControllerRef } from '../common/controller-ref.js';
import { ensureIndex, type ControllerContext } from '../common/controller.js';
import { Expectations } from '../common/expectations.js';
import { byControllerUid, CONTROLLER_UID_INDEX, involvedObject } from '../common/indexes.js';
import { createPods, deletePods, type PodControl } from '../common/pod-control.js';
import { isPodActive } from '../common/pod-util.js';
import { ownerKeysFor } from '../common/owner-keys.js';
import { onEveryChange, onRelatedChange, QueueController, type HandlerRegistration } from '../common/queue-controller.js';
import { podsToDelete } from './pods-to-delete.js';
import { desiredReplicas, type ReplicaKind, type ReplicaSetLike } from './replica-kind.js';
import { calculateStatus, nextAvailabilityCheckMs, statusNeedsUpdate, type ManageFailure } from './replica-set-status.js';

interface ReplicaSetControllerOptions {
  /** Concurrent syncs (--concurrent-rc-syncs / --concurrent-replicaset-syncs). Default 5. */
  workers?: number;
  /** Most pods created or deleted in one sync (Kubernetes' burstReplicas). Default 500. */
  burstReplicas?: number;
}

/**
 * Kubernetes' ReplicaSetController, which serves ReplicationControllers as well: keeps
 * spec.replicas active pods matching the selector, adopting orphans and releasing pods that stop
 * matching, and reports what it sees in status.
 */
export class ReplicaSetController<T extends ReplicaSetLike> extends QueueController {
  private readonly owners: Informer<T>;
  private readonly pods: Informer<Pod>;
  private readonly ownerClient: ResourceClient<T>;
  private readonly podClient: ResourceClient<Pod>;
  private readonly expectations: Expectations;
  private readonly recorder: EventRecorder;
  private readonly burstReplicas: number;

  constructor(
    ctx: ControllerContext,
    private readonly kind: ReplicaKind<T>,
    options: ReplicaSetControllerOptions = {},
  ) {
    super(kind.controllerName, ctx, { workers: options.workers ?? 5 });
    this.owners = ctx.informers.informerFor(kind.field) as unknown as Informer<T>;
    this.pods = ctx.informers.informerFor('pod');
    ensureIndex(this.pods.store, CONTROLLER_UID_INDEX, byControllerUid);
    ensureIndex(this.owners.store, CONTROLLER_UID_INDEX, byControllerUid);
    this.ownerClient = ctx.client.resource(kind.field) as unknown as ResourceClient<T>;
    this.podClient = ctx.client.resource('pod');
    this.expectations = new Expectations(() => this.pods.lastSyncResourceVersion, undefined, () => ctx.now());
    this.recorder = ctx.recorder(kind.component);
    this.burstReplicas = options.burstReplicas ?? 500;
  }

  protected handlers(): HandlerRegistration[] {
    return [
      () => this.owners.addEventHandler(onEveryChange((owner) => this.queue.add(keyOf(owner)))),
      () =>
        this.pods.addEventHandler(
          onRelatedChange((pod) => {
            for (const key of ownerKeysFor(pod, this.kind.ownerKind, this.owners.store, (owner) => this.kind.selector(owner))) this.queue.add(key);
          }),
        ),
    ];
  }

  async sync(key: string): Promise<void> {
    const rs = this.owners.store.get(key);
    if (!rs) {
      this.expectations.forget(key);
      return;
    }
    let selector;
    try {
      selector = this.kind.selector(rs);
    } catch (err) {
      // Retrying cannot fix a selector; the next edit of the object brings it back.
      if (err instanceof LabelSelectorError) {
        this.log.warn({ key, err: err.message }, 'invalid selector');
        return;
      }
      throw err;
    }
    const namespace = rs.metadata?.namespace ?? '';
    const needsSync = this.expectations.satisfied(key) && !rs.metadata?.deletionTimestamp;
    const active = this.pods.store.listByIndex(NAMESPACE_INDEX, namespace).filter(isPodActive);
    const pods = await claimObjects(active, {
      owner: rs,
      ownerKind: this.kind.ownerKind,
      selector,
      resource: this.podClient,
      readOwner: () => this.readFresh(rs),
    });
    let failure: ManageFailure | undefined;
    let manageError: unknown;
    if (needsSync) {
      try {
        await this.manageReplicas(key, rs, pods);
      } catch (err) {
        manageError = err;
        failure = { reason: pods.length < desiredReplicas(rs) ? 'FailedCreate' : 'FailedDelete', message: (err as Error).message };
      }
    }
    const now = this.ctx.now();
    await this.updateStatus(rs, calculateStatus(rs, pods, failure, now));
    if (manageError) throw manageError;
    const wait = nextAvailabilityCheckMs(rs, pods, now);
    // A little past the exact moment, so the pod is clearly available when we look again.
    if (wait !== undefined) this.queue.addAfter(key, wait + 100);
  }

  private async readFresh(rs: T): Promise<T | undefined> {
    try {
      return await this.ownerClient.get(rs.metadata?.namespace ?? '', rs.metadata?.name ?? '');
    } catch (err) {
      if (isApiError(err, 'NotFound')) return undefined;
      throw err;
    }
  }

  private async manageReplicas(key: string, rs: T, pods: Pod[]): Promise<void> {
    const diff = pods.length - desiredReplicas(rs);
    if (diff < 0) await this.createPods(key, rs, Math.min(-diff, this.burstReplicas));
    else if (diff > 0) await this.deletePods(key, rs, pods, Math.min(diff, this.burstReplicas));
  }

  private control(rs: T): PodControl {
    return { pods: this.podClient, recorder: this.recorder, owner: involvedObject(rs, this.kind.ownerKind) };
  }

  private async createPods(key: string, rs: T, count: number): Promise<void> {
    await createPods(this.control(rs), count, () => this.podFromTemplate(rs), (pod) => this.expectations.expectWrite(key, pod));
  }

  private podFromTemplate(rs: T): Pod {
    const meta = rs.metadata ?? {};
    const template = rs.spec?.template ?? {};
    const pod: Pod = {
      metadata: {
        generateName: `${meta.name ?? ''}-`,
        namespace: meta.namespace ?? '',
        labels: { ...template.metadata?.labels },
        ownerReferences: [newControllerRef(rs, this.kind.ownerKind)],
      },
      spec: structuredClone(template.spec ?? {}),
    };
    if (template.metadata?.annotations) pod.metadata!.annotations = { ...template.metadata.annotations };
    if (template.metadata?.finalizers?.length) pod.metadata!.finalizers = [...template.metadata.finalizers];
    return pod;
  }

  private async deletePods(key: string, rs: T, pods: Pod[], count: number): Promise<void> {
    const victims = podsToDelete(pods, this.relatedPods(rs, pods), count);
    await deletePods(this.control(rs), victims, (pod) => this.expectations.expectWrite(key, pod));
  }

  /** The pods of this owner and of its siblings under the same controller (a Deployment's ReplicaSets). */
  private relatedPods(rs: T, own: Pod[]): Pod[] {
    const parent = controllerOf(rs);
    if (!parent?.uid) return own;
    const namespace = rs.metadata?.namespace ?? '';
    const siblings = this.owners.store.listByIndex(CONTROLLER_UID_INDEX, parent.uid).filter((s) => s.metadata?.namespace === namespace);
    return siblings.flatMap((s) => this.pods.store.listByIndex(CONTROLLER_UID_INDEX, s.metadata?.uid ?? ''));
  }

  private async updateStatus(rs: T, status: ReplicaSetStatus): Promise<void> {
    if (!statusNeedsUpdate(rs, status)) return;
    const next = { ...rs, metadata: { ...rs.metadata }, status: { ...status, observedGeneration: rs.metadata?.generation ?? 0 } } as T;
    try {
      await this.ownerClient.updateStatus(next);
    } catch (err) {
      // Deleted meanwhile: nothing left to report on.
      if (!isApiError(err, 'NotFound')) throw err;
    }
  }
}
