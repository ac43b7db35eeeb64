import type { Logger } from 'pino';
import { isApiError, isGoneOrReplaced } from '../../../lib/api/errors.js';
import type { Deployment, Pod, ReplicaSet } from '../../../lib/api/generated/index.js';
import type { ApiClient } from '../../../lib/client/client.js';
import type { ResourceClient } from '../../../lib/client/resource-client.js';
import type { EventRecorder } from '../../../lib/events/event-recorder.js';
import { POD_TEMPLATE_HASH_LABEL, REVISION_ANNOTATION } from '../../../lib/deployment/annotations.js';
import { templatesEqual } from '../../../lib/deployment/pod-template.js';
import { controllerOf, newControllerRef, type OwnerKind } from '../common/controller-ref.js';
import { involvedObject } from '../common/indexes.js';
import {
  desiredReplicasAnnotation,
  maxReplicasAnnotation,
  maxRevision,
  replicasAnnotationsNeedUpdate,
  setDeploymentRevision,
  setNewReplicaSetAnnotations,
  setReplicasAnnotations,
} from './annotations.js';
import {
  calculateStatus,
  deploymentComplete,
  FAILED_RS_CREATE_REASON,
  FOUND_NEW_RS_REASON,
  getCondition,
  hasProgressDeadline,
  newCondition,
  NEW_RS_REASON,
  PAUSED_REASON,
  progressDeadline,
  PROGRESSING,
  RESUMED_REASON,
  rolloutStatus,
  setCondition,
  statusEqual,
  TIMED_OUT_REASON,
} from './deployment-status.js';
import { isRollingUpdate, maxSurge, maxUnavailable } from './fenceposts.js';
import { computePodTemplateHash } from '../common/template-hash.js';
import { activeOrLatest, byCreation, byRevision, bySizeNewer, bySizeOlder, isActive, isSaturated, specReplicas, splitNewAndOld, sumAvailableKept, sumSpecReplicas, sumStatus } from './replica-sets.js';

export const DEPLOYMENT_KIND: OwnerKind = { kind: 'Deployment', apiVersion: 'apps/v1' };

/** The ReplicaSets of one sync: the one running the current template (if any) and the others. */
interface ReplicaSets {
  newRS: ReplicaSet | undefined;
  oldRSs: ReplicaSet[];
}

interface DeploymentSyncOptions {
  client: ApiClient;
  recorder: EventRecorder;
  log: Logger;
  now(): number;
  /** Asks for another sync of the deployment later (progress deadline checks). */
  requeueAfter(deployment: Deployment, ms: number): void;
}

/** A create refused because a different ReplicaSet already has the name; the collision count moved on, so the next sync picks another. */
class HashCollisionError extends Error {
  override readonly name = 'HashCollisionError';
}

/**
 * One sync of one Deployment, as Kubernetes' deployment controller does it: revisions kept on the
 * ReplicaSets, proportional scaling, the RollingUpdate and Recreate strategies, history cleanup,
 * and status. Works on copies: `d` is this sync's view of the Deployment, replaced by whatever
 * the API returns after each write.
 */
export class DeploymentSync {
  private readonly replicaSets: ResourceClient<ReplicaSet>;
  private readonly deployments: ResourceClient<Deployment>;

  constructor(
    private readonly o: DeploymentSyncOptions,
    private d: Deployment,
    private readonly rsList: readonly ReplicaSet[],
    /** Pods by the uid of the ReplicaSet controlling them (for Recreate). */
    private readonly podsByRs: ReadonlyMap<string, readonly Pod[]>,
  ) {
    this.replicaSets = o.client.resource('replicaSet');
    this.deployments = o.client.resource('deployment');
  }

  async run(): Promise<void> {
    if (this.d.metadata?.deletionTimestamp) {
      await this.syncStatusOnly();
      return;
    }
    await this.checkPausedConditions();
    const rs = await this.syncRevisions();
    if (this.d.spec?.paused || this.isScalingEvent(rs)) {
      await this.scaleOnly(rs);
      return;
    }
    if (isRollingUpdate(this.d)) await this.rolloutRolling(rs);
    else await this.rolloutRecreate(rs);
  }

