import { beforeAll, describe, expect, it } from 'vitest';
import type { ApiClient } from '../../lib/client/client.js';
import { useFakeApiServer } from '../../lib/client/testing/fake-api-per-test.js';
import { runVerb } from '../testing/run-verb.js';
import { effectiveGracePeriod } from './delete.js';

const api = useFakeApiServer(undefined, { scope: 'suite' });
let client: ApiClient;
const run = (...argv: string[]) => runVerb(argv, { client });

beforeAll(async () => {
  client = api.client;
  await client.resource('replicationController').create({
    metadata: { name: 'mysql', namespace: 'default', labels: { app: 'mysql' } },
    spec: { replicas: 1, selector: { app: 'mysql' }, template: { metadata: { labels: { app: 'mysql' } }, spec: { containers: [{ name: 'mysql', image: 'mysql:5.7' }] } } },
  });
});

describe('argument handling', () => {
  it('rejects unknown types, flags and output formats', async () => {
    expect(await run('get', 'podz')).toEqual({ stdout: '', stderr: `error: the server doesn't have a resource type "podz"\n`, code: 1 });
    expect(await run('get', 'pods', '--bogus')).toMatchObject({ stderr: "error: unknown flag: --bogus\nSee 'kubets get --help' for usage.\n", code: 1 });
    expect((await run('get', 'pods', '-o', 'xml')).stderr).toBe(
      'error: unable to match a printer suitable for the output format "xml", allowed formats are: custom-columns,custom-columns-file,go-template,go-template-file,json,jsonpath,jsonpath-as-json,jsonpath-file,name,template,templatefile,wide,yaml\n',
    );
    expect((await run('get')).stderr).toContain('You must specify the type of resource to get.');
  });

  it('says when nothing was found', async () => {
    expect(await run('get', 'pods')).toEqual({ stdout: '', stderr: 'No resources found in default namespace.\n', code: 0 });
    expect(await run('get', 'nodes')).toEqual({ stdout: '', stderr: 'No resources found\n', code: 0 });
    expect(await run('get', 'pods', '-A')).toEqual({ stdout: '', stderr: 'No resources found\n', code: 0 });
  });

  it('delete needs names, a selector or --all', async () => {
    expect((await run('delete', 'pods')).stderr).toBe('error: resource(s) were provided, but no name was specified\n');
    expect((await run('delete', 'pods', 'a', '-l', 'x=y')).stderr).toBe('error: name cannot be provided when a selector is specified\n');
    expect((await run('delete', 'pods', '--all')).stdout).toBe('No resources found\n');
    expect((await run('delete', 'pod', 'nope')).stderr).toBe('Error from server (NotFound): pods "nope" not found\n');
    expect((await run('delete', 'pod', 'nope', '--ignore-not-found')).code).toBe(0);
  });

  it('computes kubectl\'s grace period', () => {
    expect(effectiveGracePeriod({ gracePeriod: -1 })).toBe(-1);
    expect(effectiveGracePeriod({ gracePeriod: -1, now: true })).toBe(1);
    expect(effectiveGracePeriod({ gracePeriod: 0 })).toBe(1);
    expect(effectiveGracePeriod({ gracePeriod: 0, force: true })).toBe(0);
    expect(effectiveGracePeriod({ gracePeriod: -1, force: true })).toBe(0);
    expect(() => effectiveGracePeriod({ gracePeriod: 5, now: true })).toThrow('--now and --grace-period cannot be specified together');
  });

  it('labels and annotates with kubectl\'s messages', async () => {
    expect((await run('label', 'rc', 'mysql', 'tier=db')).stdout).toBe('replicationcontroller/mysql labeled\n');
    expect((await run('label', 'rc', 'mysql', 'tier=db')).stdout).toBe('replicationcontroller/mysql not labeled\n');
    expect((await run('label', 'rc', 'mysql', 'tier=cache')).stderr).toBe("error: 'tier' already has a value (db), and --overwrite is false\n");
    expect((await run('label', 'rc/mysql', 'tier=cache', '--overwrite')).stdout).toBe('replicationcontroller/mysql labeled\n');
    expect((await run('label', 'rc', 'mysql', 'tier-')).stdout).toBe('replicationcontroller/mysql unlabeled\n');
    expect(await run('label', 'rc', 'mysql', 'missing-')).toEqual({
      stdout: 'replicationcontroller/mysql not labeled\n',
      stderr: 'label "missing" not found.\n',
      code: 0,
    });
    expect((await run('annotate', 'rc', 'mysql', 'note=hello world')).stdout).toBe('replicationcontroller/mysql annotated\n');
    expect(api.fake.stored('replicationController', 'default', 'mysql')?.metadata?.annotations).toEqual({ note: 'hello world' });
    expect((await run('label', 'rc', 'mysql')).stderr).toBe('error: at least one label update is required\n');
  });

  it('scales with preconditions', async () => {
    expect((await run('scale', 'rc', 'mysql', '--replicas=3')).stdout).toBe('replicationcontroller/mysql scaled\n');
    expect((await run('scale', 'rc', 'mysql', '--replicas=2', '--current-replicas=1')).stderr).toBe('error: Expected replicas to be 1, was 3\n');
    expect((await run('scale', 'rc', 'mysql', '--replicas=2', '--resource-version=1')).stderr).toMatch(/^error: Expected resource version to be 1, was \d+\n$/);
    expect((await run('scale', 'rc', 'mysql')).stderr).toBe('error: required flag(s) "replicas" not set\n');
    expect((await run('scale', 'rc', 'mysql', '--replicas=-1')).stderr).toBe('error: The --replicas=COUNT flag is required, and COUNT must be greater than or equal to 0\n');
    expect(api.fake.stored('replicationController', 'default', 'mysql')?.spec?.replicas).toBe(3);
  });

  it('autoscales into an autoscaling/v2 HorizontalPodAutoscaler', async () => {
    expect((await run('autoscale', 'rc', 'mysql', '--min=2', '--max=1')).stderr).toBe('error: --max=MAXPODS is required and must be at least 1, max < min\n');
    expect((await run('autoscale', 'rc', 'mysql', '--max=5', '--cpu-percent=80')).stdout).toBe('horizontalpodautoscaler.autoscaling/mysql autoscaled\n');
    expect(api.fake.stored('horizontalPodAutoscaler', 'default', 'mysql')?.spec).toEqual({
      scaleTargetRef: { apiVersion: 'v1', kind: 'ReplicationController', name: 'mysql' },
      maxReplicas: 5,
      metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 80 } } }],
    });
    expect((await run('autoscale', 'rc', 'nope', '--max=2')).stderr).toBe('Error from server (NotFound): replicationcontrollers "nope" not found\n');
  });

  it('prints api-resources with kubectl\'s columns', async () => {
    const { stdout } = await run('api-resources');
    expect(stdout.split('\n')[0]).toBe('NAME                         SHORTNAMES   APIVERSION                     NAMESPACED   KIND');
    expect(stdout).toContain('\npods                         po           v1                             true         Pod\n');
    expect(stdout).toContain('\nendpointslices                            discovery.k8s.io/v1            true         EndpointSlice\n');
    expect((await run('api-resources', '--namespaced=false', '-o', 'name')).stdout).toBe(
      'namespaces\nnodes\npersistentvolumes\ncertificatesigningrequests.certificates.k8s.io\nnodes.metrics.k8s.io\ningressclasses.networking.k8s.io\nclusterrolebindings.rbac.authorization.k8s.io\nclusterroles.rbac.authorization.k8s.io\npriorityclasses.scheduling.k8s.io\nstorageclasses.storage.k8s.io\n',
    );
  });
});

