import { isApiError, isGoneOrReplaced } from '../../../lib/api/errors.js';
import type { ControllerRevision, PersistentVolumeClaim, Pod, Service, StatefulSet, StatefulSetStatus } from '../../../lib/api/generated/index.js';
import { keyFor, keyOf } from '../../../lib/client/keys.js';
import type { ResourceClient } from '../../../lib/client/resource-client.js';
import type { EventRecorder, InvolvedObject } from '../../../lib/events/event-recorder.js';
import type { Informer } from '../../../lib/informer/informer.js';
import { NAMESPACE_INDEX } from '../../../lib/informer/store.js';
import { LabelSelectorError, selectorFromLabelSelector, type Selector } from '../../../lib/labels/selector.js';
import { ControllerHistory } from '../common/controller-history.js';
import { claimObjects } from '../common/controller-ref.js';
import type { ControllerContext } from '../common/controller.js';
import { Expectations } from '../common/expectations.js';
import { involvedObject } from '../common/indexes.js';
import { ownerKeysFor } from '../common/owner-keys.js';
import { createPods, deletePods, type PodControl } from '../common/pod-control.js';
import { isPodAvailable, isPodTerminal, msUntilAvailable } from '../common/pod-util.js';
import { onEveryChange, onRelatedChange, QueueController, type HandlerRegistration } from '../common/queue-controller.js';
import { claimsFor, newStatefulPod, ordinalOf, podRevision, STATEFUL_SET_KIND } from './stateful-pod.js';
import { calculateStatus, isRunningAndReady, statusNeedsUpdate } from './stateful-set-status.js';

interface StatefulSetControllerOptions {
  /** --concurrent-statefulset-syncs; default 5. */
  workers?: number;
}

/** The revisions one sync works with: the one existing pods are rolled from and the one they are rolled to. */
interface Revisions {
  current: ControllerRevision;
  update: ControllerRevision;
}

/**
 * Kubernetes' StatefulSet controller: pods `<set>-<ordinal>` with stable names, hostnames and
 * claims. OrderedReady creates them in ordinal order, each once the one before is running and
 * ready, and removes them from the highest ordinal down, one at a time; Parallel does both at
 * once. A new template is rolled out from the highest ordinal down to the partition, one pod at
 * a time (RollingUpdate), or only as pods are deleted (OnDelete). Claims stay when pods go.
 */
export class StatefulSetController extends QueueController {
  private readonly sets: Informer<StatefulSet>;
  private readonly pods: Informer<Pod>;
  private readonly claims: Informer<PersistentVolumeClaim>;
  private readonly services: Informer<Service>;
  private readonly revisions: Informer<ControllerRevision>;
  private readonly setClient: ResourceClient<StatefulSet>;
  private readonly podClient: ResourceClient<Pod>;
  private readonly claimClient: ResourceClient<PersistentVolumeClaim>;
  private readonly expectations: Expectations;
  private readonly history: ControllerHistory;
  private readonly recorder: EventRecorder;
  /** Sets (uid/serviceName) already warned about a missing Service, so the warning is not repeated at every sync. */
  private readonly warnedMissingService = new Set<string>();

  constructor(ctx: ControllerContext, options: StatefulSetControllerOptions = {}) {
    super('statefulset', ctx, { workers: options.workers ?? 5 });
    this.sets = ctx.informers.informerFor('statefulSet');
    this.pods = ctx.informers.informerFor('pod');
    this.claims = ctx.informers.informerFor('persistentVolumeClaim');
    this.services = ctx.informers.informerFor('service');
    this.setClient = ctx.client.resource('statefulSet');
    this.podClient = ctx.client.resource('pod');
    this.claimClient = ctx.client.resource('persistentVolumeClaim');
    this.expectations = new Expectations(() => this.pods.lastSyncResourceVersion, undefined, () => ctx.now());
    this.revisions = ctx.informers.informerFor('controllerRevision');
    this.history = new ControllerHistory(this.revisions, ctx.client.resource('controllerRevision'), STATEFUL_SET_KIND);
    this.recorder = ctx.recorder('statefulset-controller');
  }

  protected handlers(): HandlerRegistration[] {
    const enqueueOwners = (obj: Pod | ControllerRevision): void => {
      for (const key of ownerKeysFor(obj, STATEFUL_SET_KIND, this.sets.store, selectorOf)) this.queue.add(key);
    };
    return [
      () => this.sets.addEventHandler(onEveryChange((set) => this.queue.add(keyOf(set)))),
      () => this.pods.addEventHandler(onRelatedChange(enqueueOwners)),
      () => this.revisions.addEventHandler(onRelatedChange(enqueueOwners)),
    ];
  }