  private get replicas(): number {
    return this.d.spec?.replicas ?? 1;
  }

  private event(reason: string, message: string, type: 'Normal' | 'Warning' = 'Normal'): void {
    this.o.recorder.event(involvedObject(this.d, DEPLOYMENT_KIND), type, reason, message);
  }

  // --- writes of the Deployment itself -------------------------------------------------------

  /** Metadata changes (the revision annotation) go through Update; the status in hand is kept for the status write. */
  private async updateMeta(): Promise<void> {
    const status = this.d.status;
    const updated = await this.deployments.update(this.d);
    this.d = { ...updated, status };
  }

  private async updateStatus(): Promise<void> {
    this.d = await this.deployments.updateStatus(this.d);
  }

  private async checkPausedConditions(): Promise<void> {
    if (!hasProgressDeadline(this.d)) return;
    const cond = getCondition(this.d.status, PROGRESSING);
    if (cond?.reason === TIMED_OUT_REASON) return;
    const pausedShown = cond?.reason === PAUSED_REASON;
    const status = (this.d.status ??= {});
    if (this.d.spec?.paused && !pausedShown) {
      setCondition(status, newCondition(PROGRESSING, 'Unknown', PAUSED_REASON, 'Deployment is paused', this.o.now()));
    } else if (!this.d.spec?.paused && pausedShown) {
      setCondition(status, newCondition(PROGRESSING, 'Unknown', RESUMED_REASON, 'Deployment is resumed', this.o.now()));
    } else return;
    await this.updateStatus();
  }

  // --- revisions -------------------------------------------------------------------------------

  /**
   * Kubernetes' getAllReplicaSetsAndSyncRevision without creating: the new ReplicaSet (if one
   * runs the current template) gets the next revision and the Deployment's annotations, and the
   * Deployment gets its revision.
   */
  private async syncRevisions(): Promise<ReplicaSets> {
    const { newRS, oldRSs } = splitNewAndOld(this.d, this.rsList);
    if (!newRS) return { newRS, oldRSs };
    const newRevision = maxRevision(oldRSs) + 1;
    let current = newRS;
    const copy = structuredClone(newRS);
    const annotationsChanged = setNewReplicaSetAnnotations(this.d, copy, newRevision, true, maxSurge(this.d));
    const minReady = this.d.spec?.minReadySeconds ?? 0;
    if (annotationsChanged || (copy.spec?.minReadySeconds ?? 0) !== minReady) {
      copy.spec = { ...copy.spec, minReadySeconds: minReady };
      current = await this.replicaSets.update(copy);
    }
    if (setDeploymentRevision(this.d, current.metadata?.annotations?.[REVISION_ANNOTATION] ?? '')) await this.updateMeta();
    if (hasProgressDeadline(this.d) && !getCondition(this.d.status, PROGRESSING)) {
      setCondition((this.d.status ??= {}), newCondition(PROGRESSING, 'True', FOUND_NEW_RS_REASON, `Found new replica set "${current.metadata?.name ?? ''}"`, this.o.now()));
      await this.updateStatus();
    }
    return { newRS: current, oldRSs };
  }