describe('get --sort-by and --output-watch-events', () => {
  beforeAll(async () => {
    for (const [name, storage] of [['big', '2Gi'], ['small', '40Mi'], ['mid', '100Mi']] as const) {
      await client.resource('persistentVolume').create({
        metadata: { name },
        spec: { capacity: { storage }, accessModes: ['ReadWriteOnce'], hostPath: { path: `/tmp/${name}` } },
      });
    }
  });

  it('sorts rows by a field, quantities by amount', async () => {
    const { stdout } = await run('get', 'pv', '--sort-by=.spec.capacity.storage', '-o', 'custom-columns=NAME:.metadata.name,CAPACITY:.spec.capacity.storage');
    expect(stdout).toBe('NAME    CAPACITY\nsmall   40Mi\nmid     100Mi\nbig     2Gi\n');
    expect((await run('get', 'pv', '--sort-by={.metadata.name}', '-o', 'name')).stdout).toBe(
      'persistentvolume/big\npersistentvolume/mid\npersistentvolume/small\n',
    );
    expect((await run('get', 'pv', '--sort-by=.spec.nope')).stderr).toBe(`error: couldn't find any field with path "{.spec.nope}" in the list of objects\n`);
  });

  it('prints watch events with their type', async () => {
    const table = new AbortController();
    setTimeout(() => table.abort(), 300);
    const rows = await runVerb(['get', 'pv', 'small', '-w', '--output-watch-events'], { client, signal: table.signal });
    expect(rows.stdout).toMatch(/^EVENT   NAME    CAPACITY   ACCESS MODES .*\nADDED   small   40Mi       RWO /);

    const json = new AbortController();
    setTimeout(() => json.abort(), 300);
    const events = await runVerb(['get', 'pv', 'small', '-w', '--output-watch-events', '-o', 'json'], { client, signal: json.signal });
    expect(JSON.parse(events.stdout)).toMatchObject({ type: 'ADDED', object: { kind: 'PersistentVolume', metadata: { name: 'small' } } });
    expect(events.stdout.indexOf('"type"')).toBeLessThan(events.stdout.indexOf('"object"'));
  });
});

describe('get -o yaml and managedFields', () => {
  it('leaves metadata.managedFields out unless --show-managed-fields, as kubectl does', async () => {
    const fieldsV1 = { raw: JSON.stringify({ 'f:data': { 'f:k': {} } }) };
    await client.resource('configMap').create({
      metadata: { name: 'owned', namespace: 'default', managedFields: [{ manager: 'kubectl-create', operation: 'Update', apiVersion: 'v1', fieldsType: 'FieldsV1', fieldsV1 }] },
      data: { k: 'v' },
    });
    const hidden = await run('get', 'configmap', 'owned', '-o', 'yaml');
    expect(hidden.code).toBe(0);
    expect(hidden.stdout).not.toContain('managedFields');
    const shown = await run('get', 'configmap', 'owned', '-o', 'yaml', '--show-managed-fields');
    expect(shown.stdout).toContain('managedFields:\n  - apiVersion: v1\n    fieldsType: FieldsV1\n    fieldsV1:\n      f:data:\n        f:k: {}\n    manager: kubectl-create\n    operation: Update\n');
  });
});
