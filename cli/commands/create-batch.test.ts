import { describe, expect, it } from 'vitest';
import { useFakeApiServer } from '../../lib/client/testing/fake-api-per-test.js';
import { runVerb } from '../testing/run-verb.js';

const api = useFakeApiServer();
const run = (...argv: string[]) => runVerb(argv, { client: api.client });

describe('kubets create job / cronjob', () => {
  it('creates a Job of one container named after it, restartPolicy Never, running the command after --', async () => {
    expect(await run('create', 'job', 'pi', '--image=perl:5.34', '--', 'perl', '-Mbignum=bpi', '-wle', 'print bpi(2000)')).toEqual({ stdout: 'job.batch/pi created\n', stderr: '', code: 0 });
    expect(api.fake.stored('job', 'default', 'pi')?.spec?.template?.spec).toEqual({
      containers: [{ name: 'pi', image: 'perl:5.34', command: ['perl', '-Mbignum=bpi', '-wle', 'print bpi(2000)'] }],
      restartPolicy: 'Never',
    });
  });

  it('creates a CronJob with its schedule and an OnFailure job template', async () => {
    expect(await run('create', 'cronjob', 'hello', '--image=busybox:1.36', '--schedule=*/1 * * * *', '--', 'date')).toEqual({ stdout: 'cronjob.batch/hello created\n', stderr: '', code: 0 });
    const cronJob = api.fake.stored('cronJob', 'default', 'hello');
    expect(cronJob?.spec?.schedule).toBe('*/1 * * * *');
    expect(cronJob?.spec?.jobTemplate).toEqual({
      metadata: { name: 'hello' },
      spec: { template: { spec: { containers: [{ name: 'hello', image: 'busybox:1.36', command: ['date'] }], restartPolicy: 'OnFailure' } } },
    });
    expect((await run('create', 'cronjob', 'nope', '--image=busybox:1.36')).stderr).toBe("error: required option '--schedule <cron>' not specified\n");
  });

  it('starts a Job by hand from a CronJob: its template, marked manual, owned by the CronJob', async () => {
    await run('create', 'cronjob', 'hello', '--image=busybox:1.36', '--schedule=@hourly', '--', 'date');
    const cronJob = api.fake.stored('cronJob', 'default', 'hello');
    expect(await run('create', 'job', 'hello-manual', '--from=cronjob/hello')).toEqual({ stdout: 'job.batch/hello-manual created\n', stderr: '', code: 0 });
    const job = api.fake.stored('job', 'default', 'hello-manual');
    expect(job?.metadata?.annotations).toEqual({ 'cronjob.kubernetes.io/instantiate': 'manual' });
    expect(job?.metadata?.ownerReferences).toEqual([{ apiVersion: 'batch/v1', kind: 'CronJob', name: 'hello', uid: cronJob?.metadata?.uid, controller: true }]);
    expect(job?.spec?.template?.spec?.containers?.[0]?.command).toEqual(['date']);
  });

  it.each([
    [['create', 'job', 'x'], 'error: either --image or --from must be specified\n'],
    [['create', 'job', 'x', '--image=a:1', '--from=cronjob/y'], 'error: either --image or --from must be specified\n'],
    [['create', 'job', 'x', '--from=cronjob/y', '--', 'date'], 'error: cannot specify --from and command\n'],
    [['create', 'job', 'x', '--from=deployment/y'], 'error: unknown object type Deployment\n'],
    [['create', 'job', 'x', '--from=cronjob'], 'error: --from must be TYPE/NAME, e.g. cronjob/hello (got "cronjob")\n'],
    [['create', 'job', 'x', '--from=cronjob/missing'], 'Error from server (NotFound): cronjobs "missing" not found\n'],
  ])('%j fails: %s', async (argv, stderr) => {
    expect(await run(...argv)).toMatchObject({ stderr, code: 1 });
  });
});
