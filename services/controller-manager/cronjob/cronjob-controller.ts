import { isDeepStrictEqual } from 'node:util';
import { isApiError, isGoneOrReplaced } from '../../../lib/api/errors.js';
import type { CronJob, CronJobStatus, Job, ObjectReference } from '../../../lib/api/generated/index.js';
import { formatTime, parseTime } from '../../../lib/client/api-time.js';
import { keyFor, keyOf } from '../../../lib/client/keys.js';
import type { ResourceClient } from '../../../lib/client/resource-client.js';
import { InvalidScheduleError, parseSchedule, type Schedule } from '../../../lib/cron/schedule.js';
import type { EventRecorder, InvolvedObject } from '../../../lib/events/event-recorder.js';
import type { Informer } from '../../../lib/informer/informer.js';
import { controllerOf } from '../common/controller-ref.js';
import { ensureIndex, type ControllerContext } from '../common/controller.js';
import { byControllerUid, CONTROLLER_UID_INDEX, involvedObject } from '../common/indexes.js';
import { onEveryChange, onRelatedChange, QueueController, type HandlerRegistration } from '../common/queue-controller.js';
import { finishedCondition } from '../job/job-conditions.js';
import { CRONJOB_KIND, jobForSchedule, jobName, jobReference } from './cronjob-jobs.js';
import { MANY_MISSED, mostRecentScheduleTime } from './schedule-times.js';

interface CronJobControllerOptions {
  /** Concurrent syncs (--concurrent-cron-job-syncs). Default 5. */
  workers?: number;
}

/** A little past a scheduled time, so the sync that wakes for it sees it clearly due. */
const TIMER_SLACK_MS = 100;

/**
 * Kubernetes' CronJob controller (v2): at each scheduled time creates a Job named after it from
 * the jobTemplate, honouring suspend, concurrencyPolicy (Allow, Forbid, Replace) and
 * startingDeadlineSeconds (a run missed by more than that is skipped); keeps status.active, lastScheduleTime and lastSuccessfulTime from the
 * Jobs it owns; deletes the oldest finished Jobs past the history limits. It wakes at the next
 * scheduled time, read from the context's clock, so tests can move time.
 */
export class CronJobController extends QueueController {
  private readonly cronJobs: Informer<CronJob>;
  private readonly jobs: Informer<Job>;
  private readonly cronJobClient: ResourceClient<CronJob>;
  private readonly jobClient: ResourceClient<Job>;
  private readonly recorder: EventRecorder;

  constructor(ctx: ControllerContext, options: CronJobControllerOptions = {}) {
    super('cronjob', ctx, { workers: options.workers ?? 5 });
    this.cronJobs = ctx.informers.informerFor('cronJob');
    this.jobs = ctx.informers.informerFor('job');
    ensureIndex(this.jobs.store, CONTROLLER_UID_INDEX, byControllerUid);
    this.cronJobClient = ctx.client.resource('cronJob');
    this.jobClient = ctx.client.resource('job');
    this.recorder = ctx.recorder('cronjob-controller');
  }

  protected handlers(): HandlerRegistration[] {
    return [
      () => this.cronJobs.addEventHandler(onEveryChange((cj) => this.queue.add(keyOf(cj)))),
      () => this.jobs.addEventHandler(onRelatedChange((job) => this.enqueueOwnerOf(job))),
    ];
  }

  private enqueueOwnerOf(job: Job): void {
    const ref = controllerOf(job);
    if (ref?.kind !== CRONJOB_KIND.kind) return;
    const key = keyFor(job.metadata?.namespace ?? '', ref.name ?? '');
    if (this.cronJobs.store.get(key)?.metadata?.uid === ref.uid) this.queue.add(key);
  }

  async sync(key: string): Promise<void> {
    const cronJob = this.cronJobs.store.get(key);
    if (!cronJob || cronJob.metadata?.deletionTimestamp) return;
    const ref = involvedObject(cronJob, CRONJOB_KIND);
    const owned = this.jobs.store.listByIndex(CONTROLLER_UID_INDEX, cronJob.metadata?.uid ?? '').filter((j) => j.metadata?.namespace === cronJob.metadata?.namespace);
    const status: CronJobStatus = {
      ...cronJob.status,
      active: await this.reconcileActive(cronJob, owned, ref),
    };
    const lastSuccess = latestSuccess(owned, status.lastSuccessfulTime);
    if (lastSuccess) status.lastSuccessfulTime = lastSuccess;

    const next = await this.schedule(key, cronJob, owned, status, ref);
    await this.updateStatus(cronJob, status);
    await this.deleteOldJobs(cronJob, owned, ref);
    if (next !== undefined) this.queue.addAfter(key, Math.max(0, next - this.ctx.now()) + TIMER_SLACK_MS);
  }

