import { describe, expect, it } from 'vitest';
import { conflict } from '../../../lib/api/errors.js';
import type { CronJob, Job } from '../../../lib/api/generated/index.js';
import { formatTime, parseTime } from '../../../lib/client/api-time.js';
import { parseSchedule } from '../../../lib/cron/schedule.js';
import { eventually, useControllerTestEnv } from '../testing/fake-context.js';
import { CronJobController } from './cronjob-controller.js';

const ns = 'default';

function cronJob(name: string, spec: CronJob['spec'] = {}): CronJob {
  return {
    metadata: { name, namespace: ns },
    spec: {
      schedule: '*/1 * * * *',
      concurrencyPolicy: 'Allow',
      suspend: false,
      successfulJobsHistoryLimit: 3,
      failedJobsHistoryLimit: 1,
      jobTemplate: {
        metadata: { labels: { app: name } },
        spec: { template: { spec: { restartPolicy: 'OnFailure', containers: [{ name: 'hello', image: 'busybox:1.36', command: ['date'] }] } } },
      },
      ...spec,
    },
  };
}

describe('CronJobController', () => {
  const env = useControllerTestEnv();
  const cronJobs = () => env.client.resource('cronJob');
  const jobsOf = async (app: string): Promise<Job[]> => (await env.client.resource('job').list(ns, { labelSelector: `app=${app}` })).items;
  const events = async (reason: string): Promise<string[]> =>
    (await env.client.resource('event').list(ns)).items.filter((e) => e.reason === reason).map((e) => e.message ?? '');

  /** Creates the CronJob, starts the controller, and returns its first scheduled time after creation. */
  async function setUp(cj: CronJob): Promise<{ created: CronJob; first: number }> {
    const created = await cronJobs().create(cj);
    await env.ctx.start(new CronJobController(env.ctx));
    const schedule = parseSchedule(cj.spec?.schedule ?? '', cj.spec?.timeZone);
    return { created, first: schedule.next(parseTime(created.metadata?.creationTimestamp))! };
  }

  let pokes = 0;
  /** Moves the controller's clock to `at` and edits the CronJob so it looks again at once. */
  async function advanceTo(name: string, at: number): Promise<void> {
    env.ctx.clockOffsetMs = at - Date.now();
    await cronJobs().patch(ns, name, { metadata: { labels: { poke: String(++pokes) } } });
  }

  async function finishJob(job: Job, type: 'Complete' | 'Failed', at: number): Promise<void> {
    const status = {
      startTime: formatTime(at - 1000),
      ...(type === 'Complete' ? { completionTime: formatTime(at), succeeded: 1 } : { failed: 1 }),
      conditions: [{ type, status: 'True', lastTransitionTime: formatTime(at) }],
    };
    await env.client.resource('job').patch(ns, job.metadata!.name!, { status }, { status: true });
  }

  it('creates a Job named after each scheduled minute and records it in status', async () => {
    const { created, first } = await setUp(cronJob('hello'));
    await advanceTo('hello', first + 5_000);
    const [job] = await eventually(async () => ((await jobsOf('hello')).length === 1 ? jobsOf('hello') : undefined));
    expect(job?.metadata?.name).toBe(`hello-${first / 60_000}`);
    expect(job?.metadata?.ownerReferences).toEqual([{ apiVersion: 'batch/v1', kind: 'CronJob', name: 'hello', uid: created.metadata?.uid, controller: true, blockOwnerDeletion: true }]);
    expect(job?.metadata?.annotations).toEqual({ 'batch.kubernetes.io/cronjob-scheduled-timestamp': formatTime(first) });
    expect(job?.spec?.template?.spec?.containers?.[0]?.command).toEqual(['date']);
    const status = await eventually(async () => {
      const s = (await cronJobs().get(ns, 'hello')).status;
      return s?.active?.length === 1 ? s : undefined;
    });
    expect(status).toMatchObject({ lastScheduleTime: formatTime(first), active: [{ kind: 'Job', name: job?.metadata?.name, uid: job?.metadata?.uid, apiVersion: 'batch/v1' }] });
    expect(await eventually(async () => (await events('SuccessfulCreate')).length === 1 && events('SuccessfulCreate'))).toEqual([`Created job ${job?.metadata?.name}`]);

    // Allow: the next minute runs alongside the first.
    await advanceTo('hello', first + 65_000);
    await eventually(async () => (await cronJobs().get(ns, 'hello')).status?.active?.length === 2);
    expect((await jobsOf('hello')).map((j) => j.metadata?.name).sort()).toEqual([`hello-${first / 60_000}`, `hello-${first / 60_000 + 1}`]);
  });

  it('records a run whose Job exists but whose status write was lost, without starting it again', async () => {
    const { created, first } = await setUp(cronJob('lost'));
    const owner = { apiVersion: 'batch/v1', kind: 'CronJob', name: 'lost', uid: created.metadata?.uid ?? '', controller: true };
    await env.client.resource('job').create({ metadata: { name: `lost-${first / 60_000}`, namespace: ns, labels: { app: 'lost' }, ownerReferences: [owner] }, spec: {} });
    await advanceTo('lost', first + 5_000);
    await eventually(async () => (await cronJobs().get(ns, 'lost')).status?.lastScheduleTime === formatTime(first));
    expect(await jobsOf('lost')).toHaveLength(1);
    expect(await events('SuccessfulCreate')).toEqual([]);
  });

  it('notices finished Jobs: out of active, lastSuccessfulTime set', async () => {
    const { first } = await setUp(cronJob('done'));
    await advanceTo('done', first + 5_000);
    const [job] = await eventually(async () => ((await jobsOf('done')).length === 1 ? jobsOf('done') : undefined));
    await eventually(async () => (await cronJobs().get(ns, 'done')).status?.active?.length === 1);
    await finishJob(job!, 'Complete', first + 20_000);
    const status = await eventually(async () => {
      const s = (await cronJobs().get(ns, 'done')).status;
      return s?.lastSuccessfulTime ? s : undefined;
    });
    expect(status.active ?? []).toEqual([]);
    expect(status.lastSuccessfulTime).toBe(formatTime(first + 20_000));
    await eventually(async () => (await events('SawCompletedJob')).includes(`Saw completed job: ${job?.metadata?.name}, condition: Complete`));
  });

  it('Forbid: skips a run while the previous one is active', async () => {
    const { first } = await setUp(cronJob('single', { concurrencyPolicy: 'Forbid' }));
    await advanceTo('single', first + 5_000);
    await eventually(async () => (await cronJobs().get(ns, 'single')).status?.active?.length === 1);
    await advanceTo('single', first + 65_000);
    await eventually(async () => (await events('JobAlreadyActive')).length > 0);
    expect(await jobsOf('single')).toHaveLength(1);
  });

  it('Replace: deletes the active run and starts the new one', async () => {
    const { first } = await setUp(cronJob('fresh', { concurrencyPolicy: 'Replace' }));
    await advanceTo('fresh', first + 5_000);
    await eventually(async () => (await cronJobs().get(ns, 'fresh')).status?.active?.length === 1);
    await advanceTo('fresh', first + 65_000);
    const [only] = await eventually(async () => {
      const jobs = await jobsOf('fresh');
      return jobs.length === 1 && jobs[0]?.metadata?.name === `fresh-${first / 60_000 + 1}` ? jobs : undefined;
    });
    await eventually(async () => (await events('SuccessfulDelete')).includes(`Deleted job fresh-${first / 60_000}`));
    await eventually(async () => (await cronJobs().get(ns, 'fresh')).status?.active?.[0]?.uid === only?.metadata?.uid);
  });

  it('keeps successfulJobsHistoryLimit and failedJobsHistoryLimit finished Jobs, deleting the oldest', async () => {
    const { created } = await setUp(cronJob('history', { suspend: true, successfulJobsHistoryLimit: 1, failedJobsHistoryLimit: 1 }));
    const owner = { apiVersion: 'batch/v1', kind: 'CronJob', name: 'history', uid: created.metadata?.uid ?? '', controller: true };
    const base = Date.now() - 3_600_000;
    const outcomes: ['Complete' | 'Failed', number][] = [
      ['Complete', 1],
      ['Complete', 2],
      ['Failed', 3],
      ['Complete', 4],
      ['Failed', 5],
    ];
    for (const [type, minute] of outcomes) {
      const job = await env.client.resource('job').create({ metadata: { name: `history-${minute}`, namespace: ns, labels: { app: 'history' }, ownerReferences: [owner] }, spec: {} });
      await finishJob(job, type, base + minute * 60_000);
    }
    await cronJobs().patch(ns, 'history', { metadata: { labels: { poke: 'now' } } });
    const left = await eventually(async () => {
      const names = (await jobsOf('history')).map((j) => j.metadata?.name).sort();
      return names.length === 2 ? names : undefined;
    });
    expect(left).toEqual(['history-4', 'history-5']);
  });

  it('retries pruning a finished Job whose delete lost to concurrent writes', async () => {
    const { created } = await setUp(cronJob('pruned', { suspend: true, successfulJobsHistoryLimit: 1 }));
    const owner = { apiVersion: 'batch/v1', kind: 'CronJob', name: 'pruned', uid: created.metadata?.uid ?? '', controller: true };
    const base = Date.now() - 3_600_000;
    for (const minute of [1, 2]) {
      const job = await env.client.resource('job').create({ metadata: { name: `pruned-${minute}`, namespace: ns, labels: { app: 'pruned' }, ownerReferences: [owner] }, spec: {} });
      await finishJob(job, 'Complete', base + minute * 60_000);
    }
    env.fake.failNext('Delete', conflict('jobs', 'pruned-1', 'too many concurrent changes, try again'));
    await cronJobs().patch(ns, 'pruned', { metadata: { labels: { poke: 'now' } } });
    await eventually(async () => (await events('FailedDelete')).length > 0);
    const left = await eventually(async () => {
      const names = (await jobsOf('pruned')).map((j) => j.metadata?.name);
      return names.length === 1 ? names : undefined;
    });
    expect(left).toEqual(['pruned-2']);
  });

  it('runs nothing while suspended, but still tracks its Jobs', async () => {
    const { created, first } = await setUp(cronJob('paused', { suspend: true }));
    // A run from before the suspension: the sync that reports it in status.active has also decided not to start another.
    const owner = { apiVersion: 'batch/v1', kind: 'CronJob', name: 'paused', uid: created.metadata?.uid ?? '', controller: true };
    await env.client.resource('job').create({ metadata: { name: 'paused-earlier', namespace: ns, labels: { app: 'paused' }, ownerReferences: [owner] }, spec: {} });
    await advanceTo('paused', first + 5_000);
    await eventually(async () => (await cronJobs().get(ns, 'paused')).status?.active?.[0]?.name === 'paused-earlier');
    expect((await jobsOf('paused')).map((j) => j.metadata?.name)).toEqual(['paused-earlier']);
    await cronJobs().patch(ns, 'paused', { spec: { suspend: false } });
    await eventually(async () => (await jobsOf('paused')).length === 2);
  });

  it('warns about too many missed start times and runs only the most recent', async () => {
    const { first } = await setUp(cronJob('behind'));
    const later = first + 200 * 60_000;
    await advanceTo('behind', later + 5_000);
    const [job] = await eventually(async () => ((await jobsOf('behind')).length === 1 ? jobsOf('behind') : undefined));
    expect(job?.metadata?.name).toBe(`behind-${later / 60_000}`);
    await eventually(async () => (await events('TooManyMissedTimes')).length > 0);
  });

  it('skips a run missed by more than startingDeadlineSeconds, and takes the next one', async () => {
    const { created, first } = await setUp(cronJob('strict', { startingDeadlineSeconds: 10 }));
    env.ctx.clockOffsetMs = first + 30_000 - Date.now();
    // A Job created by hand after the clock moved: the sync that lists it in status.active has decided about the missed run.
    const owner = { apiVersion: 'batch/v1', kind: 'CronJob', name: 'strict', uid: created.metadata?.uid ?? '', controller: true };
    await env.client.resource('job').create({ metadata: { name: 'strict-manual', namespace: ns, labels: { app: 'strict' }, ownerReferences: [owner] }, spec: {} });
    await eventually(async () => (await cronJobs().get(ns, 'strict')).status?.active?.[0]?.name === 'strict-manual');
    expect((await jobsOf('strict')).map((j) => j.metadata?.name)).toEqual(['strict-manual']);
    await advanceTo('strict', first + 65_000);
    await eventually(async () => (await jobsOf('strict')).some((j) => j.metadata?.name === `strict-${first / 60_000 + 1}`));
  });

  it('reads the schedule in spec.timeZone', async () => {
    const { first } = await setUp(cronJob('tz', { schedule: '30 9 * * *', timeZone: 'Asia/Kolkata' }));
    // 09:30 in Kolkata (UTC+5:30) is 04:00 UTC.
    expect(new Date(first).toISOString()).toMatch(/T04:00:00\.000Z$/);
    await advanceTo('tz', first + 5_000);
    const [job] = await eventually(async () => ((await jobsOf('tz')).length === 1 ? jobsOf('tz') : undefined));
    expect(job?.metadata?.name).toBe(`tz-${first / 60_000}`);
  });
});
