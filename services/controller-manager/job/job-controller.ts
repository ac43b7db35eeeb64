import { isDeepStrictEqual } from 'node:util';
import { isApiError, isGoneOrReplaced } from '../../../lib/api/errors.js';
import type { Job, JobStatus, Pod } from '../../../lib/api/generated/index.js';
import { formatTime, parseTime } from '../../../lib/client/api-time.js';
import { keyFor, keyOf } from '../../../lib/client/keys.js';
import type { ResourceClient } from '../../../lib/client/resource-client.js';
import type { EventRecorder } from '../../../lib/events/event-recorder.js';
import type { Informer } from '../../../lib/informer/informer.js';
import { NAMESPACE_INDEX } from '../../../lib/informer/store.js';
import { LabelSelectorError, selectorFromLabelSelector, type Selector } from '../../../lib/labels/selector.js';
import { claimObjects, controllerOf } from '../common/controller-ref.js';
import { ensureIndex, type ControllerContext } from '../common/controller.js';
import { Expectations } from '../common/expectations.js';
import { byControllerUid, CONTROLLER_UID_INDEX, involvedObject } from '../common/indexes.js';
import { createPods, deletePods, type PodControl } from '../common/pod-control.js';
import { isPodActive, isPodReady } from '../common/pod-util.js';
import { onEveryChange, onRelatedChange, QueueController, type HandlerRegistration } from '../common/queue-controller.js';
import { podsToDelete } from '../replicaset/pods-to-delete.js';
import { DEFAULT_BACKOFF_BASE_MS, remainingBackoffMs } from './backoff.js';
import { formatIndexes, parseIndexes } from './completed-indexes.js';
import { BACKOFF_LIMIT_EXCEEDED, COMPLETED, DEADLINE_EXCEEDED, findCondition, finishedCondition, withCondition, type FinishedCondition } from './job-conditions.js';
import { completionIndexOf, isIndexed, JOB_KIND, podForJob } from './job-pods.js';

interface JobControllerOptions {
  /** Concurrent syncs (--concurrent-job-syncs). Default 5. */
  workers?: number;
  /** The first delay before failed pods are replaced; it doubles per failure up to six minutes (--job-backoff-base). */
  backoffBaseMs?: number;
  /** Most pods created in one sync (Kubernetes' burst of 500). */
  burst?: number;
}

/** What a Job's pods add up to in one sync. */
interface PodCounts {
  /** Pods that run or wait to run, not being deleted. */
  active: Pod[];
  succeeded: number;
  failed: number;
  /** Indexed Jobs: every index that succeeded, from status and pods. */
  completedIndexes: Set<number>;
}

/** A little past the moment a timer is due, so the next sync sees it clearly passed. */
const TIMER_SLACK_MS = 100;

/**
 * Kubernetes' Job controller: runs the Job's pod template to completion. It keeps up to
 * spec.parallelism pods running without exceeding the completions still needed, counts pods that
 * succeeded and failed, replaces failed pods after an exponential backoff until spec.backoffLimit,
 * and ends the Job with the Complete or Failed condition (also past spec.activeDeadlineSeconds).
 * Indexed Jobs give each pod one completion index. A finished Job with ttlSecondsAfterFinished is
 * deleted once that has passed (Kubernetes' ttl-after-finished controller, folded in here).
 */
export class JobController extends QueueController {
  private readonly jobs: Informer<Job>;
  private readonly pods: Informer<Pod>;
  private readonly jobClient: ResourceClient<Job>;
  private readonly podClient: ResourceClient<Pod>;
  private readonly expectations: Expectations;
  private readonly recorder: EventRecorder;
  private readonly backoffBaseMs: number;
  private readonly burst: number;

  constructor(ctx: ControllerContext, options: JobControllerOptions = {}) {
    super('job', ctx, { workers: options.workers ?? 5 });
    this.jobs = ctx.informers.informerFor('job');
    this.pods = ctx.informers.informerFor('pod');
    ensureIndex(this.pods.store, CONTROLLER_UID_INDEX, byControllerUid);
    this.jobClient = ctx.client.resource('job');
    this.podClient = ctx.client.resource('pod');
    this.expectations = new Expectations(() => this.pods.lastSyncResourceVersion, undefined, () => ctx.now());
    this.recorder = ctx.recorder('job-controller');
    this.backoffBaseMs = options.backoffBaseMs ?? DEFAULT_BACKOFF_BASE_MS;
    this.burst = options.burst ?? 500;
  }

