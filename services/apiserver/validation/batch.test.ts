import { describe, expect, it } from 'vitest';
import type { Job } from '../../../lib/api/generated/index.js';
import { container, createErrors, defaulted, type Json, updateErrors } from './test-support.js';

const UID = '6f1c2a9e-0000-4000-8000-000000000001';

const podTemplate = (spec: Json = {}, labels?: Json): Json => ({
  ...(labels ? { metadata: { labels } } : {}),
  spec: { restartPolicy: 'Never', containers: [container()], ...spec },
});

/** A Job as the registry sees it on create: the uid is already assigned, so the selector is generated. */
function job(spec: Json = {}, metadata: Json = {}): Json {
  return { apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'pi', uid: UID, ...metadata }, spec: { template: podTemplate(), ...spec } };
}

function cronJob(spec: Json = {}, metadata: Json = {}): Json {
  return {
    apiVersion: 'batch/v1',
    kind: 'CronJob',
    metadata: { name: 'hello', ...metadata },
    spec: { schedule: '*/5 * * * *', jobTemplate: { spec: { template: podTemplate({ restartPolicy: 'OnFailure' }) } }, ...spec },
  };
}

describe('Job defaults', () => {
  it('generates the selector and the pod labels from the uid and name, and labels the Job like its pods', () => {
    const { object } = defaulted(job());
    const spec = (object as Job).spec!;
    expect(spec).toMatchObject({ parallelism: 1, completions: 1, backoffLimit: 6, completionMode: 'NonIndexed', suspend: false });
    expect(spec.selector).toEqual({ matchLabels: { 'batch.kubernetes.io/controller-uid': UID } });
    const labels = { 'controller-uid': UID, 'batch.kubernetes.io/controller-uid': UID, 'job-name': 'pi', 'batch.kubernetes.io/job-name': 'pi' };
    expect(spec.template?.metadata?.labels).toEqual(labels);
    expect(object.metadata?.labels).toEqual(labels);
  });

  it('leaves completions unset for a work queue (parallelism without completions)', () => {
    const spec = (defaulted(job({ parallelism: 3 })).object as Job).spec!;
    expect(spec.completions).toBeUndefined();
    expect(spec.parallelism).toBe(3);
  });

  it('keeps a manual selector as written', () => {
    const spec = (defaulted(job({ manualSelector: true, selector: { matchLabels: { app: 'pi' } }, template: podTemplate({}, { app: 'pi' }) })).object as Job).spec!;
    expect(spec.selector).toEqual({ matchLabels: { app: 'pi' } });
    expect(spec.template?.metadata?.labels).toEqual({ app: 'pi' });
  });
});

describe('Job validation', () => {
  it.each<[string, Json, string[]]>([
    ['a minimal Job', job(), []],
    ['an Indexed Job', job({ completionMode: 'Indexed', completions: 3, parallelism: 3 }), []],
    ['a manual selector matching its template', job({ manualSelector: true, selector: { matchLabels: { app: 'pi' } }, template: podTemplate({}, { app: 'pi' }) }), []],
    [
      'a template that restarts always (the pod default)',
      job({ template: { spec: { containers: [container()] } } }),
      ['spec.template.spec.restartPolicy: Unsupported value: "Always": supported values: "OnFailure", "Never"'],
    ],
    ['negative parallelism', job({ parallelism: -1 }), ['spec.parallelism: Invalid value: -1: must be greater than or equal to 0']],
    ['negative backoffLimit', job({ backoffLimit: -2 }), ['spec.backoffLimit: Invalid value: -2: must be greater than or equal to 0']],
    ['negative activeDeadlineSeconds', job({ activeDeadlineSeconds: -5 }), ['spec.activeDeadlineSeconds: Invalid value: -5: must be greater than or equal to 0']],
    ['negative ttlSecondsAfterFinished', job({ ttlSecondsAfterFinished: -1 }), ['spec.ttlSecondsAfterFinished: Invalid value: -1: must be greater than or equal to 0']],
    ['an unknown completion mode', job({ completionMode: 'Sometimes' }), ['spec.completionMode: Unsupported value: "Sometimes": supported values: "NonIndexed", "Indexed"']],
    ['an Indexed Job without completions', job({ completionMode: 'Indexed', parallelism: 2 }), ['spec.completions: Required value: when completion mode is Indexed']],
    [
      'an Indexed Job whose last pod hostname is too long',
      job({ completionMode: 'Indexed', completions: 10 }, { name: 'x'.repeat(62) }),
      [`metadata.name: Invalid value: "${'x'.repeat(62)}": will not able to create pod with invalid DNS label: ${'x'.repeat(62)}-9`],
    ],
  ])('%s', (_title, manifest, expected) => {
    expect(createErrors(manifest)).toEqual(expected);
  });

  it('refuses a selector the user wrote without manualSelector', () => {
    const errors = createErrors(job({ selector: { matchLabels: { 'batch.kubernetes.io/controller-uid': 'someone-else' } } }));
    expect(errors[0]).toBe('spec.selector: Invalid value: {"matchLabels":{"batch.kubernetes.io/controller-uid":"someone-else"}}: `selector` not auto-generated');
    expect(errors[1]).toMatch(/^spec\.template\.metadata\.labels: Invalid value: .*: `selector` does not match template `labels`$/);
  });

  it('keeps the selector, completions and a started template immutable', () => {
    expect(updateErrors(job({ parallelism: 4, completions: 1 }), job())).toEqual([]);
    expect(updateErrors(job({ completions: 4 }), job())).toEqual(['spec.completions: Invalid value: 4: field is immutable']);
    expect(updateErrors(job({ template: podTemplate({ containers: [container({ image: 'busybox:1.37' })] }) }), job())[0]).toMatch(/^spec\.template: Invalid value: .*: field is immutable$/);
    expect(updateErrors(job({ suspend: false, template: podTemplate({ restartPolicy: 'OnFailure' }) }), job({ suspend: true }))).toEqual([]);
  });
});

