import { describe, expect, it } from 'vitest';
import { conflict } from '../../../lib/api/errors.js';
import type { Job, Pod } from '../../../lib/api/generated/index.js';
import { formatTime } from '../../../lib/client/api-time.js';
import { eventually, useControllerTestEnv } from '../testing/fake-context.js';
import { JobController } from './job-controller.js';

const ns = 'default';

/** A Job as the apiserver stores it: its selector and the pod labels it generated (the fake apiserver has no defaulting). */
function job(name: string, spec: Job['spec'] = {}): Job {
  return {
    metadata: { name, namespace: ns },
    spec: {
      parallelism: 1,
      completions: 1,
      backoffLimit: 6,
      completionMode: 'NonIndexed',
      selector: { matchLabels: { 'job-name': name } },
      template: { metadata: { labels: { 'job-name': name } }, spec: { restartPolicy: 'Never', containers: [{ name: 'work', image: 'busybox:1.36' }] } },
      ...spec,
    },
  };
}

describe('JobController', () => {
  const env = useControllerTestEnv();
  const jobs = () => env.client.resource('job');
  const podsOf = async (name: string): Promise<Pod[]> => (await env.client.resource('pod').list(ns, { labelSelector: `job-name=${name}` })).items;
  const activePods = async (name: string): Promise<Pod[]> => (await podsOf(name)).filter((p) => !['Succeeded', 'Failed'].includes(p.status?.phase ?? ''));
  const start = (options: ConstructorParameters<typeof JobController>[1] = {}) => env.ctx.start(new JobController(env.ctx, { backoffBaseMs: 50, ...options }));

  /** Plays the kubelet: the pod's container exits with the phase's code. */
  async function finish(pod: Pod, phase: 'Succeeded' | 'Failed'): Promise<void> {
    const terminated = { exitCode: phase === 'Succeeded' ? 0 : 1, finishedAt: formatTime(env.ctx.now()) };
    await env.client
      .resource('pod')
      .patch(ns, pod.metadata!.name!, { status: { phase, containerStatuses: [{ name: 'work', image: 'busybox:1.36', state: { terminated } }] } }, { status: true });
  }

  const jobStatus = async (name: string) => (await jobs().get(ns, name)).status ?? {};
  const condition = (j: Job['status'], type: string) => j?.conditions?.find((c) => c.type === type && c.status === 'True');
  const reasons = async (): Promise<string[]> => (await env.client.resource('event').list(ns)).items.map((e) => e.reason ?? '');

  it('runs completions pods, at most parallelism at a time, then completes', async () => {
    const created = await jobs().create(job('pi', { completions: 3, parallelism: 2 }));
    await start();
    let maxActive = 0;
    for (let done = 0; done < 3; done++) {
      const running = await eventually(async () => {
        const active = await activePods('pi');
        return active.length === Math.min(2, 3 - done) ? active : undefined;
      });
      maxActive = Math.max(maxActive, running.length);
      await finish(running[0]!, 'Succeeded');
    }
    const status = await eventually(async () => {
      const s = await jobStatus('pi');
      return condition(s, 'Complete') ? s : undefined;
    });
    expect(maxActive).toBe(2);
    expect(status).toMatchObject({ succeeded: 3, startTime: expect.any(String), completionTime: expect.any(String) });
    expect(status.active ?? 0).toBe(0);
    expect(condition(status, 'Complete')).toMatchObject({ reason: 'Completed', message: 'Job completed' });
    const pods = await podsOf('pi');
    expect(pods).toHaveLength(3);
    for (const p of pods) {
      expect(p.metadata?.generateName).toBe('pi-');
      expect(p.metadata?.ownerReferences).toEqual([{ apiVersion: 'batch/v1', kind: 'Job', name: 'pi', uid: created.metadata?.uid, controller: true, blockOwnerDeletion: true }]);
    }
    await eventually(async () => (await reasons()).includes('Completed'));
    expect((await reasons()).filter((r) => r === 'SuccessfulCreate')).toHaveLength(3);
  });

  it('replaces failed pods after a backoff and fails the Job past backoffLimit', async () => {
    await jobs().create(job('flaky', { backoffLimit: 1 }));
    await start();
    const [first] = await eventually(async () => ((await activePods('flaky')).length === 1 ? activePods('flaky') : undefined));
    await finish(first!, 'Failed');
    const [second] = await eventually(async () => {
      const active = await activePods('flaky');
      return active.length === 1 && active[0]!.metadata?.uid !== first!.metadata?.uid ? active : undefined;
    });
    await finish(second!, 'Failed');
    const status = await eventually(async () => {
      const s = await jobStatus('flaky');
      return condition(s, 'Failed') ? s : undefined;
    });
    expect(condition(status, 'Failed')).toMatchObject({ reason: 'BackoffLimitExceeded', message: 'Job has reached the specified backoff limit' });
    expect(status.failed).toBe(2);
    expect(status.completionTime ?? '').toBe('');
    await eventually(async () => (await reasons()).includes('BackoffLimitExceeded'));
    expect(await activePods('flaky')).toHaveLength(0);
  });

  it('waits out the backoff before it creates a replacement', async () => {
    await jobs().create(job('slow', { backoffLimit: 3 }));
    await start({ backoffBaseMs: 60_000 });
    const [first] = await eventually(async () => ((await activePods('slow')).length === 1 ? activePods('slow') : undefined));
    await finish(first!, 'Failed');
    await eventually(async () => (await jobStatus('slow')).failed === 1);
    expect(await activePods('slow')).toHaveLength(0);
    // A minute later (by the controller's clock) the replacement comes; an edit of the Job wakes the controller.
    env.ctx.clockOffsetMs = 61_000;
    await jobs().patch(ns, 'slow', { metadata: { labels: { poke: '1' } } });
    await eventually(async () => (await activePods('slow')).length === 1);
  });

  it('counts container restarts against backoffLimit when pods restart OnFailure', async () => {
    const template = { metadata: { labels: { 'job-name': 'restarts' } }, spec: { restartPolicy: 'OnFailure', containers: [{ name: 'work', image: 'busybox:1.36' }] } };
    await jobs().create(job('restarts', { backoffLimit: 2, template }));
    await start();
    const [pod] = await eventually(async () => ((await activePods('restarts')).length === 1 ? activePods('restarts') : undefined));
    // The kubelet restarted the failing container twice in place.
    await env.client.resource('pod').patch(ns, pod!.metadata!.name!, { status: { phase: 'Running', containerStatuses: [{ name: 'work', image: 'busybox:1.36', restartCount: 2 }] } }, { status: true });
    const status = await eventually(async () => {
      const s = await jobStatus('restarts');
      return condition(s, 'Failed') ? s : undefined;
    });
    expect(condition(status, 'Failed')?.reason).toBe('BackoffLimitExceeded');
    await eventually(async () => (await activePods('restarts')).length === 0);
  });

  it('deletes running pods beyond a lowered parallelism', async () => {
    await jobs().create(job('wide', { completions: 10, parallelism: 3 }));
    await start();
    await eventually(async () => (await activePods('wide')).length === 3);
    await jobs().patch(ns, 'wide', { spec: { parallelism: 1 } });
    await eventually(async () => (await activePods('wide')).length === 1);
    await eventually(async () => (await reasons()).filter((r) => r === 'SuccessfulDelete').length === 2);
  });

  it('gives an Indexed Job one pod per index and reports completedIndexes', async () => {
    await jobs().create(job('indexed', { completionMode: 'Indexed', completions: 3, parallelism: 3 }));
    await start();
    const pods = await eventually(async () => ((await activePods('indexed')).length === 3 ? activePods('indexed') : undefined));
    const byIndex = new Map(pods.map((p) => [p.metadata?.annotations?.['batch.kubernetes.io/job-completion-index'], p]));
    expect([...byIndex.keys()].sort()).toEqual(['0', '1', '2']);
    const one = byIndex.get('1')!;
    expect(one.metadata?.labels?.['batch.kubernetes.io/job-completion-index']).toBe('1');
    expect(one.metadata?.generateName).toBe('indexed-1-');
    expect(one.spec?.hostname).toBe('indexed-1');
    expect(one.spec?.containers?.[0]?.env).toContainEqual({
      name: 'JOB_COMPLETION_INDEX',
      valueFrom: { fieldRef: { fieldPath: "metadata.annotations['batch.kubernetes.io/job-completion-index']" } },
    });
    await finish(byIndex.get('0')!, 'Succeeded');
    await finish(byIndex.get('2')!, 'Succeeded');
    await eventually(async () => (await jobStatus('indexed')).completedIndexes === '0,2');
    await finish(one, 'Succeeded');
    const status = await eventually(async () => {
      const s = await jobStatus('indexed');
      return condition(s, 'Complete') ? s : undefined;
    });
    expect(status).toMatchObject({ completedIndexes: '0-2', succeeded: 3 });
  });

  it('replaces a failed index with a pod of the same index', async () => {
    await jobs().create(job('retry-index', { completionMode: 'Indexed', completions: 2, parallelism: 2 }));
    await start();
    const pods = await eventually(async () => ((await activePods('retry-index')).length === 2 ? activePods('retry-index') : undefined));
    const failing = pods.find((p) => p.metadata?.annotations?.['batch.kubernetes.io/job-completion-index'] === '1')!;
    await finish(failing, 'Failed');
    const replacement = await eventually(async () =>
      (await activePods('retry-index')).find((p) => p.metadata?.uid !== failing.metadata?.uid && p.metadata?.annotations?.['batch.kubernetes.io/job-completion-index'] === '1'),
    );
    expect(replacement.spec?.hostname).toBe('retry-index-1');
  });

  it('fails a Job past activeDeadlineSeconds and deletes its pods', async () => {
    await jobs().create(job('late', { activeDeadlineSeconds: 30 }));
    await start();
    await eventually(async () => (await activePods('late')).length === 1);
    env.ctx.clockOffsetMs = 31_000;
    await jobs().patch(ns, 'late', { metadata: { labels: { poke: '1' } } });
    const status = await eventually(async () => {
      const s = await jobStatus('late');
      return condition(s, 'Failed') ? s : undefined;
    });
    expect(condition(status, 'Failed')).toMatchObject({ reason: 'DeadlineExceeded', message: 'Job was active longer than specified deadline' });
    await eventually(async () => (await podsOf('late')).length === 0);
  });

  it('runs no pods while suspended, and starts them on resume', async () => {
    await jobs().create(job('later', { suspend: true }));
    await start();
    const suspended = await eventually(async () => condition(await jobStatus('later'), 'Suspended'));
    expect(suspended).toMatchObject({ reason: 'JobSuspended', message: 'Job suspended' });
    expect(await podsOf('later')).toHaveLength(0);
    await jobs().patch(ns, 'later', { spec: { suspend: false } });
    await eventually(async () => (await activePods('later')).length === 1);
    const resumed = (await jobStatus('later')).conditions?.find((c) => c.type === 'Suspended');
    expect(resumed).toMatchObject({ status: 'False', reason: 'JobResumed' });
    await eventually(async () => (await reasons()).includes('Resumed'));
  });

  it('completes a work queue (no completions) once a pod succeeded and the others stopped', async () => {
    await jobs().create(job('queue', { completions: undefined, parallelism: 2 }));
    await start();
    const [a, b] = await eventually(async () => ((await activePods('queue')).length === 2 ? activePods('queue') : undefined));
    await finish(a!, 'Succeeded');
    await eventually(async () => (await jobStatus('queue')).succeeded === 1);
    expect(await activePods('queue')).toHaveLength(1);
    expect(condition(await jobStatus('queue'), 'Complete')).toBeUndefined();
    await finish(b!, 'Succeeded');
    await eventually(async () => condition(await jobStatus('queue'), 'Complete'));
  });

  it('deletes a finished Job after ttlSecondsAfterFinished', async () => {
    await jobs().create(job('short-lived', { ttlSecondsAfterFinished: 0 }));
    await start();
    const [pod] = await eventually(async () => ((await activePods('short-lived')).length === 1 ? activePods('short-lived') : undefined));
    await finish(pod!, 'Succeeded');
    await eventually(async () => !(await jobs().list(ns)).items.some((j) => j.metadata?.name === 'short-lived'));
  });

  it('retries the ttlSecondsAfterFinished delete that lost to concurrent writes, though no event comes', async () => {
    await jobs().create(job('contended', { ttlSecondsAfterFinished: 0 }));
    await start();
    const [pod] = await eventually(async () => ((await activePods('contended')).length === 1 ? activePods('contended') : undefined));
    env.fake.failNext('Delete', conflict('jobs', 'contended', 'too many concurrent changes, try again'));
    await finish(pod!, 'Succeeded');
    await eventually(async () => !(await jobs().list(ns)).items.some((j) => j.metadata?.name === 'contended'));
    expect(env.fake.callCount('Delete')).toBe(2);
  });
});