  /**
   * status.active from the Jobs the CronJob owns: every unfinished one (also one created just
   * before a crash, never recorded). A listed Job missing from the cache is looked up before it
   * is dropped, since the cache may not show a Job created a moment ago.
   */
  private async reconcileActive(cronJob: CronJob, owned: readonly Job[], ref: InvolvedObject): Promise<ObjectReference[]> {
    const byUid = new Map(owned.map((j) => [j.metadata?.uid ?? '', j]));
    const active: ObjectReference[] = [];
    for (const listed of cronJob.status?.active ?? []) {
      const job = byUid.get(listed.uid ?? '') ?? (await this.readJob(listed));
      if (!job) {
        this.recorder.event(ref, 'Normal', 'MissingJob', `Active job went missing: ${listed.name ?? ''}`);
        continue;
      }
      const finished = finishedCondition(job);
      if (finished) {
        this.recorder.event(ref, 'Normal', 'SawCompletedJob', `Saw completed job: ${job.metadata?.name ?? ''}, condition: ${finished.type}`);
        continue;
      }
      active.push(jobReference(job));
    }
    const listedUids = new Set(active.map((r) => r.uid));
    for (const job of owned) {
      if (!finishedCondition(job) && !job.metadata?.deletionTimestamp && !listedUids.has(job.metadata?.uid ?? '')) active.push(jobReference(job));
    }
    return active;
  }

  private async readJob(listed: ObjectReference): Promise<Job | undefined> {
    try {
      const job = await this.jobClient.get(listed.namespace ?? '', listed.name ?? '');
      return job.metadata?.uid === listed.uid ? job : undefined;
    } catch (err) {
      if (isApiError(err, 'NotFound')) return undefined;
      throw err;
    }
  }

  /** Starts the run that is due, if any, updating status; returns when the next run is due. */
  private async schedule(key: string, cronJob: CronJob, owned: readonly Job[], status: CronJobStatus, ref: InvolvedObject): Promise<number | undefined> {
    const spec = cronJob.spec ?? {};
    if (spec.suspend === true) return undefined;
    const schedule = this.parse(cronJob, ref);
    if (!schedule) return undefined;
    const now = this.ctx.now();
    const lastScheduled = parseTime(status.lastScheduleTime);
    const decision = mostRecentScheduleTime(
      {
        created: parseTime(cronJob.metadata?.creationTimestamp),
        ...(Number.isNaN(lastScheduled) ? {} : { lastScheduled }),
        ...(spec.startingDeadlineSeconds !== undefined ? { startingDeadlineSeconds: spec.startingDeadlineSeconds } : {}),
      },
      now,
      schedule,
    );
    const next = schedule.next(now);
    if (decision.missed > MANY_MISSED) {
      this.recorder.event(ref, 'Warning', 'TooManyMissedTimes', 'too many missed start times. Set or decrease .spec.startingDeadlineSeconds or check clock skew');
      this.log.info({ key, missed: decision.missed }, 'too many missed start times');
    }
    const scheduled = decision.scheduled;
    if (scheduled === undefined) return next;
    if (scheduled === lastScheduled) return next;
    const name = jobName(cronJob, scheduled);
    if (owned.some((j) => j.metadata?.name === name)) {
      // Started by an earlier sync whose status write was lost (a conflict): record it now.
      status.lastScheduleTime = formatTime(scheduled);
      return next;
    }
    const active = status.active ?? [];
    if (spec.concurrencyPolicy === 'Forbid' && active.length > 0) {
      this.recorder.event(ref, 'Normal', 'JobAlreadyActive', 'Not starting job because prior execution is running and concurrency policy is Forbid');
      return next;
    }
    if (spec.concurrencyPolicy === 'Replace') {
      for (const running of active) await this.deleteJob(running.namespace ?? '', running.name ?? '', running.uid ?? '', ref);
      status.active = [];
    }
    const created = await this.createJob(cronJob, scheduled, ref);
    if (created) status.active = [...(status.active ?? []), jobReference(created)];
    status.lastScheduleTime = formatTime(scheduled);
    return next;
  }