  /** Creates the ReplicaSet for the current template, named `<deployment>-<pod-template-hash>`. */
  private async createNewReplicaSet(oldRSs: ReplicaSet[]): Promise<ReplicaSet> {
    const d = this.d;
    const meta = d.metadata ?? {};
    const hash = computePodTemplateHash(d.spec?.template, d.status?.collisionCount);
    const template = structuredClone(d.spec?.template ?? {});
    template.metadata = { ...template.metadata, labels: { ...template.metadata?.labels, [POD_TEMPLATE_HASH_LABEL]: hash } };
    const selector = structuredClone(d.spec?.selector ?? {});
    selector.matchLabels = { ...selector.matchLabels, [POD_TEMPLATE_HASH_LABEL]: hash };
    const newRS: ReplicaSet = {
      metadata: {
        name: `${meta.name ?? ''}-${hash}`,
        namespace: meta.namespace ?? '',
        ownerReferences: [newControllerRef(d, DEPLOYMENT_KIND)],
        labels: { ...template.metadata.labels },
      },
      spec: { replicas: 0, minReadySeconds: d.spec?.minReadySeconds ?? 0, selector, template },
    };
    const newReplicas = this.newRSReplicas([...oldRSs, newRS], newRS);
    newRS.spec!.replicas = newReplicas;
    const newRevision = maxRevision(oldRSs) + 1;
    setNewReplicaSetAnnotations(d, newRS, newRevision, false, maxSurge(d));

    let created: ReplicaSet;
    let existed = false;
    try {
      created = await this.replicaSets.create(newRS);
    } catch (err) {
      if (isApiError(err, 'AlreadyExists')) {
        const existing = await this.replicaSets.get(meta.namespace ?? '', newRS.metadata!.name!);
        const ref = controllerOf(existing);
        if (!(ref?.uid === meta.uid && templatesEqual(existing.spec?.template, d.spec?.template))) {
          const status = (this.d.status ??= {});
          status.collisionCount = (status.collisionCount ?? 0) + 1;
          await this.updateStatus();
          throw new HashCollisionError(`replica set ${newRS.metadata!.name} already exists with another template; collision count is now ${status.collisionCount}`);
        }
        created = existing;
        existed = true;
      } else {
        if (!(isApiError(err, 'Forbidden') && /being terminated/.test((err as Error).message))) {
          const msg = `Failed to create new replica set "${newRS.metadata!.name}": ${(err as Error).message}`;
          if (hasProgressDeadline(d)) {
            setCondition((this.d.status ??= {}), newCondition(PROGRESSING, 'False', FAILED_RS_CREATE_REASON, msg, this.o.now()));
            await this.updateStatus().catch(() => undefined);
          }
          this.event(FAILED_RS_CREATE_REASON, msg, 'Warning');
        }
        throw err;
      }
    }
    if (!existed && newReplicas > 0) this.event('ScalingReplicaSet', `Scaled up replica set ${created.metadata?.name ?? ''} to ${newReplicas}`);
    if (setDeploymentRevision(this.d, String(newRevision))) await this.updateMeta();
    if (!existed && hasProgressDeadline(this.d)) {
      setCondition((this.d.status ??= {}), newCondition(PROGRESSING, 'True', NEW_RS_REASON, `Created new replica set "${created.metadata?.name ?? ''}"`, this.o.now()));
      await this.updateStatus();
    }
    return created;
  }

  /** How big the new ReplicaSet may be now (Kubernetes' NewRSNewReplicas). */
  private newRSReplicas(allRSs: readonly ReplicaSet[], newRS: ReplicaSet): number {
    if (!isRollingUpdate(this.d)) return this.replicas;
    const current = sumSpecReplicas(allRSs);
    const maxTotal = this.replicas + maxSurge(this.d);
    if (current >= maxTotal) return specReplicas(newRS);
    const scaleUp = Math.min(maxTotal - current, this.replicas - specReplicas(newRS));
    return specReplicas(newRS) + scaleUp;
  }

  // --- scaling ---------------------------------------------------------------------------------

  /** A ReplicaSet with replicas sized for another replica count than the Deployment's: someone scaled the Deployment. */
  private isScalingEvent(rs: ReplicaSets): boolean {
    for (const set of [...rs.oldRSs, rs.newRS].filter(isActive)) {
      const desired = desiredReplicasAnnotation(set);
      if (desired !== undefined && desired !== this.replicas) return true;
    }
    return false;
  }