  async sync(key: string): Promise<void> {
    const set = this.sets.store.get(key);
    if (!set) {
      this.expectations.forget(key);
      return;
    }
    let selector: Selector;
    try {
      selector = selectorOf(set);
    } catch (err) {
      // Retrying cannot fix a selector; the next edit of the object brings it back.
      if (err instanceof LabelSelectorError) {
        this.log.warn({ key, err: err.message }, 'invalid selector');
        return;
      }
      throw err;
    }
    // Being deleted: the garbage collector removes its pods and revisions.
    if (set.metadata?.deletionTimestamp || selector.empty()) return;
    this.warnIfServiceMissing(set);
    const readOwner = () => this.readFresh(set);
    const history = await this.history.claim(set, selector, readOwner);
    const { revision: update, collisionCount } = await this.history.updateRevision(set, history);
    const current = history.find((r) => r.metadata?.name === set.status?.currentRevision) ?? update;
    const revisions = { current, update };
    const candidates = this.pods.store.listByIndex(NAMESPACE_INDEX, set.metadata?.namespace ?? '');
    const claimed = await claimObjects(candidates, { owner: set, ownerKind: STATEFUL_SET_KIND, selector, resource: this.podClient, readOwner });
    // Pods the selector matches but not named as this set's are claimed and left alone, as Kubernetes does.
    const pods = claimed.filter((p) => ordinalOf(set, p) !== undefined);
    const now = this.ctx.now();

    if (this.expectations.satisfied(key)) {
      await this.updatePods(key, set, pods, revisions, now);
      const live = new Set(pods.map(podRevision));
      const keep = new Set([current.metadata?.name ?? '', update.metadata?.name ?? '', ...live]);
      await this.history.truncate(history, keep, set.spec?.revisionHistoryLimit ?? 10);
    }

    const status = calculateStatus(set, pods, current.metadata?.name ?? '', update.metadata?.name ?? '', now);
    if (collisionCount > 0) status.collisionCount = collisionCount;
    await this.updateStatus(set, status);
    const minReady = set.spec?.minReadySeconds ?? 0;
    const waits = pods.map((p) => msUntilAvailable(p, minReady, now)).filter((w): w is number => w !== undefined);
    // A little past the exact moment, so the pod is clearly available when we look again.
    if (waits.length > 0) this.queue.addAfter(key, Math.min(...waits) + 100);
  }

  /**
   * Kubernetes' updateStatefulSet: create missing and replace failed pods of the ordinals in
   * range, delete the pods beyond it, then roll the update out. In OrderedReady mode each step
   * returns at the first pod it made, deleted or has to wait for.
   */
  private async updatePods(key: string, set: StatefulSet, pods: readonly Pod[], revisions: Revisions, now: number): Promise<void> {
    const control: PodControl = { pods: this.podClient, recorder: this.recorder, owner: involvedObject(set, STATEFUL_SET_KIND) };
    const written = (pod: Pod): void => this.expectations.expectWrite(key, pod);
    const remove = (pod: Pod): Promise<void> => deletePods(control, [pod], written);
    const spec = set.spec ?? {};
    const start = spec.ordinals?.start ?? 0;
    const end = start + (spec.replicas ?? 1);
    const monotonic = spec.podManagementPolicy !== 'Parallel';
    const rolling = spec.updateStrategy?.type === 'RollingUpdate';
    const partition = start + (rolling ? (spec.updateStrategy?.rollingUpdate?.partition ?? 0) : 0);
    const minReady = spec.minReadySeconds ?? 0;
    const healthy = (pod: Pod): boolean => isRunningAndReady(pod) && !pod.metadata?.deletionTimestamp && isPodAvailable(pod, minReady, now);
    const byOrdinal = new Map(pods.map((p) => [ordinalOf(set, p)!, p]));

    for (let ordinal = start; ordinal < end; ordinal++) {
      const pod = byOrdinal.get(ordinal);
      if (!pod) {
        await this.createPod(control, written, set, ordinal, rolling && ordinal < partition ? revisions.current : revisions.update);
        if (monotonic) return;
        continue;
      }
      if (isPodTerminal(pod) && !pod.metadata?.deletionTimestamp) {
        // Recreated under the same name once it is gone.
        await remove(pod);
        if (monotonic) return;
        continue;
      }
      if (monotonic && !healthy(pod)) return;
    }

    const condemned = pods.filter((p) => ordinalOf(set, p)! >= end || ordinalOf(set, p)! < start).sort((a, b) => ordinalOf(set, b)! - ordinalOf(set, a)!);
    const firstUnhealthy = condemned.find((p) => !healthy(p));
    for (const pod of condemned) {
      if (pod.metadata?.deletionTimestamp) {
        if (monotonic) return;
        continue;
      }
      // One unhealthy pod is replaced or removed before any healthy one goes.
      if (monotonic && firstUnhealthy && firstUnhealthy !== pod) return;
      if (spec.persistentVolumeClaimRetentionPolicy?.whenScaled === 'Delete') await this.handClaimsToPod(set, pod);
      await remove(pod);
      if (monotonic) return;
    }

    if (!rolling) return;
    for (let ordinal = end - 1; ordinal >= partition; ordinal--) {
      const pod = byOrdinal.get(ordinal);
      if (!pod) return;
      if (podRevision(pod) !== revisions.update.metadata?.name && !pod.metadata?.deletionTimestamp) {
        await remove(pod);
        return;
      }
      if (!healthy(pod)) return;
    }
  }