  private parse(cronJob: CronJob, ref: InvolvedObject): Schedule | undefined {
    const spec = cronJob.spec ?? {};
    try {
      return parseSchedule(spec.schedule ?? '', spec.timeZone);
    } catch (err) {
      // The apiserver validates schedules, so only an object stored before that check gets here; an edit brings it back.
      if (!(err instanceof InvalidScheduleError)) throw err;
      this.recorder.event(ref, 'Warning', 'UnparseableSchedule', `unparseable schedule: "${spec.schedule ?? ''}" : ${err.message}`);
      return undefined;
    }
  }

  /** Undefined when a Job of that name exists already (an earlier attempt at the same run). */
  private async createJob(cronJob: CronJob, scheduled: number, ref: InvolvedObject): Promise<Job | undefined> {
    try {
      const job = await this.jobClient.create(jobForSchedule(cronJob, scheduled));
      this.recorder.event(ref, 'Normal', 'SuccessfulCreate', `Created job ${job.metadata?.name ?? ''}`);
      return job;
    } catch (err) {
      if (isApiError(err, 'AlreadyExists')) return undefined;
      this.recorder.event(ref, 'Warning', 'FailedCreate', `Error creating job: ${(err as Error).message}`);
      throw err;
    }
  }

  /** Deletes a Job and, in the background, its pods. */
  private async deleteJob(namespace: string, name: string, uid: string, ref: InvolvedObject): Promise<void> {
    try {
      await this.jobClient.delete(namespace, name, { preconditions: { uid }, propagationPolicy: 'Background' });
      this.recorder.event(ref, 'Normal', 'SuccessfulDelete', `Deleted job ${name}`);
    } catch (err) {
      if (isGoneOrReplaced(err)) return;
      this.recorder.event(ref, 'Warning', 'FailedDelete', `Deleted job: ${(err as Error).message}`);
      throw err;
    }
  }

  /** successfulJobsHistoryLimit and failedJobsHistoryLimit: the oldest finished Jobs beyond them go. */
  private async deleteOldJobs(cronJob: CronJob, owned: readonly Job[], ref: InvolvedObject): Promise<void> {
    const spec = cronJob.spec ?? {};
    const limits: [('Complete' | 'Failed'), number | undefined][] = [
      ['Complete', spec.successfulJobsHistoryLimit],
      ['Failed', spec.failedJobsHistoryLimit],
    ];
    for (const [type, limit] of limits) {
      if (limit === undefined) continue;
      const finished = owned.filter((j) => finishedCondition(j)?.type === type && !j.metadata?.deletionTimestamp).sort((a, b) => startedAt(a) - startedAt(b));
      for (const job of finished.slice(0, Math.max(0, finished.length - limit))) {
        const meta = job.metadata ?? {};
        await this.deleteJob(meta.namespace ?? '', meta.name ?? '', meta.uid ?? '', ref);
      }
    }
  }

  private async updateStatus(cronJob: CronJob, status: CronJobStatus): Promise<void> {
    const compared = (s: CronJobStatus | null | undefined) => ({ active: s?.active ?? [], last: s?.lastScheduleTime ?? '', success: s?.lastSuccessfulTime ?? '' });
    if (isDeepStrictEqual(compared(cronJob.status), compared(status))) return;
    try {
      await this.cronJobClient.updateStatus({ ...cronJob, metadata: { ...cronJob.metadata }, status });
    } catch (err) {
      if (!isApiError(err, 'NotFound')) throw err;
    }
  }
}

/** Jobs are ordered by when they started (their creation before that), as Kubernetes' byJobStartTime. */
function startedAt(job: Job): number {
  const t = parseTime(job.status?.startTime || job.metadata?.creationTimestamp);
  return Number.isNaN(t) ? 0 : t;
}

/** The latest completionTime of a Job that succeeded, if later than the recorded one. */
function latestSuccess(owned: readonly Job[], recorded: string | undefined): string | undefined {
  let latest = parseTime(recorded);
  for (const job of owned) {
    if (finishedCondition(job)?.type !== 'Complete') continue;
    const done = parseTime(job.status?.completionTime);
    if (!Number.isNaN(done) && (Number.isNaN(latest) || done > latest)) latest = done;
  }
  return Number.isNaN(latest) ? undefined : formatTime(latest);
}