  /** Sets a ReplicaSet's size (and the replica annotations); returns the stored object and whether the size changed. */
  private async scaleReplicaSet(rs: ReplicaSet, newScale: number, operation: 'up' | 'down'): Promise<{ rs: ReplicaSet; scaled: boolean }> {
    const sizeChanged = specReplicas(rs) !== newScale;
    const max = this.replicas + maxSurge(this.d);
    if (!sizeChanged && !replicasAnnotationsNeedUpdate(rs, this.replicas, max)) return { rs, scaled: false };
    const copy = structuredClone(rs);
    copy.spec = { ...copy.spec, replicas: newScale };
    setReplicasAnnotations(copy, this.replicas, max);
    const updated = await this.replicaSets.update(copy);
    if (sizeChanged) this.event('ScalingReplicaSet', `Scaled ${operation} replica set ${updated.metadata?.name ?? ''} to ${newScale}`);
    return { rs: updated, scaled: sizeChanged };
  }

  private async scaleAndRecord(rs: ReplicaSet, newScale: number): Promise<{ rs: ReplicaSet; scaled: boolean }> {
    if (specReplicas(rs) === newScale) return { rs, scaled: false };
    return this.scaleReplicaSet(rs, newScale, specReplicas(rs) < newScale ? 'up' : 'down');
  }

  /**
   * Kubernetes' scale: one active ReplicaSet takes the new size; a saturated new one lets the old
   * ones go; during a rolling update the change is spread over the ReplicaSets in proportion to
   * their size, so a rollout in progress keeps its shape.
   */
  private async scale(rs: ReplicaSets): Promise<ReplicaSets> {
    const only = activeOrLatest(rs.newRS, rs.oldRSs);
    if (only) {
      if (specReplicas(only) === this.replicas) return rs;
      const { rs: scaled } = await this.scaleAndRecord(only, this.replicas);
      return replaceIn(rs, only, scaled);
    }
    if (isSaturated(this.d, rs.newRS)) {
      let out = rs;
      for (const old of rs.oldRSs.filter(isActive)) out = replaceIn(out, old, (await this.scaleAndRecord(old, 0)).rs);
      return out;
    }
    if (!isRollingUpdate(this.d)) return rs;
    const active = [...rs.oldRSs, ...(rs.newRS ? [rs.newRS] : [])].filter(isActive);
    const allowed = this.replicas > 0 ? this.replicas + maxSurge(this.d) : 0;
    const toAdd = allowed - sumSpecReplicas(active);
    if (toAdd === 0) return rs;
    const operation = toAdd > 0 ? 'up' : 'down';
    active.sort(toAdd > 0 ? bySizeNewer : bySizeOlder);
    const sizes = new Map<ReplicaSet, number>();
    let added = 0;
    for (const set of active) {
      const proportion = this.proportion(set, toAdd, added);
      sizes.set(set, specReplicas(set) + proportion);
      added += proportion;
    }
    // What rounding left over goes to the largest ReplicaSet.
    const first = active[0]!;
    sizes.set(first, Math.max(0, sizes.get(first)! + toAdd - added));
    let out = rs;
    for (const set of active) out = replaceIn(out, set, (await this.scaleReplicaSet(set, sizes.get(set)!, operation)).rs);
    return out;
  }

  /** A ReplicaSet's share of a size change, bounded by what is left to add or remove (Kubernetes' GetProportion). */
  private proportion(rs: ReplicaSet, toAdd: number, added: number): number {
    if (specReplicas(rs) === 0 || toAdd === 0 || toAdd === added) return 0;
    const fraction = this.fraction(rs);
    const allowed = toAdd - added;
    return toAdd > 0 ? Math.min(fraction, allowed) : Math.max(fraction, allowed);
  }

  private fraction(rs: ReplicaSet): number {
    if (this.replicas === 0) return -specReplicas(rs);
    const deploymentReplicas = this.replicas + maxSurge(this.d);
    const annotated = maxReplicasAnnotation(rs) ?? this.d.status?.replicas ?? 0;
    if (annotated <= 0) return 0;
    return Math.round((specReplicas(rs) * deploymentReplicas) / annotated) - specReplicas(rs);
  }