describe('CronJob', () => {
  it('defaults the policy, suspend and history limits', () => {
    const { object } = defaulted(cronJob());
    expect((object as { spec?: Json }).spec).toMatchObject({ concurrencyPolicy: 'Allow', suspend: false, successfulJobsHistoryLimit: 3, failedJobsHistoryLimit: 1 });
  });

  it.each<[string, Json, string[]]>([
    ['a minimal CronJob', cronJob(), []],
    ['a macro in a time zone', cronJob({ schedule: '@daily', timeZone: 'Europe/Berlin' }), []],
    ['no schedule', cronJob({ schedule: '' }), ['spec.schedule: Required value']],
    ['a schedule that is not cron', cronJob({ schedule: 'every minute' }), ['spec.schedule: Invalid value: "every minute": expected exactly 5 fields, found 2: [every minute]']],
    ['a minute out of range', cronJob({ schedule: '75 * * * *' }), ['spec.schedule: Invalid value: "75 * * * *": Constraint error, got value 75 expected range 0-59']],
    [
      'a time zone in the schedule',
      cronJob({ schedule: 'CRON_TZ=UTC 0 * * * *' }),
      [
        'spec.schedule: Invalid value: "CRON_TZ=UTC 0 * * * *": expected exactly 5 fields, found 6: [CRON_TZ=UTC 0 * * * *]',
        'spec.schedule: Invalid value: "CRON_TZ=UTC 0 * * * *": cannot use TZ or CRON_TZ in schedule, use timeZone field instead',
      ],
    ],
    ['an unknown time zone', cronJob({ timeZone: 'Mars/Olympus' }), ['spec.timeZone: Invalid value: "Mars/Olympus": unknown time zone Mars/Olympus']],
    ['an unknown concurrency policy', cronJob({ concurrencyPolicy: 'Sometimes' }), ['spec.concurrencyPolicy: Unsupported value: "Sometimes": supported values: "Allow", "Forbid", "Replace"']],
    ['a negative history limit', cronJob({ failedJobsHistoryLimit: -1 }), ['spec.failedJobsHistoryLimit: Invalid value: -1: must be greater than or equal to 0']],
    [
      'a job template that restarts always',
      cronJob({ jobTemplate: { spec: { template: { spec: { containers: [container()] } } } } }),
      ['spec.jobTemplate.spec.template.spec.restartPolicy: Unsupported value: "Always": supported values: "OnFailure", "Never"'],
    ],
    ['a name too long for its Jobs', cronJob({}, { name: 'c'.repeat(53) }), [`metadata.name: Invalid value: "${'c'.repeat(53)}": must be no more than 52 characters`]],
  ])('%s', (_title, manifest, expected) => {
    expect(createErrors(manifest)).toEqual(expected);
  });
});
