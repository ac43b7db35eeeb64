import { describe, expect, it } from 'vitest';
import type * as t from '../../../lib/api/generated/index.js';
import { ApiError } from '../../../lib/api/errors.js';
import { formatTime, parseTime } from '../../../lib/client/api-time.js';
import type { ApiClient } from '../../../lib/client/client.js';
import { parseSchedule } from '../../../lib/cron/schedule.js';
import { useControlPlane } from '../../harness/use-control-plane.js';
import { createNamespace, eventMessages, eventually, useManagers } from './helpers.js';

// Jobs and CronJobs against a real apiserver and etcd, with the controller manager in process and
// no kubelets: the test plays the kubelet, reporting each pod's container as exited.

const cluster = useControlPlane();
const managers = useManagers(() => cluster.client);

const isFinished = (p: t.Pod): boolean => p.status?.phase === 'Succeeded' || p.status?.phase === 'Failed';

function jobManifest(namespace: string, name: string, spec: t.Job['spec'] = {}): t.Job {
  return {
    metadata: { name, namespace },
    spec: { template: { spec: { restartPolicy: 'Never', containers: [{ name: 'work', image: 'busybox:1.36', command: ['sh', '-c', 'echo done'] }] } }, ...spec },
  };
}

async function podsOfJob(client: ApiClient, namespace: string, job: string): Promise<t.Pod[]> {
  return (await client.resource('pod').list(namespace, { labelSelector: `batch.kubernetes.io/job-name=${job}` })).items;
}

async function runningPods(client: ApiClient, namespace: string, job: string): Promise<t.Pod[]> {
  return (await podsOfJob(client, namespace, job)).filter((p) => !isFinished(p) && !p.metadata?.deletionTimestamp);
}

/** What a kubelet reports when the pod's only container exits: 0 succeeds, anything else fails (restartPolicy Never). */
async function reportExit(client: ApiClient, pod: t.Pod, exitCode: number): Promise<void> {
  const at = formatTime(Date.now());
  const status: t.PodStatus = {
    phase: exitCode === 0 ? 'Succeeded' : 'Failed',
    startTime: at,
    containerStatuses: [{ name: 'work', image: 'busybox:1.36', ready: false, restartCount: 0, state: { terminated: { exitCode, reason: exitCode === 0 ? 'Completed' : 'Error', finishedAt: at } } }],
  };
  await client.resource('pod').patch(pod.metadata?.namespace ?? '', pod.metadata?.name ?? '', { status }, { type: 'strategic', status: true });
}

function jobCondition(job: t.Job, type: string): t.Condition | undefined {
  return job.status?.conditions?.find((c) => c.type === type && c.status === 'True');
}

/** timeoutMs below the test's own timeout names this wait when it is the one that stalls. */
async function finishedJob(client: ApiClient, namespace: string, name: string, type: 'Complete' | 'Failed', timeoutMs = 60_000): Promise<t.Job> {
  return eventually(async () => {
    const job = await client.resource('job').get(namespace, name);
    return jobCondition(job, type) ? job : undefined;
  }, timeoutMs, `job ${name} ${type}`);
}

/** The most pods of the namespace that were running at once, as a pod watch saw them; stop() ends the watch. */
function watchConcurrency(client: ApiClient, namespace: string): { max: () => number; stop: () => void } {
  const abort = new AbortController();
  const running = new Set<string>();
  let max = 0;
  void (async () => {
    try {
      for await (const event of client.resource('pod').watch(namespace, { signal: abort.signal })) {
        const pod = event.object as t.Pod;
        const uid = pod.metadata?.uid ?? '';
        if (event.type === 'DELETED' || isFinished(pod) || pod.metadata?.deletionTimestamp) running.delete(uid);
        else running.add(uid);
        max = Math.max(max, running.size);
      }
    } catch (err) {
      if (!abort.signal.aborted) throw err;
    }
  })();
  return { max: () => max, stop: () => abort.abort() };
}