  protected handlers(): HandlerRegistration[] {
    return [
      () => this.jobs.addEventHandler(onEveryChange((job) => this.queue.add(keyOf(job)))),
      () => this.pods.addEventHandler(onRelatedChange((pod) => this.enqueueJobsOf(pod))),
    ];
  }

  /** The Job controlling the pod; for an orphan, every Job whose selector matches it. */
  private enqueueJobsOf(pod: Pod): void {
    const namespace = pod.metadata?.namespace ?? '';
    const ref = controllerOf(pod);
    if (ref) {
      if (ref.kind !== JOB_KIND.kind) return;
      const key = keyFor(namespace, ref.name ?? '');
      if (this.jobs.store.get(key)?.metadata?.uid === ref.uid) this.queue.add(key);
      return;
    }
    if (pod.metadata?.deletionTimestamp) return;
    for (const job of this.jobs.store.listByIndex(NAMESPACE_INDEX, namespace)) {
      const selector = this.selectorOf(job);
      if (selector?.matches(pod.metadata?.labels)) this.queue.add(keyOf(job));
    }
  }

  private selectorOf(job: Job): Selector | undefined {
    try {
      return selectorFromLabelSelector(job.spec?.selector);
    } catch (err) {
      if (err instanceof LabelSelectorError) return undefined;
      throw err;
    }
  }

  async sync(key: string): Promise<void> {
    const job = this.jobs.store.get(key);
    if (!job) {
      this.expectations.forget(key);
      return;
    }
    const selector = this.selectorOf(job);
    // Retrying cannot fix a selector (the apiserver validates them); the next edit brings the Job back.
    if (!selector || selector.empty()) {
      this.log.warn({ key }, 'job has an invalid or empty selector');
      return;
    }
    const pods = await claimObjects(this.pods.store.listByIndex(NAMESPACE_INDEX, job.metadata?.namespace ?? ''), {
      owner: job,
      ownerKind: JOB_KIND,
      selector,
      resource: this.podClient,
      readOwner: () => this.readFresh(job),
    });
    const counts = countPods(job, pods);
    const now = this.ctx.now();
    if (finishedCondition(job)) {
      // Pods a finished Job still runs (extra workers of a work queue) are no longer needed.
      await this.deletePods(key, job, counts.active);
      await this.expireFinished(key, job, now);
      return;
    }
    if (job.metadata?.deletionTimestamp) return;
    const status = await this.converge(key, job, pods, counts, now);
    await this.updateStatus(job, status);
  }

  /** Decides the Job's next state from its pods, acts on pods, and returns the status to write. */
  private async converge(key: string, job: Job, pods: Pod[], counts: PodCounts, now: number): Promise<JobStatus> {
    const spec = job.spec ?? {};
    const previous = job.status ?? {};
    const status: JobStatus = {
      ...previous,
      conditions: [...(previous.conditions ?? [])],
      succeeded: counts.succeeded,
      failed: counts.failed,
    };
    if (isIndexed(job)) status.completedIndexes = formatIndexes(counts.completedIndexes);
    const suspended = spec.suspend === true;
    if (!status.startTime && !suspended) status.startTime = formatTime(now);

    const finish = this.finishCondition(job, counts, status, now);
    let active = counts.active;
    if (finish) {
      await this.deletePods(key, job, active);
      active = [];
      status.conditions = withCondition(status.conditions ?? [], finish.type, 'True', finish.reason, finish.message, now) ?? status.conditions;
      if (finish.type === 'Complete') status.completionTime = formatTime(now);
      this.recorder.event(involvedObject(job, JOB_KIND), finish.type === 'Complete' ? 'Normal' : 'Warning', finish.reason, finish.message);
    } else if (suspended) {
      await this.deletePods(key, job, active);
      active = [];
      const changed = withCondition(status.conditions ?? [], 'Suspended', 'True', 'JobSuspended', 'Job suspended', now);
      if (changed) {
        status.conditions = changed;
        this.recorder.event(involvedObject(job, JOB_KIND), 'Normal', 'Suspended', 'Job suspended');
      }
    } else {
      if (findCondition(job, 'Suspended')?.status === 'True') {
        status.conditions = withCondition(status.conditions ?? [], 'Suspended', 'False', 'JobResumed', 'Job resumed', now) ?? status.conditions;
        // The deadline counts from the resume, as Kubernetes restarts startTime.
        status.startTime = formatTime(now);
        this.recorder.event(involvedObject(job, JOB_KIND), 'Normal', 'Resumed', 'Job resumed');
      }
      if (this.expectations.satisfied(key)) await this.manage(key, job, pods, counts, now);
      this.requeueForDeadline(key, job, status, now);
    }
    status.active = active.length;
    status.ready = active.filter(isPodReady).length;
    if (status.conditions?.length === 0) delete status.conditions;
    return status;
  }