  /** Paused deployments and scaling events: resize, clean up history when paused, report. */
  private async scaleOnly(rs: ReplicaSets): Promise<void> {
    const scaled = await this.scale(rs);
    if (this.d.spec?.paused) await this.cleanup(scaled.oldRSs);
    await this.syncStatus(scaled);
  }

  // --- strategies ------------------------------------------------------------------------------

  private async rolloutRolling(rs: ReplicaSets): Promise<void> {
    let state = rs;
    if (!state.newRS) state = { ...state, newRS: await this.createNewReplicaSet(state.oldRSs) };
    const { scaled: scaledUp, rs: newRS } = await this.reconcileNewReplicaSet(state);
    state = { ...state, newRS };
    if (scaledUp) {
      await this.syncRolloutStatus(state);
      return;
    }
    const { scaledDown, oldRSs } = await this.reconcileOldReplicaSets(state);
    state = { ...state, oldRSs };
    if (scaledDown) {
      await this.syncRolloutStatus(state);
      return;
    }
    if (deploymentComplete(this.d, this.d.status ?? {})) await this.cleanup(state.oldRSs);
    await this.syncRolloutStatus(state);
  }

  private async reconcileNewReplicaSet(rs: ReplicaSets): Promise<{ rs: ReplicaSet; scaled: boolean }> {
    const newRS = rs.newRS!;
    if (specReplicas(newRS) === this.replicas) return { rs: newRS, scaled: false };
    if (specReplicas(newRS) > this.replicas) return this.scaleAndRecord(newRS, this.replicas);
    return this.scaleAndRecord(newRS, this.newRSReplicas([...rs.oldRSs, newRS], newRS));
  }

  /**
   * Kubernetes' reconcileOldReplicaSets: first drop old pods that are not available anyway (they
   * count against nothing), then scale old ReplicaSets down only as far as keeps
   * replicas - maxUnavailable pods available (no more counted for a ReplicaSet than its spec keeps).
   */
  private async reconcileOldReplicaSets(rs: ReplicaSets): Promise<{ scaledDown: boolean; oldRSs: ReplicaSet[] }> {
    const newRS = rs.newRS!;
    let oldRSs = [...rs.oldRSs];
    const oldPods = sumSpecReplicas(oldRSs);
    if (oldPods === 0) return { scaledDown: false, oldRSs };
    const allPods = oldPods + specReplicas(newRS);
    const minAvailable = this.replicas - maxUnavailable(this.d);
    const newUnavailable = specReplicas(newRS) - (newRS.status?.availableReplicas ?? 0);
    const maxScaledDown = allPods - minAvailable - newUnavailable;
    if (maxScaledDown <= 0) return { scaledDown: false, oldRSs };

    let cleaned = 0;
    for (const set of oldRSs.filter(isActive).sort(byCreation)) {
      if (cleaned >= maxScaledDown) break;
      const unhealthy = specReplicas(set) - (set.status?.availableReplicas ?? 0);
      if (unhealthy <= 0) continue;
      const count = Math.min(maxScaledDown - cleaned, unhealthy);
      const { rs: updated } = await this.scaleReplicaSet(set, specReplicas(set) - count, 'down');
      oldRSs = oldRSs.map((o) => (o === set ? updated : o));
      cleaned += count;
    }

    const available = sumAvailableKept([...oldRSs, newRS]);
    let scaledDown = 0;
    if (available > minAvailable) {
      const total = available - minAvailable;
      for (const set of oldRSs.filter(isActive).sort(byCreation)) {
        if (scaledDown >= total) break;
        const count = Math.min(specReplicas(set), total - scaledDown);
        const { rs: updated } = await this.scaleReplicaSet(set, specReplicas(set) - count, 'down');
        oldRSs = oldRSs.map((o) => (o === set ? updated : o));
        scaledDown += count;
      }
    }
    return { scaledDown: cleaned + scaledDown > 0, oldRSs };
  }

