import { beforeAll, describe, expect, it } from 'vitest';
import type { CronJob, Job } from '../../../lib/api/generated/index.js';
import { resourceByName } from '../../../lib/api/resources.js';
import { describeObject } from './index.js';

beforeAll(() => {
  process.env.TZ = 'UTC';
});

const now = Date.parse('2024-05-10T12:00:00Z');
const template = { metadata: { labels: { 'job-name': 'pi' } }, spec: { restartPolicy: 'Never', containers: [{ name: 'pi', image: 'perl:5.34', command: ['perl', '-e', 'print 1'] }] } };

describe('kubectl describe job / cronjob', () => {
  it('describes an Indexed Job with its counts, times, indexes and events', () => {
    const job: Job = {
      metadata: { name: 'pi', namespace: 'default', labels: { 'job-name': 'pi' } },
      spec: { parallelism: 2, completions: 3, completionMode: 'Indexed', suspend: false, backoffLimit: 6, selector: { matchLabels: { 'batch.kubernetes.io/controller-uid': 'u1' } }, template },
      status: { startTime: '2024-05-10T11:58:00Z', completionTime: '2024-05-10T11:59:30Z', succeeded: 3, ready: 0, completedIndexes: '0-2' },
    };
    const events = [{ type: 'Normal', reason: 'Completed', message: 'Job completed', source: { component: 'job-controller' }, firstTimestamp: '2024-05-10T11:59:30Z', lastTimestamp: '2024-05-10T11:59:30Z', count: 1 }];
    const text = describeObject(resourceByName('jobs')!, job, { now, events });
    expect(text.split('\n').slice(0, 17)).toEqual([
      'Name:               pi',
      'Namespace:          default',
      'Selector:           batch.kubernetes.io/controller-uid=u1',
      'Labels:             job-name=pi',
      'Annotations:        <none>',
      'Parallelism:        2',
      'Completions:        3',
      'Completion Mode:    Indexed',
      'Suspend:            false',
      'Backoff Limit:      6',
      'Start Time:         Fri, 10 May 2024 11:58:00 +0000',
      'Completed At:       Fri, 10 May 2024 11:59:30 +0000',
      'Duration:           90s',
      'Pods Statuses:      0 Active (0 Ready) / 3 Succeeded / 0 Failed',
      'Completed Indexes:  0-2',
      'Pod Template:',
      '  Labels:  job-name=pi',
    ]);
    expect(text).toContain('  Normal  Completed  30s   job-controller  Job completed\n');
  });

  it('describes a CronJob with its policies, job template, last schedule and active Jobs', () => {
    const cronJob: CronJob = {
      metadata: { name: 'hello', namespace: 'default' },
      spec: { schedule: '*/1 * * * *', concurrencyPolicy: 'Allow', suspend: false, successfulJobsHistoryLimit: 3, failedJobsHistoryLimit: 1, jobTemplate: { spec: { template } } },
      status: { lastScheduleTime: '2024-05-10T11:59:00Z', active: [{ name: 'hello-28590000' }] },
    };
    const lines = describeObject(resourceByName('cronjobs')!, cronJob, { now }).split('\n');
    expect(lines.slice(0, 14)).toEqual([
      'Name:                          hello',
      'Namespace:                     default',
      'Labels:                        <none>',
      'Annotations:                   <none>',
      'Schedule:                      */1 * * * *',
      'Concurrency Policy:            Allow',
      'Suspend:                       False',
      'Successful Job History Limit:  3',
      'Failed Job History Limit:      1',
      'Starting Deadline Seconds:     <unset>',
      'Selector:                      <unset>',
      'Parallelism:                   <unset>',
      'Completions:                   <unset>',
      'Pod Template:',
    ]);
    expect(lines.slice(-3)).toEqual(['Last Schedule Time:  Fri, 10 May 2024 11:59:00 +0000', 'Active Jobs:         hello-28590000', '']);
  });
});
