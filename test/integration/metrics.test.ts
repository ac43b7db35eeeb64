import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type * as t from '../../lib/api/generated/index.js';
import { writeClientConfig } from '../../lib/client-config.js';
import type { ApiClient } from '../../lib/client/client.js';
import { projectRoot } from '../../lib/paths.js';
import { startControlPlane, type ControlPlane } from '../harness/control-plane.js';
import { pollUntil } from '../harness/poll.js';
import { freePort } from '../harness/ports.js';
import { parsePrometheusText, samplesOf, sumOf, type MetricFamily } from '../harness/prometheus-text.js';
import { restRequest } from './apiserver/rest-helpers.js';
import { fakeNode } from './scheduler/helpers.js';

// Every component's /metrics, scraped as Prometheus would and read with a strict parser: the
// apiserver in this process (its plain loopback port and its authorized HTTP API), the scheduler
// and the controller manager as their own processes (`kubets scheduler --metrics-port ...`), so
// each endpoint shows exactly its own process's series.

type Families = Map<string, MetricFamily>;

interface Component {
  child: ChildProcess;
  metrics: string;
  output(): string;
}

async function spawnComponent(name: 'scheduler' | 'controller-manager', kubeconfig: string): Promise<Component> {
  const port = await freePort();
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', join(projectRoot, 'cli/main.ts'), name, '--kubeconfig', kubeconfig, '--leader-elect=false', '--metrics-port', String(port)],
    { cwd: projectRoot, env: { ...process.env, KUBETS_LOG_LEVEL: 'warn' }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  const collect = (chunk: Buffer): void => {
    output = (output + chunk.toString()).slice(-10_000);
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  return { child, metrics: `http://127.0.0.1:${port}/metrics`, output: () => output };
}

async function scrape(url: string): Promise<Families> {
  const res = await fetch(url);
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
  return parsePrometheusText(await res.text());
}

/** Scrapes until check passes (components fill their series as they work). */
async function scrapeUntil(url: string, check: (f: Families) => boolean, what: string): Promise<Families> {
  return pollUntil(
    async () => {
      const families = await scrape(url).catch(() => undefined);
      return families && check(families) ? families : undefined;
    },
    { timeoutMs: 60_000, intervalMs: 250, what },
  );
}

function expectProcessMetrics(families: Families): void {
  expect(families.get('process_cpu_seconds_total')?.type).toBe('counter');
  expect(sumOf(families, 'process_resident_memory_bytes')).toBeGreaterThan(1024 * 1024);
  expect(sumOf(families, 'nodejs_heap_size_used_bytes')).toBeGreaterThan(0);
}

describe('metrics endpoints', () => {
  let cp: ControlPlane;
  let client: ApiClient;
  let dir: string;
  const components: Component[] = [];
  let scheduler: Component;
  let controllerManager: Component;

  beforeAll(async () => {
    cp = await startControlPlane({ apiserver: { metricsPort: 0 }, users: [{ name: 'prometheus', groups: ['system:monitoring'] }, { name: 'jane' }] });
    client = cp.client();
    dir = await mkdtemp(join(tmpdir(), 'kubets-metrics-'));
    const kubeconfig = join(dir, 'admin.conf');
    await writeClientConfig(kubeconfig, {
      currentContext: 'test',
      contexts: { test: { servers: cp.apiservers.map((a) => a.address), caData: cp.caPem, token: cp.token } },
    });
    scheduler = await spawnComponent('scheduler', kubeconfig);
    controllerManager = await spawnComponent('controller-manager', kubeconfig);
    components.push(scheduler, controllerManager);
    await client.resource('node').create(fakeNode('metrics-node'));
    const rs: t.ReplicaSet = {
      metadata: { name: 'web', namespace: 'default' },
      spec: {
        replicas: 2,
        selector: { matchLabels: { app: 'web' } },
        template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image: 'busybox:1.36' }] } },
      },
    };
    await client.resource('replicaSet').create(rs);
    await pollUntil(
      async () => {
        const pods = (await client.resource('pod').list('default')).items;
        return pods.length === 2 && pods.every((p) => p.spec?.nodeName === 'metrics-node') ? pods : undefined;
      },
      { timeoutMs: 90_000, intervalMs: 200, what: `the ReplicaSet's pods scheduled (scheduler: ${scheduler.output()} controller manager: ${controllerManager.output()})` },
    );
  }, 180_000);

  afterAll(async () => {
    for (const c of components) {
      if (c.child.exitCode === null) c.child.kill('SIGTERM');
    }
    await Promise.all(components.map((c) => (c.child.exitCode !== null ? undefined : new Promise((r) => c.child.once('exit', r)))));
    await cp?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('apiserver: requests of both transports, watches, etcd and stored objects on its plain loopback port', async () => {
    const rest = await restRequest(cp, 'GET', '/api/v1/namespaces/default/pods');
    expect(rest.status).toBe(200);
    const url = `http://${cp.apiservers[0]!.metricsAddress}/metrics`;
    const families = await scrapeUntil(url, (f) => sumOf(f, 'apiserver_request_total', { verb: 'LIST', resource: 'pods', scope: 'namespace', code: '200' }) >= 1, 'the REST list counted');
    const created = { verb: 'POST', group: 'apps', version: 'v1', resource: 'replicasets', subresource: '', scope: 'namespace', code: '201' };
    expect(sumOf(families, 'apiserver_request_total', created)).toBe(1);
    // The scheduler's bindings, the controller manager's pod creates, everyone's status writes.
    expect(sumOf(families, 'apiserver_request_total', { verb: 'POST', resource: 'pods', subresource: 'binding', code: '201' })).toBe(2);
    expect(sumOf(families, 'apiserver_request_total', { verb: 'POST', resource: 'pods', subresource: '', code: '201' })).toBe(2);
    expect(sumOf(families, 'apiserver_request_total', { verb: 'WATCH', resource: 'pods' })).toBe(0); // still open
    const { code: _code, ...createdKind } = created;
    expect(sumOf(families, 'apiserver_request_duration_seconds_count', createdKind)).toBe(1);
    expect(sumOf(families, 'apiserver_request_duration_seconds_bucket', { ...createdKind, le: '+Inf' })).toBe(1);
    expect(sumOf(families, 'apiserver_longrunning_requests', { verb: 'WATCH', resource: 'pods' })).toBeGreaterThanOrEqual(2);
    expect(sumOf(families, 'apiserver_registered_watchers', { group: '', version: 'v1', kind: 'Pod' })).toBeGreaterThanOrEqual(2);
    expect(sumOf(families, 'apiserver_storage_objects', { resource: 'pods' })).toBe(2);
    expect(sumOf(families, 'apiserver_storage_objects', { resource: 'replicasets' })).toBe(1);
    expect(sumOf(families, 'etcd_request_duration_seconds_count', { operation: 'create', type: 'replicasets' })).toBe(1);
    expect(sumOf(families, 'etcd_request_duration_seconds_count', { operation: 'update', type: 'pods' })).toBeGreaterThanOrEqual(2);
    // No label carries an object's name.
    const labelValues = new Set([...families.values()].flatMap((f) => f.samples.flatMap((s) => Object.values(s.labels))));
    expect(labelValues.has('web') || labelValues.has('metrics-node') || labelValues.has('default')).toBe(false);
    expectProcessMetrics(families);
  });

  it('apiserver: /metrics on the HTTP API only for those allowed the non-resource URL', async () => {
    const as = (user: string) => ({ Authorization: `Bearer ${cp.tokenOf(user)}` });
    const admin = await restRequest(cp, 'GET', '/metrics');
    expect(admin.status).toBe(200);
    expect(sumOf(parsePrometheusText(admin.text), 'apiserver_storage_objects', { resource: 'replicasets' })).toBe(1);
    const monitoring = await restRequest(cp, 'GET', '/metrics', undefined, as('prometheus'));
    expect(monitoring.status).toBe(200);
    expect(parsePrometheusText(monitoring.text).has('apiserver_request_total')).toBe(true);
    const jane = await restRequest(cp, 'GET', '/metrics', undefined, as('jane'));
    expect(jane.status).toBe(403);
    expect(jane.json<{ message: string }>().message).toContain('"/metrics"');
    expect((await restRequest(cp, 'GET', '/metrics', undefined, { Authorization: 'Bearer nonsense' })).status).toBe(401);
  });

  it('scheduler: attempts, their duration and the pending pods, in its own process', async () => {
    const families = await scrapeUntil(scheduler.metrics, (f) => sumOf(f, 'scheduler_schedule_attempts_total', { result: 'scheduled' }) >= 2, 'two scheduled attempts');
    expect(sumOf(families, 'scheduler_schedule_attempts_total', { result: 'scheduled', profile: 'default-scheduler' })).toBe(2);
    expect(sumOf(families, 'scheduler_scheduling_attempt_duration_seconds_count', { result: 'scheduled' })).toBe(2);
    expect(samplesOf(families, 'scheduler_pending_pods').map((s) => s.labels.queue).sort()).toEqual(['active', 'backoff', 'unschedulable']);
    expect(sumOf(families, 'scheduler_pending_pods')).toBe(0);
    expect(families.has('apiserver_request_total')).toBe(false);
    expectProcessMetrics(families);
  });

  it('controller manager: one set of workqueue series per controller, in its own process', async () => {
    const families = await scrapeUntil(controllerManager.metrics, (f) => sumOf(f, 'workqueue_work_duration_seconds_count', { name: 'replicaset' }) >= 1, 'a replicaset sync');
    const replicaset = { name: 'replicaset' };
    expect(sumOf(families, 'workqueue_adds_total', replicaset)).toBeGreaterThanOrEqual(1);
    expect(sumOf(families, 'workqueue_queue_duration_seconds_count', replicaset)).toBeGreaterThanOrEqual(1);
    expect(samplesOf(families, 'workqueue_depth', replicaset)).toHaveLength(1);
    expect(samplesOf(families, 'workqueue_depth').map((s) => s.labels.name)).toEqual(expect.arrayContaining(['deployment', 'garbagecollector', 'namespace', 'endpointslice']));
    expect(families.get('workqueue_retries_total')?.type).toBe('counter');
    expect(families.has('scheduler_schedule_attempts_total')).toBe(false);
    expectProcessMetrics(families);
  });
});