  /** The pod of an ordinal from a revision's template, after its claims (which may exist already from an earlier pod). */
  private async createPod(control: PodControl, written: (pod: Pod) => void, set: StatefulSet, ordinal: number, revision: ControllerRevision): Promise<void> {
    await this.ensureClaims(control.owner, set, ordinal);
    const template = revision.data?.spec?.template ?? set.spec?.template;
    try {
      await createPods(control, 1, () => newStatefulPod(set, template, ordinal, revision.metadata?.name ?? ''), written);
    } catch (err) {
      // The previous pod of that name is still being removed: it is created again once it is gone.
      if (!isApiError(err, 'AlreadyExists')) throw err;
    }
  }

  private async ensureClaims(owner: InvolvedObject, set: StatefulSet, ordinal: number): Promise<void> {
    for (const claim of claimsFor(set, ordinal)) {
      const name = claim.metadata?.name ?? '';
      if (this.claims.store.get(keyFor(claim.metadata?.namespace ?? '', name))) continue;
      try {
        await this.claimClient.create(claim);
        this.recorder.event(owner, 'Normal', 'SuccessfulCreate', `create Claim ${name} Pod ${set.metadata?.name}-${ordinal} in StatefulSet ${owner.name} success`);
      } catch (err) {
        if (isApiError(err, 'AlreadyExists')) continue;
        this.recorder.event(owner, 'Warning', 'FailedCreate', `create Claim ${name} for Pod ${set.metadata?.name}-${ordinal} in StatefulSet ${owner.name} failed error: ${(err as Error).message}`);
        throw err;
      }
    }
  }

  /**
   * With whenScaled: Delete, the claims of a pod removed by a scale-down are made dependents of
   * that pod (as Kubernetes does), so the garbage collector deletes them once the pod is gone.
   */
  private async handClaimsToPod(set: StatefulSet, pod: Pod): Promise<void> {
    const ordinal = ordinalOf(set, pod)!;
    const ref = { apiVersion: 'v1', kind: 'Pod', name: pod.metadata?.name ?? '', uid: pod.metadata?.uid ?? '' };
    for (const claim of claimsFor(set, ordinal)) {
      const meta = claim.metadata ?? {};
      const cached = this.claims.store.get(keyFor(meta.namespace ?? '', meta.name ?? ''));
      if (!cached || cached.metadata?.ownerReferences?.some((r) => r.uid === ref.uid)) continue;
      try {
        await this.claimClient.patch(meta.namespace ?? '', meta.name ?? '', { metadata: { ownerReferences: [ref], uid: cached.metadata?.uid } }, { type: 'strategic' });
      } catch (err) {
        if (!isGoneOrReplaced(err)) throw err;
      }
    }
  }

  /**
   * Kubernetes accepts a StatefulSet whose serviceName names no Service and only warns; its pods
   * then have no DNS names of their own. Here the warning is an event on the set, once per set
   * and service name until the Service appears.
   */
  private warnIfServiceMissing(set: StatefulSet): void {
    const serviceName = set.spec?.serviceName;
    if (!serviceName) return;
    const mark = `${set.metadata?.uid ?? ''}/${serviceName}`;
    if (this.services.store.get(keyFor(set.metadata?.namespace ?? '', serviceName))) {
      this.warnedMissingService.delete(mark);
      return;
    }
    if (this.warnedMissingService.has(mark)) return;
    this.warnedMissingService.add(mark);
    const message = `service "${serviceName}" not found: the pods of StatefulSet ${set.metadata?.name} get no DNS names until a headless Service of that name exists`;
    this.recorder.event(involvedObject(set, STATEFUL_SET_KIND), 'Warning', 'ServiceNotFound', message);
  }

  private async readFresh(set: StatefulSet): Promise<StatefulSet | undefined> {
    try {
      return await this.setClient.get(set.metadata?.namespace ?? '', set.metadata?.name ?? '');
    } catch (err) {
      if (isApiError(err, 'NotFound')) return undefined;
      throw err;
    }
  }

  private async updateStatus(set: StatefulSet, status: StatefulSetStatus): Promise<void> {
    if (!statusNeedsUpdate(set, status)) return;
    try {
      await this.setClient.updateStatus({ ...set, metadata: { ...set.metadata }, status: { ...set.status, ...status } });
    } catch (err) {
      // Deleted meanwhile: nothing left to report on. Changed meanwhile: the change enqueued another sync.
      if (!isApiError(err, 'NotFound') && !isApiError(err, 'Conflict')) throw err;
    }
  }
}

function selectorOf(set: StatefulSet): Selector {
  return selectorFromLabelSelector(set.spec?.selector);
}
