import { describe, expect, it } from 'vitest';
import type { CronJob, Job } from '../../../lib/api/generated/index.js';
import { resourceByName } from '../../../lib/api/resources.js';
import { printTable } from './registry.js';

const now = Date.parse('2024-05-10T12:00:00Z');
const ago = (seconds: number): string => new Date(now - seconds * 1000).toISOString();
const template = { spec: { containers: [{ name: 'pi', image: 'busybox:1.36' }] } };
const selector = { matchLabels: { 'batch.kubernetes.io/controller-uid': 'u1' } };

const jobs: Job[] = [
  {
    metadata: { name: 'done', creationTimestamp: ago(600) },
    spec: { completions: 5, parallelism: 2, selector, template },
    status: { succeeded: 5, startTime: ago(590), completionTime: ago(500), conditions: [{ type: 'Complete', status: 'True' }] },
  },
  { metadata: { name: 'running', creationTimestamp: ago(30) }, spec: { completions: 3, selector, template }, status: { succeeded: 1, startTime: ago(25) } },
  {
    metadata: { name: 'broken', creationTimestamp: ago(300) },
    spec: { completions: 1, selector, template },
    status: { failed: 7, startTime: ago(300), conditions: [{ type: 'Failed', status: 'True', reason: 'BackoffLimitExceeded' }] },
  },
  { metadata: { name: 'queue', creationTimestamp: ago(60) }, spec: { parallelism: 3, selector, template }, status: {} },
  { metadata: { name: 'paused', creationTimestamp: ago(60) }, spec: { completions: 1, suspend: true, selector, template }, status: { conditions: [{ type: 'Suspended', status: 'True' }] } },
];

const cronJobs: CronJob[] = [
  {
    metadata: { name: 'hello', creationTimestamp: ago(3600) },
    spec: { schedule: '*/1 * * * *', suspend: false, jobTemplate: { spec: { template } } },
    status: { active: [{ name: 'hello-28590000' }], lastScheduleTime: ago(20) },
  },
  { metadata: { name: 'nightly', creationTimestamp: ago(7200) }, spec: { schedule: '@daily', timeZone: 'Europe/Berlin', suspend: true, jobTemplate: { spec: { template } } }, status: {} },
];

describe('kubectl get jobs', () => {
  it('prints NAME STATUS COMPLETIONS DURATION AGE', () => {
    expect(printTable(resourceByName('jobs')!, jobs, { now })).toBe(
      [
        'NAME      STATUS      COMPLETIONS   DURATION   AGE',
        'done      Complete    5/5           90s        10m',
        'running   Running     1/3           25s        30s',
        'broken    Failed      0/1           5m         5m',
        'queue     Running     0/1 of 3                 60s',
        'paused    Suspended   0/1                      60s',
        '',
      ].join('\n'),
    );
  });

  it('adds CONTAINERS IMAGES SELECTOR with -o wide', () => {
    expect(printTable(resourceByName('jobs')!, jobs.slice(0, 1), { now, wide: true })).toBe(
      [
        'NAME   STATUS     COMPLETIONS   DURATION   AGE   CONTAINERS   IMAGES         SELECTOR',
        'done   Complete   5/5           90s        10m   pi           busybox:1.36   batch.kubernetes.io/controller-uid=u1',
        '',
      ].join('\n'),
    );
  });
});

describe('kubectl get cronjobs', () => {
  it('prints NAME SCHEDULE TIMEZONE SUSPEND ACTIVE LAST SCHEDULE AGE, and the template with -o wide', () => {
    expect(printTable(resourceByName('cronjobs')!, cronJobs, { now })).toBe(
      [
        'NAME      SCHEDULE      TIMEZONE        SUSPEND   ACTIVE   LAST SCHEDULE   AGE',
        'hello     */1 * * * *   <none>          False     1        20s             60m',
        'nightly   @daily        Europe/Berlin   True      0        <none>          120m',
        '',
      ].join('\n'),
    );
    expect(printTable(resourceByName('cronjobs')!, cronJobs.slice(0, 1), { now, wide: true }).split('\n')[1]).toMatch(/ pi +busybox:1\.36 +<none>$/);
  });
});