describe('Job controller', () => {
  it('runs completions=5 with parallelism=2 to Complete, never more than 2 pods at once', async () => {
    const ns = await createNamespace(cluster.client, 'job-complete');
    await managers.start();
    const concurrency = watchConcurrency(cluster.client, ns);
    const job = await cluster.client.resource('job').create(jobManifest(ns, 'pi', { completions: 5, parallelism: 2 }));
    const uid = job.metadata?.uid ?? '';
    expect(job.spec?.selector).toEqual({ matchLabels: { 'batch.kubernetes.io/controller-uid': uid } });
    try {
      for (let done = 0; done < 5; done++) {
        const running = await eventually(async () => {
          const pods = await runningPods(cluster.client, ns, 'pi');
          return pods.length === Math.min(2, 5 - done) ? pods : undefined;
        });
        expect(running[0]?.metadata?.labels).toMatchObject({ 'controller-uid': uid, 'batch.kubernetes.io/controller-uid': uid, 'job-name': 'pi' });
        await reportExit(cluster.client, running[0]!, 0);
      }
      const complete = await finishedJob(cluster.client, ns, 'pi', 'Complete');
      expect(complete.status).toMatchObject({ succeeded: 5, startTime: expect.any(String), completionTime: expect.any(String) });
      expect(complete.status?.active ?? 0).toBe(0);
      expect(await podsOfJob(cluster.client, ns, 'pi')).toHaveLength(5);
      expect(concurrency.max()).toBe(2);
      await eventually(async () => (await eventMessages(cluster.client, ns, 'pi', 'Completed')).includes('Job completed'));
      expect(await eventMessages(cluster.client, ns, 'pi', 'SuccessfulCreate')).toHaveLength(5);
    } finally {
      concurrency.stop();
    }

    // Deleting the Job takes its pods with it (the garbage collector follows the controller references).
    await cluster.client.resource('job').delete(ns, 'pi', { propagationPolicy: 'Background' });
    await eventually(async () => (await podsOfJob(cluster.client, ns, 'pi')).length === 0);
  });

  it('fails with BackoffLimitExceeded once more pods failed than backoffLimit allows', async () => {
    const ns = await createNamespace(cluster.client, 'job-backoff');
    await managers.start({ settings: { jobBackoffBaseMs: 200 } });
    await cluster.client.resource('job').create(jobManifest(ns, 'flaky', { backoffLimit: 2 }));
    const failed = new Set<string>();
    for (let attempt = 0; attempt < 3; attempt++) {
      const [pod] = await eventually(async () => {
        const pods = (await runningPods(cluster.client, ns, 'flaky')).filter((p) => !failed.has(p.metadata?.uid ?? ''));
        return pods.length === 1 ? pods : undefined;
      });
      failed.add(pod!.metadata?.uid ?? '');
      await reportExit(cluster.client, pod!, 1);
    }
    const job = await finishedJob(cluster.client, ns, 'flaky', 'Failed');
    expect(jobCondition(job, 'Failed')).toMatchObject({ reason: 'BackoffLimitExceeded', message: 'Job has reached the specified backoff limit' });
    expect(job.status?.failed).toBe(3);
    await eventually(async () => (await eventMessages(cluster.client, ns, 'flaky', 'BackoffLimitExceeded')).length > 0);
    expect(await runningPods(cluster.client, ns, 'flaky')).toHaveLength(0);
  });

  it('runs an Indexed Job: one pod per index with its hostname and index, completedIndexes as ranges', async () => {
    const ns = await createNamespace(cluster.client, 'job-indexed');
    await managers.start();
    await cluster.client.resource('job').create(jobManifest(ns, 'shards', { completionMode: 'Indexed', completions: 3, parallelism: 2 }));
    const seen: string[] = [];
    for (let done = 0; done < 3; done++) {
      const running = await eventually(async () => {
        const pods = await runningPods(cluster.client, ns, 'shards');
        return pods.length === Math.min(2, 3 - done) ? pods : undefined;
      });
      const pod = running.sort((a, b) => (a.metadata?.name ?? '').localeCompare(b.metadata?.name ?? ''))[0]!;
      const index = pod.metadata?.annotations?.['batch.kubernetes.io/job-completion-index'] ?? '';
      expect(pod.metadata?.labels?.['batch.kubernetes.io/job-completion-index']).toBe(index);
      expect(pod.spec?.hostname).toBe(`shards-${index}`);
      expect(pod.spec?.containers?.[0]?.env?.find((e) => e.name === 'JOB_COMPLETION_INDEX')?.valueFrom?.fieldRef?.fieldPath).toBe(
        "metadata.annotations['batch.kubernetes.io/job-completion-index']",
      );
      seen.push(index);
      await reportExit(cluster.client, pod, 0);
      if (done === 0) await eventually(async () => (await cluster.client.resource('job').get(ns, 'shards')).status?.completedIndexes === index);
    }
    expect(seen.sort()).toEqual(['0', '1', '2']);
    const job = await finishedJob(cluster.client, ns, 'shards', 'Complete');
    expect(job.status).toMatchObject({ completedIndexes: '0-2', succeeded: 3 });
  });
});

describe('Job controller: ttlSecondsAfterFinished', () => {
  it('deletes a finished Job and its pods once the TTL has passed', async () => {
    const ns = await createNamespace(cluster.client, 'job-ttl');
    await managers.start();
    await cluster.client.resource('job').create(jobManifest(ns, 'once', { ttlSecondsAfterFinished: 1 }));
    const [pod] = await eventually(async () => {
      const pods = await runningPods(cluster.client, ns, 'once');
      return pods.length === 1 ? pods : undefined;
    });
    await reportExit(cluster.client, pod!, 0);
    await finishedJob(cluster.client, ns, 'once', 'Complete', 30_000);
    await eventually(async () => (await cluster.client.resource('job').list(ns)).items.length === 0, 30_000, 'job deleted');
    await eventually(async () => (await podsOfJob(cluster.client, ns, 'once')).length === 0, 30_000, 'pods deleted');
  });
});

