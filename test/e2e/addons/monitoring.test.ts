// `kubets up --addons monitoring` for real: Debian's Prometheus started by kubets, its targets
// discovered from the API; Prometheus' own HTTP API answers for the apiserver's request rate and
// a pod's CPU, and the crash-loop alert fires for a crash-looping pod. Intervals and the alerts'
// `for:` are shortened by flags. Traffic goes only to loopback, the node's bridge address and the
// pods this test makes.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { pollUntil } from '../../harness/poll.js';
import { freeApiserverPort, freeEtcdPort, freeKubeletPort, freePort } from '../../harness/ports.js';
import { clusterCli } from '../cluster-cli.js';

const SUFFIX = Math.random().toString(36).slice(2, 7);
const NODE = `mon-${SUFFIX}`;
const { dir, dataDir, ok, holdHostNetwork, tearDownAfterAll } = clusterCli('monitoring');
let prometheus = '';

interface QueryResult {
  metric: Record<string, string>;
  value: [number, string];
}

/** An instant query through Prometheus' HTTP API; the vector it returns. */
async function query(promql: string): Promise<QueryResult[]> {
  const res = await fetch(`${prometheus}/api/v1/query?query=${encodeURIComponent(promql)}`);
  const body = (await res.json()) as { status: string; data: { result: QueryResult[] } };
  if (body.status !== 'success') throw new Error(`query ${promql}: ${JSON.stringify(body)}`);
  return body.data.result;
}

const TEST_TIMEOUT_MS = 300_000;

beforeAll(async () => {
  await holdHostNetwork();
  const [port, etcdPort, kubeletPort, prometheusPort] = [await freeApiserverPort(), await freeEtcdPort(), await freeKubeletPort(), await freePort()];
  await ok(
    ['up', '--detach', '--node-name', NODE, '--data-dir', dataDir, '--port', String(port), '--etcd-port', String(etcdPort), '--kubelet-port', String(kubeletPort),
      '--addons', 'monitoring', '--prometheus-port', String(prometheusPort), '--prometheus-scrape-interval', '2s', '--prometheus-alert-for', '5s',
      '--kubelet-arg', 'stats-interval=2'],
    180_000,
  );
  await pollUntil(
    () => {
      try {
        return (JSON.parse(readFileSync(join(dataDir, 'metrics.json'), 'utf8')) as { prometheus?: string }).prometheus;
      } catch {
        return undefined;
      }
    },
    { timeoutMs: 120_000, intervalMs: 1_000, what: 'the Prometheus URL in metrics.json' },
  );
  prometheus = (JSON.parse(readFileSync(join(dataDir, 'metrics.json'), 'utf8')) as { prometheus: string }).prometheus;
  // Waiting for another test file's turn on the host network (holdHostNetwork, up to 10 minutes) comes first.
}, 1_000_000);

tearDownAfterAll({ downArgs: ['--node-name', NODE], downTimeoutMs: 120_000 });

describe('kubets up --addons monitoring', () => {
  it('discovers the components from the API and answers for the apiserver request rate', async () => {
    await pollUntil(
      async () => {
        const up = await query('up == 1').catch(() => []);
        const names = new Set(up.map((r) => r.metric.job));
        return ['apiserver', 'kubelet', 'kube-proxy', 'kubernetes-service-endpoints', 'prometheus'].every((j) => names.has(j));
      },
      { timeoutMs: 180_000, intervalMs: 2_000, what: 'the apiserver, kubelet, proxy, scheduler, controller-manager and Prometheus itself scraped' },
    );
    const rate = await pollUntil(async () => {
      const r = await query('sum(rate(apiserver_request_total[1m]))');
      return r.length > 0 && Number(r[0]!.value[1]) > 0 && r;
    }, { timeoutMs: 60_000, intervalMs: 2_000, what: "the apiserver's request rate" });
    expect(Number(rate[0]!.value[1])).toBeGreaterThan(0);
    const recorded = await pollUntil(async () => (await query('code:apiserver_request_total:rate1m')).length > 0, { timeoutMs: 60_000, intervalMs: 2_000, what: 'the recording rule' });
    expect(recorded).toBe(true);
  }, TEST_TIMEOUT_MS);

  it("answers for a pod's CPU, and fires the crash-loop alert for a crash-looping pod", async () => {
    const manifest = join(dir, 'pods.yaml');
    writeFileSync(
      manifest,
      [
        { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'busy' }, spec: { containers: [{ name: 'spin', image: 'kubets/busybox:1.36', command: ['sh', '-c', 'while true; do :; done'] }] } },
        { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'crasher' }, spec: { containers: [{ name: 'fail', image: 'kubets/busybox:1.36', command: ['sh', '-c', 'exit 1'] }] } },
      ].map((d) => JSON.stringify(d)).join('\n---\n'),
    );
    await ok(['apply', '-f', manifest]);
    const cpu = await pollUntil(async () => {
      const r = await query('rate(container_cpu_usage_seconds_total{namespace="default",pod="busy",container="spin"}[30s])');
      return r.length > 0 && Number(r[0]!.value[1]) > 0 && r;
    }, { timeoutMs: 180_000, intervalMs: 2_000, what: "the busy pod's CPU rate" });
    expect(Number(cpu[0]!.value[1])).toBeGreaterThan(0);
    expect((await query('container_memory_working_set_bytes{pod="busy"}')).length).toBe(1);

    const alert = await pollUntil(async () => {
      const res = await fetch(`${prometheus}/api/v1/alerts`);
      const body = (await res.json()) as { data: { alerts: { labels: Record<string, string>; state: string }[] } };
      return body.data.alerts.find((a) => a.labels.alertname === 'KubePodCrashLooping' && a.labels.pod === 'crasher' && a.state === 'firing');
    }, { timeoutMs: 240_000, intervalMs: 2_000, what: 'KubePodCrashLooping firing for the crasher pod' });
    expect(alert.labels).toMatchObject({ namespace: 'default', container: 'fail', severity: 'warning' });
    // No alert for the pod that runs.
    const alerts = (await (await fetch(`${prometheus}/api/v1/alerts`)).json()) as { data: { alerts: { labels: Record<string, string> }[] } };
    expect(alerts.data.alerts.some((a) => a.labels.pod === 'busy')).toBe(false);
  }, TEST_TIMEOUT_MS);

  it('publishes Prometheus as the Service kube-system/prometheus with its address', async () => {
    const endpoints = JSON.parse(await ok(['get', 'endpoints', 'prometheus', '-n', 'kube-system', '-o', 'json'])) as { subsets: { addresses: { ip: string }[]; ports: { port: number }[] }[] };
    const url = new URL(prometheus);
    expect(endpoints.subsets[0]?.addresses[0]?.ip).toBe(url.hostname);
    expect(endpoints.subsets[0]?.ports[0]?.port).toBe(Number(url.port));
  }, TEST_TIMEOUT_MS);
});
