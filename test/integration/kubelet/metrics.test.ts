import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NodeMetrics, PodMetrics } from '../../../lib/api/generated/index.js';
import { cpuMillis, memoryBytes } from '../../../lib/quantity.js';
import type { Kubelet } from '../../../services/kubelet/kubelet.js';
import { kubectlOk, requireKubectl, restRequest, writeKubeconfig } from '../apiserver/rest-helpers.js';
import { runVerb } from '../../../cli/testing/run-verb.js';
import { BUSYBOX, eventually, makePod, setUpNode, startKubelet, tearDownNode, waitRunning, type TestNode } from './helpers.js';

// The resource metrics API end to end: a real kubelet samples a real container's cgroups, the
// apiserver asks it for its summary, and clients read PodMetrics and NodeMetrics over gRPC, over
// the HTTP API and through the real `kubectl top`.
const NODE = `it-kubelet-metrics-${randomBytes(3).toString('hex')}`;
let node: TestNode;
let kubelet: Kubelet;

beforeAll(async () => {
  node = await setUpNode(NODE);
  kubelet = await startKubelet(node, { statsIntervalMs: 1_000 });
  // A busy loop held to a fifth of a core by its limit, so it uses CPU without starving the machine.
  await node.client.resource('pod').create(
    makePod('burner', NODE, {
      containers: [{ name: 'burn', image: BUSYBOX, command: ['sh', '-c', 'while :; do :; done'], resources: { limits: { cpu: '200m', memory: '64Mi' } } }],
      terminationGracePeriodSeconds: 0,
    }),
  );
  await waitRunning(node.client, 'default', 'burner');
});

afterAll(async () => {
  await kubelet?.stop();
  await tearDownNode(node);
});

const busy = (m: PodMetrics | undefined): boolean => cpuMillis(m?.containers?.[0]?.usage?.cpu ?? '0') > 0;

describe('resource metrics from a real kubelet', () => {
  it('lists and gets the CPU and memory a busy pod uses, over gRPC', async () => {
    const metrics = node.client.resource('podMetrics');
    const listed = await eventually('PodMetrics of the busy pod with CPU', async () => {
      const { items } = await metrics.list('default', { labelSelector: 'app=burner' });
      return busy(items[0]) && items[0];
    });
    expect(listed).toMatchObject({ apiVersion: 'metrics.k8s.io/v1beta1', kind: 'PodMetrics', metadata: { name: 'burner', namespace: 'default' } });
    expect(listed.containers?.map((c) => c.name)).toEqual(['burn']);
    expect(memoryBytes(listed.containers?.[0]?.usage?.memory ?? '0')).toBeGreaterThan(0);
    expect(listed.window).toMatch(/^\d+(\.\d+)?s$/);

    const got = await metrics.get('default', 'burner');
    expect(got.metadata?.name).toBe('burner');
    await expect(metrics.get('default', 'nobody')).rejects.toMatchObject({ reason: 'NotFound' });
    expect((await metrics.list('default', { labelSelector: 'app=other' })).items).toEqual([]);
  });

  it('reports the node total', async () => {
    const nodeMetrics: NodeMetrics = await eventually('NodeMetrics of the node', async () => {
      const m = await node.client.resource('nodeMetrics').get('', NODE).catch(() => undefined);
      return m && cpuMillis(m.usage?.cpu ?? '0') > 0 && m;
    });
    expect(memoryBytes(nodeMetrics.usage?.memory ?? '0')).toBeGreaterThan(0);
  });

  it('refuses writes: the metrics are measured, not stored', async () => {
    await expect(node.client.resource('podMetrics').create({ metadata: { name: 'x', namespace: 'default' } })).rejects.toMatchObject({ reason: 'MethodNotAllowed' });
    await expect(node.client.resource('nodeMetrics').delete('', NODE)).rejects.toMatchObject({ reason: 'MethodNotAllowed' });
  });

  it('serves metrics.k8s.io over the HTTP API and to kubectl top', async () => {
    requireKubectl();
    const res = await eventually('PodMetrics over the HTTP API', async () => {
      const r = await restRequest(node.cp, 'GET', '/apis/metrics.k8s.io/v1beta1/namespaces/default/pods/burner');
      return r.status === 200 && busy(r.json<PodMetrics>()) && r;
    });
    expect(res.json()).toMatchObject({ kind: 'PodMetrics', metadata: { name: 'burner' } });
    const list = await restRequest(node.cp, 'GET', '/apis/metrics.k8s.io/v1beta1/pods?labelSelector=app%3Dburner');
    expect(list.json()).toMatchObject({ kind: 'PodMetricsList', apiVersion: 'metrics.k8s.io/v1beta1', items: [{ metadata: { name: 'burner' } }] });

    const kubeconfig = writeKubeconfig(node.cp, 'metrics');
    const pods = await kubectlOk(kubeconfig, ['top', 'pods', '-n', 'default', '-l', 'app=burner']);
    expect(pods).toMatch(/^NAME\s+CPU\(cores\)\s+MEMORY\(bytes\)\s*\nburner\s+\d+m\s+\d+Mi\s*\n$/);
    const nodes = await kubectlOk(kubeconfig, ['top', 'nodes', NODE]);
    expect(nodes).toMatch(new RegExp(`^NAME\\s+CPU\\(cores\\)\\s+CPU\\(%\\)\\s+MEMORY\\(bytes\\)\\s+MEMORY\\(%\\)\\s*\\n${NODE}\\s+\\d+m\\s+\\d+%\\s+\\d+Mi\\s+\\d+%`));
  });

  it('answers kubets top', async () => {
    const { stdout, code } = await runVerb(['top', 'pod', '--containers'], { client: node.client });
    expect(code).toBe(0);
    expect(stdout).toMatch(/^POD\s+NAME\s+CPU\(cores\)\s+MEMORY\(bytes\)\s*\nburner\s+burn\s+\d+m\s+\d+Mi\s*\n$/);
  });
});