describe('CronJob controller', () => {
  it('creates a Job at each scheduled minute (on an injected clock) and prunes finished ones past the history limit', async () => {
    const ns = await createNamespace(cluster.client, 'cronjob-history');
    let clock = Date.now();
    await managers.start({ now: () => clock });
    const cronJob = await cluster.client.resource('cronJob').create({
      metadata: { name: 'hello', namespace: ns },
      spec: {
        schedule: '*/1 * * * *',
        successfulJobsHistoryLimit: 2,
        jobTemplate: { spec: { template: { spec: { restartPolicy: 'OnFailure', containers: [{ name: 'work', image: 'busybox:1.36', command: ['date'] }] } } } },
      },
    });
    expect(cronJob.spec).toMatchObject({ concurrencyPolicy: 'Allow', suspend: false, failedJobsHistoryLimit: 1 });
    const first = parseSchedule('*/1 * * * *').next(parseTime(cronJob.metadata?.creationTimestamp))!;
    const names: string[] = [];
    for (let run = 0; run < 4; run++) {
      const scheduled = first + run * 60_000;
      clock = scheduled + 5_000;
      // An edit wakes the controller now rather than at the next minute of the real clock.
      await cluster.client.resource('cronJob').patch(ns, 'hello', { metadata: { labels: { run: String(run) } } });
      const name = `hello-${scheduled / 60_000}`;
      names.push(name);
      const job = await eventually(async () => (await cluster.client.resource('job').list(ns)).items.find((j) => j.metadata?.name === name), 30_000, `job ${name}`);
      expect(job.metadata?.ownerReferences?.[0]).toMatchObject({ kind: 'CronJob', name: 'hello', uid: cronJob.metadata?.uid, controller: true });
      await eventually(async () => (await cluster.client.resource('cronJob').get(ns, 'hello')).status?.lastScheduleTime === formatTime(scheduled));
      const [pod] = await eventually(async () => {
        const pods = await runningPods(cluster.client, ns, name);
        return pods.length === 1 ? pods : undefined;
      });
      await reportExit(cluster.client, pod!, 0);
      await finishedJob(cluster.client, ns, name, 'Complete');
    }
    const left = await eventually(async () => {
      const jobs = (await cluster.client.resource('job').list(ns)).items.filter((j) => !j.metadata?.deletionTimestamp).map((j) => j.metadata?.name ?? '');
      return jobs.length === 2 ? jobs.sort() : undefined;
    });
    expect(left).toEqual(names.slice(2).sort());
    const status = await eventually(async () => {
      const s = (await cluster.client.resource('cronJob').get(ns, 'hello')).status;
      return (s?.active ?? []).length === 0 && s?.lastSuccessfulTime ? s : undefined;
    });
    expect(status.lastScheduleTime).toBe(formatTime(first + 3 * 60_000));
    expect((await eventMessages(cluster.client, ns, 'hello', 'SuccessfulDelete')).sort()).toEqual(names.slice(0, 2).map((n) => `Deleted job ${n}`).sort());
    // The pruned Jobs' pods go with them.
    await eventually(async () => (await cluster.client.resource('pod').list(ns)).items.length === 2);
  });
});

describe('batch/v1 bad input', () => {
  async function refused(create: () => Promise<unknown>): Promise<string> {
    const err = await create().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(ApiError);
    expect((err as ApiError).reason).toBe('Invalid');
    return (err as Error).message;
  }

  it('names the field of an invalid schedule, time zone or restart policy, and stores nothing', async () => {
    const ns = await createNamespace(cluster.client, 'batch-bad-input');
    const template = { spec: { restartPolicy: 'OnFailure', containers: [{ name: 'work', image: 'busybox:1.36' }] } };
    expect(await refused(() => cluster.client.resource('cronJob').create({ metadata: { name: 'bad', namespace: ns }, spec: { schedule: 'every morning', jobTemplate: { spec: { template } } } }))).toBe(
      'CronJob "bad" is invalid: spec.schedule: Invalid value: "every morning": expected exactly 5 fields, found 2: [every morning]',
    );
    expect(
      await refused(() => cluster.client.resource('cronJob').create({ metadata: { name: 'bad', namespace: ns }, spec: { schedule: '0 9 * * *', timeZone: 'Mars/Olympus', jobTemplate: { spec: { template } } } })),
    ).toBe('CronJob "bad" is invalid: spec.timeZone: Invalid value: "Mars/Olympus": unknown time zone Mars/Olympus');
    expect(await refused(() => cluster.client.resource('job').create({ metadata: { name: 'bad', namespace: ns }, spec: { template: { spec: { containers: [{ name: 'work', image: 'busybox:1.36' }] } } } }))).toBe(
      'Job "bad" is invalid: spec.template.spec.restartPolicy: Unsupported value: "Always": supported values: "OnFailure", "Never"',
    );
    expect((await cluster.client.resource('cronJob').list(ns)).items).toEqual([]);
    expect((await cluster.client.resource('job').list(ns)).items).toEqual([]);
  });
});