  /** Failed past the backoff limit or the deadline, or Complete once enough pods succeeded. */
  private finishCondition(job: Job, counts: PodCounts, status: JobStatus, now: number): FinishedCondition | undefined {
    const spec = job.spec ?? {};
    const backoffLimit = spec.backoffLimit ?? 6;
    if (counts.failed > backoffLimit || pastBackoffLimitOnFailure(job, counts.active, backoffLimit)) return BACKOFF_LIMIT_EXCEEDED;
    if (spec.suspend !== true && msPastDeadline(job, status, now) >= 0) return DEADLINE_EXCEEDED;
    if (isIndexed(job)) return counts.completedIndexes.size >= (spec.completions ?? 0) ? COMPLETED : undefined;
    if (spec.completions !== undefined) return counts.succeeded >= spec.completions ? COMPLETED : undefined;
    // A work queue is done once one pod succeeded and the others have stopped.
    return counts.succeeded > 0 && counts.active.length === 0 ? COMPLETED : undefined;
  }

  private requeueForDeadline(key: string, job: Job, status: JobStatus, now: number): void {
    const past = msPastDeadline(job, status, now);
    if (Number.isFinite(past)) this.queue.addAfter(key, -past + TIMER_SLACK_MS);
  }

  /** Creates or deletes pods so that as many run as parallelism and the remaining completions allow. */
  private async manage(key: string, job: Job, pods: Pod[], counts: PodCounts, now: number): Promise<void> {
    const spec = job.spec ?? {};
    const parallelism = spec.parallelism ?? 1;
    const { active } = counts;
    let surplus: Pod[];
    let toCreate: (number | undefined)[];
    if (isIndexed(job)) {
      ({ surplus, toCreate } = planIndexed(spec.completions ?? 0, parallelism, active, counts.completedIndexes));
    } else {
      const wantActive =
        spec.completions === undefined
          ? counts.succeeded > 0
            ? active.length
            : parallelism
          : Math.max(0, Math.min(parallelism, spec.completions - counts.succeeded));
      const diff = active.length - wantActive;
      surplus = diff > 0 ? podsToDelete(active, active, diff) : [];
      toCreate = diff < 0 ? Array.from({ length: -diff }, () => undefined) : [];
    }
    await this.deletePods(key, job, surplus);
    if (toCreate.length === 0) return;
    const wait = remainingBackoffMs(pods, now, this.backoffBaseMs);
    if (wait > 0) {
      this.queue.addAfter(key, wait + TIMER_SLACK_MS);
      return;
    }
    await this.createPods(key, job, toCreate.slice(0, this.burst));
  }

  private control(job: Job): PodControl {
    return { pods: this.podClient, recorder: this.recorder, owner: involvedObject(job, JOB_KIND) };
  }

  private async createPods(key: string, job: Job, indexes: (number | undefined)[]): Promise<void> {
    const queue = [...indexes];
    await createPods(this.control(job), queue.length, () => podForJob(job, queue.shift()), (pod) => this.expectations.expectWrite(key, pod));
  }

  private async deletePods(key: string, job: Job, pods: readonly Pod[]): Promise<void> {
    await deletePods(this.control(job), pods, (pod) => this.expectations.expectWrite(key, pod));
  }

  /** ttlSecondsAfterFinished: deletes the finished Job (and, in the foreground, its pods) once it has passed. */
  private async expireFinished(key: string, job: Job, now: number): Promise<void> {
    const ttl = job.spec?.ttlSecondsAfterFinished;
    if (ttl === undefined) return;
    const finishedAt = parseTime(job.status?.completionTime || finishedCondition(job)?.lastTransitionTime);
    if (Number.isNaN(finishedAt)) return;
    const left = finishedAt + ttl * 1000 - now;
    if (left > 0) {
      this.queue.addAfter(key, left + TIMER_SLACK_MS);
      return;
    }
    const meta = job.metadata ?? {};
    if (meta.deletionTimestamp) return;
    try {
      await this.jobClient.delete(meta.namespace ?? '', meta.name ?? '', { preconditions: { uid: meta.uid ?? '' }, propagationPolicy: 'Foreground' });
      this.log.info({ key }, 'deleted finished job after its ttlSecondsAfterFinished');
    } catch (err) {
      // Anything else (a conflict with concurrent writes, an unavailable apiserver) is retried with
      // backoff: no event may come to wake a finished Job again.
      if (!isGoneOrReplaced(err)) throw err;
    }
  }