  /** Recreate: every old pod goes before the new ReplicaSet gets any replicas. */
  private async rolloutRecreate(rs: ReplicaSets): Promise<void> {
    let state = rs;
    let scaledDown = false;
    for (const old of state.oldRSs.filter(isActive)) {
      const result = await this.scaleAndRecord(old, 0);
      state = replaceIn(state, old, result.rs);
      if (result.scaled) scaledDown = true;
    }
    if (scaledDown || this.oldPodsRunning(state)) {
      await this.syncRolloutStatus(state);
      return;
    }
    if (!state.newRS) state = { ...state, newRS: await this.createNewReplicaSet(state.oldRSs) };
    const { rs: newRS } = await this.scaleAndRecord(state.newRS!, this.replicas);
    state = { ...state, newRS };
    if (deploymentComplete(this.d, this.d.status ?? {})) await this.cleanup(state.oldRSs);
    await this.syncRolloutStatus(state);
  }

  /** Old ReplicaSets still report pods, or pods of theirs have not finished (Unknown counts as running). */
  private oldPodsRunning(rs: ReplicaSets): boolean {
    if (sumStatus(rs.oldRSs, 'replicas') > 0) return true;
    for (const old of rs.oldRSs) {
      for (const pod of this.podsByRs.get(old.metadata?.uid ?? '') ?? []) {
        const phase = pod.status?.phase;
        if (phase !== 'Failed' && phase !== 'Succeeded') return true;
      }
    }
    return false;
  }

  // --- history and status ----------------------------------------------------------------------

  /** Deletes the oldest empty ReplicaSets beyond revisionHistoryLimit. */
  private async cleanup(oldRSs: readonly ReplicaSet[]): Promise<void> {
    const limit = this.d.spec?.revisionHistoryLimit;
    if (limit === undefined) return;
    const alive = oldRSs.filter((rs) => !rs.metadata?.deletionTimestamp).sort(byRevision);
    const excess = alive.length - limit;
    for (let i = 0; i < excess; i++) {
      const rs = alive[i]!;
      if ((rs.status?.replicas ?? 0) !== 0 || specReplicas(rs) !== 0) continue;
      if ((rs.metadata?.generation ?? 0) > (rs.status?.observedGeneration ?? 0)) continue;
      try {
        await this.replicaSets.delete(rs.metadata?.namespace ?? '', rs.metadata?.name ?? '', { preconditions: { uid: rs.metadata?.uid ?? '' } });
      } catch (err) {
        if (!isGoneOrReplaced(err)) throw err;
      }
    }
  }

  private async syncStatus(rs: ReplicaSets): Promise<void> {
    const all = [...rs.oldRSs, ...(rs.newRS ? [rs.newRS] : [])];
    const status = calculateStatus(all, rs.newRS, this.d, this.o.now());
    if (statusEqual(this.d.status, status)) return;
    this.d = { ...this.d, status };
    await this.updateStatus();
  }

  private async syncRolloutStatus(rs: ReplicaSets): Promise<void> {
    const all = [...rs.oldRSs, ...(rs.newRS ? [rs.newRS] : [])];
    const now = this.o.now();
    const status = rolloutStatus(all, rs.newRS, this.d, now);
    if (!statusEqual(this.d.status, status)) {
      this.d = { ...this.d, status };
      await this.updateStatus();
    }
    // A rollout that stops moving is looked at again when its deadline passes.
    const deadline = progressDeadline(this.d, this.d.status ?? {});
    if (deadline !== undefined && !deploymentComplete(this.d, this.d.status ?? {})) this.o.requeueAfter(this.d, Math.max(0, deadline - now) + 1000);
  }

  private async syncStatusOnly(): Promise<void> {
    await this.syncStatus(await this.syncRevisions());
  }
}

function replaceIn(rs: ReplicaSets, from: ReplicaSet, to: ReplicaSet): ReplicaSets {
  if (from === to) return rs;
  return { newRS: rs.newRS === from ? to : rs.newRS, oldRSs: rs.oldRSs.map((o) => (o === from ? to : o)) };
}

