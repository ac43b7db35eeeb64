import { beforeAll, describe, expect, it } from 'vitest';
import type { ApiClient } from '../../lib/client/client.js';
import { useFakeApiServer } from '../../lib/client/testing/fake-api-per-test.js';
import { runVerb } from '../testing/run-verb.js';

const api = useFakeApiServer(undefined, { scope: 'suite' });
let client: ApiClient;

beforeAll(async () => {
  client = api.client;
  await client.resource('pod').create({
    metadata: { name: 'web', namespace: 'default' },
    spec: { containers: [{ name: 'web', image: 'web:v1' }, { name: 'side', image: 'side:v1' }] },
    status: { phase: 'Running' },
  });
  await client.resource('replicationController').create({
    metadata: { name: 'webrc', namespace: 'default' },
    spec: { replicas: 1, selector: { app: 'web' }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: 'web:v1' }] } } },
  });
  await client.resource('pod').create({
    metadata: { name: 'webrc-abcde', namespace: 'default', labels: { app: 'web' } },
    spec: { containers: [{ name: 'web', image: 'web:v1' }] },
  });
  await client.resource('job').create({
    metadata: { name: 'pi', namespace: 'default' },
    spec: { selector: { matchLabels: { 'batch.kubernetes.io/controller-uid': 'u-pi' } }, template: { spec: { restartPolicy: 'Never', containers: [{ name: 'pi', image: 'perl:5.34' }] } } },
  });
  await client.resource('pod').create({
    metadata: { name: 'pi-x2k9q', namespace: 'default', labels: { 'batch.kubernetes.io/controller-uid': 'u-pi' } },
    spec: { containers: [{ name: 'pi', image: 'perl:5.34' }] },
  });
  api.fake.logs.set('default/web', ['line 1\n', 'line 2\n']);
  api.fake.logs.set('default/pi-x2k9q', ['3.14159\n']);
  api.fake.logs.set('default/webrc-abcde', ['from the rc pod\n']);
});

describe('kubets exec', () => {
  it('propagates the exit code and says so like kubectl', async () => {
    const run = await runVerb(['exec', 'web', '-c', 'web', '--', 'exit', '3'], { client });
    expect(run).toEqual({ stdout: '', stderr: 'command terminated with exit code 3\n', code: 3 });
  });

  it('forwards stdin with -i and defaults the container with a note', async () => {
    const run = await runVerb(['exec', '-i', 'web', '--', 'cat'], { client, stdin: 'hello\n' });
    expect(run.stdout).toBe('hello\n');
    expect(run.stderr).toBe('Defaulted container "web" out of: web, side\n');
    expect(run.code).toBe(0);
  });

  it('warns that -t without a terminal runs without a TTY', async () => {
    const run = await runVerb(['exec', '-it', 'web', '-c', 'web', '--', 'echo', 'hi'], { client, stdin: '' });
    expect(run.stdout).toBe('hi\n');
    expect(run.stderr).toBe('Unable to use a TTY - input is not a terminal or the right kind of file\n');
  });

  it('needs a command and an existing container', async () => {
    expect((await runVerb(['exec', 'web'], { client })).stderr).toBe('error: you must specify at least one command for the container\n');
    expect((await runVerb(['exec', 'web', '-c', 'nope', '--', 'ls'], { client })).stderr).toBe('error: container nope is not valid for pod web\n');
    expect((await runVerb(['exec', 'gone', '--', 'ls'], { client })).stderr).toBe('Error from server (NotFound): pods "gone" not found\n');
  });
});

describe('kubets logs', () => {
  it('reads every selected pod, all containers, each line behind its source with --prefix', async () => {
    const run = await runVerb(['logs', '-l', 'app=web', '--all-containers', '--prefix'], { client });
    expect(run.stdout).toBe('[pod/webrc-abcde/web] from the rc pod\n');
    const web = await runVerb(['logs', 'web', '--all-containers', '--prefix'], { client });
    expect(web.stdout).toBe('[pod/web/web] line 1\n[pod/web/web] line 2\n[pod/web/side] line 1\n[pod/web/side] line 2\n');
  });

  it('refuses to follow more streams than --max-log-requests, as kubectl does', async () => {
    const run = await runVerb(['logs', 'web', '--all-containers', '-f', '--max-log-requests', '1'], { client });
    expect(run.code).not.toBe(0);
    expect(run.stderr).toContain('you are attempting to follow 2 log streams, but maximum allowed concurrency is 1, use --max-log-requests to increase the limit');
  });

  it('takes a pod name or a selector, not both', async () => {
    expect((await runVerb(['logs', 'web', '-l', 'app=web'], { client })).stderr).toContain('only one of a pod name and -l/--selector is allowed');
    expect((await runVerb(['logs'], { client })).stderr).toContain('expected a pod name or a selector');
  });

  it('prints a container log', async () => {
    const run = await runVerb(['logs', 'web', '-c', 'side'], { client });
    expect(run).toEqual({ stdout: 'line 1\nline 2\n', stderr: '', code: 0 });
  });

  it('finds the pod of a workload', async () => {
    const run = await runVerb(['logs', 'rc/webrc'], { client });
    expect(run.stdout).toBe('from the rc pod\n');
    expect((await runVerb(['logs', 'job/pi'], { client })).stdout).toBe('3.14159\n');
  });

  it('sends the tail, previous and timestamp options', async () => {
    await runVerb(['logs', 'web', 'web', '--tail=5', '-p', '--timestamps'], { client });
    const request = api.fake.calls.filter((c) => c.method === 'Logs').at(-1)?.request;
    expect(request).toMatchObject({ name: 'web', container: 'web', tailLines: 5, previous: true, timestamps: true, follow: false });
  });
});
