import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runVerb } from '../../../cli/testing/run-verb.js';
import { FakeKubelet } from '../../../services/controller-manager/testing/fake-kubelet.js';
import { useControlPlane } from '../../harness/use-control-plane.js';
import { REPO_ROOT } from '../../e2e/cli/cli-harness.js';
import { eventually, Managers } from './helpers.js';

// The book's walkthrough through the kubets verbs, now with the controller
// manager running: an RC makes its pod, the Service gets Endpoints, scale works, a Deployment
// rolls out, and a namespace goes with its content. A stand-in kubelet reports pods running.

const manifest = (name: string): string => join(REPO_ROOT, 'test/e2e/fixtures/walkthrough', name);

const cluster = useControlPlane();
const managers = new Managers(() => cluster.client);
let kubelet: FakeKubelet;

beforeAll(async () => {
  kubelet = new FakeKubelet(cluster.client, { readyDelayMs: 50 });
  await kubelet.start();
  await managers.start();
});

afterAll(async () => {
  await managers.stopAll();
  await kubelet?.stop();
});

const kubets = async (...argv: string[]): Promise<string> => {
  const run = await runVerb(argv, { client: cluster.client });
  if (run.code !== 0) throw new Error(`kubets ${argv.join(' ')} failed: ${run.stderr}`);
  return run.stdout;
};

/** A table's rows as arrays of cells, without the header. */
const rows = (table: string): string[][] =>
  table
    .trim()
    .split('\n')
    .slice(1)
    .map((l) => l.split(/\s{2,}/));

describe('the walkthrough with controllers', () => {
  it('kubectl create -f mysql-rc.yaml: the RC runs one pod', async () => {
    expect(await kubets('create', '-f', manifest('mysql-rc.yaml'))).toBe('replicationcontroller/mysql created\n');
    const rc = await eventually(async () => {
      const r = rows(await kubets('get', 'rc'));
      return r[0]?.slice(0, 4).join(' ') === 'mysql 1 1 1' ? r : undefined;
    });
    expect(rc).toHaveLength(1);
    const pods = rows(await kubets('get', 'pods'));
    expect(pods).toHaveLength(1);
    expect(pods[0]?.[0]).toMatch(/^mysql-[a-z0-9]{5}$/);
    expect(pods[0]?.slice(1, 4)).toEqual(['1/1', 'Running', '0']);
  });

  it('kubectl create -f mysql-svc.yaml, get endpoints: the pod is behind the Service', async () => {
    await kubets('create', '-f', manifest('mysql-svc.yaml'));
    const ep = await eventually(async () => {
      const r = rows(await kubets('get', 'endpoints')).find((row) => row[0] === 'mysql');
      return r && /^10\.244\.\d+\.\d+:3306$/.test(r[1] ?? '') ? r : undefined;
    });
    const describe = await kubets('describe', 'svc', 'mysql');
    expect(describe).toMatch(new RegExp(`Endpoints:\\s+${ep[1]!.replace(/\./g, '\\.')}\\n`));
  });

  it('kubectl scale rc mysql --replicas=3, and back to 1', async () => {
    expect(await kubets('scale', 'rc', 'mysql', '--replicas=3')).toBe('replicationcontroller/mysql scaled\n');
    await eventually(async () => rows(await kubets('get', 'rc', 'mysql'))[0]?.slice(0, 4).join(' ') === 'mysql 3 3 3');
    await eventually(async () => {
      const ep = rows(await kubets('get', 'endpoints', 'mysql'))[0]?.[1] ?? '';
      return ep.split(',').length === 3 || ep.includes('more');
    });
    await kubets('scale', 'rc', 'mysql', '--replicas=1');
    await eventually(async () => rows(await kubets('get', 'rc', 'mysql'))[0]?.slice(0, 4).join(' ') === 'mysql 1 1 1');
    await eventually(async () => rows(await kubets('get', 'pods')).length === 1);
  });

  it('kubectl create -f tomcat-deployment.yaml: the Deployment rolls out', async () => {
    await kubets('create', '-f', manifest('tomcat-deployment.yaml'));
    const status = await kubets('rollout', 'status', 'deployment/frontend', '--timeout=30s');
    expect(status.trim().split('\n').at(-1)).toBe('deployment "frontend" successfully rolled out');
    const deploy = rows(await kubets('get', 'deployments'));
    expect(deploy[0]?.slice(0, 4)).toEqual(['frontend', '1/1', '1', '1']);
    const rs = rows(await kubets('get', 'rs'));
    expect(rs[0]?.[0]).toMatch(/^frontend-[bcdfghjklmnpqrstvwxz2456789]+$/);
  });

  it('kubectl delete namespace development: its content goes, then the namespace', async () => {
    await kubets('create', '-f', manifest('development-namespace.yaml'));
    await kubets('create', '-f', manifest('mysql-rc.yaml'), '-n', 'development');
    await eventually(async () => rows(await kubets('get', 'pods', '-n', 'development')).length === 1);
    await kubets('delete', 'namespace', 'development');
    await eventually(async () => !rows(await kubets('get', 'namespaces')).some((r) => r[0] === 'development'), 30_000, 'namespace development gone');
  });
});