  private async readFresh(job: Job): Promise<Job | undefined> {
    try {
      return await this.jobClient.get(job.metadata?.namespace ?? '', job.metadata?.name ?? '');
    } catch (err) {
      if (isApiError(err, 'NotFound')) return undefined;
      throw err;
    }
  }

  private async updateStatus(job: Job, status: JobStatus): Promise<void> {
    if (isDeepStrictEqual(normalized(job.status ?? {}), normalized(status))) return;
    try {
      await this.jobClient.updateStatus({ ...job, metadata: { ...job.metadata }, status });
    } catch (err) {
      // Deleted meanwhile: nothing left to report on.
      if (!isApiError(err, 'NotFound')) throw err;
    }
  }
}

/** The status with zero counts dropped, as they read back from the wire. */
function normalized(status: JobStatus): JobStatus {
  return Object.fromEntries(Object.entries(status).filter(([, v]) => v !== 0 && v !== '' && v !== undefined && !(Array.isArray(v) && v.length === 0))) as JobStatus;
}

/** Counts succeeded and failed pods; they never go down, since finished pods may be deleted after they were counted. */
function countPods(job: Job, pods: readonly Pod[]): PodCounts {
  const succeededPods = pods.filter((p) => p.status?.phase === 'Succeeded');
  const failedPods = pods.filter((p) => p.status?.phase === 'Failed');
  const active = pods.filter(isPodActive);
  const completions = job.spec?.completions ?? 0;
  const completedIndexes = new Set<number>();
  if (isIndexed(job)) {
    for (const i of parseIndexes(job.status?.completedIndexes, completions)) completedIndexes.add(i);
    for (const p of succeededPods) {
      const i = completionIndexOf(p, completions);
      if (i !== undefined) completedIndexes.add(i);
    }
  }
  return {
    active,
    succeeded: isIndexed(job) ? completedIndexes.size : Math.max(job.status?.succeeded ?? 0, succeededPods.length),
    failed: Math.max(job.status?.failed ?? 0, failedPods.length),
    completedIndexes,
  };
}

/** restartPolicy OnFailure: the kubelet restarts failing containers in place, so their restarts count against the limit. */
function pastBackoffLimitOnFailure(job: Job, active: readonly Pod[], backoffLimit: number): boolean {
  if (job.spec?.template?.spec?.restartPolicy !== 'OnFailure') return false;
  let restarts = 0;
  for (const p of active) {
    for (const c of [...(p.status?.initContainerStatuses ?? []), ...(p.status?.containerStatuses ?? [])]) restarts += c.restartCount ?? 0;
  }
  return backoffLimit === 0 ? restarts > 0 : restarts >= backoffLimit;
}

/** How far past spec.activeDeadlineSeconds the Job is (negative before it); -Infinity without a deadline or start. */
function msPastDeadline(job: Job, status: JobStatus, now: number): number {
  const deadline = job.spec?.activeDeadlineSeconds;
  const start = parseTime(status.startTime);
  if (deadline === undefined || Number.isNaN(start)) return -Infinity;
  return now - (start + deadline * 1000);
}

/**
 * Indexed Jobs: pods to delete (no valid index, an index already done, a second pod for one
 * index, more than parallelism) and the lowest pending indexes to start.
 */
function planIndexed(completions: number, parallelism: number, active: readonly Pod[], completed: ReadonlySet<number>): { surplus: Pod[]; toCreate: number[] } {
  const surplus: Pod[] = [];
  const running = new Map<number, Pod>();
  for (const p of active) {
    const i = completionIndexOf(p, completions);
    if (i === undefined || completed.has(i) || running.has(i)) surplus.push(p);
    else running.set(i, p);
  }
  const wantActive = Math.min(parallelism, completions - completed.size);
  const byIndexDesc = [...running.keys()].sort((a, b) => b - a);
  for (const i of byIndexDesc.slice(0, Math.max(0, running.size - wantActive))) surplus.push(running.get(i)!);
  const toCreate: number[] = [];
  for (let i = 0; i < completions && running.size + toCreate.length < wantActive; i++) {
    if (!completed.has(i) && !running.has(i)) toCreate.push(i);
  }
  return { surplus, toCreate };
}
