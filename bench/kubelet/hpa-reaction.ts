import { randomBytes } from 'node:crypto';
import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import type * as t from '../../lib/api/generated/index.js';
import { ControllerManager } from '../../services/controller-manager/controller-manager.js';
import { BUSYBOX, setUpNode, startKubelet, tearDownNode } from '../../test/integration/kubelet/helpers.js';
import { pollUntil } from '../../test/harness/poll.js';
import { printResult } from '../harness/report.js';

// HPA reaction time: from the moment a ReplicaSet's one pod starts burning CPU (Running, at 150%
// of its request) to the autoscaler's decision (the ReplicaSet's replicas raised to the maximum, 3)
// and to the new pods Running. Real kubelet and containers, the resource metrics API, and the
// controller at its defaults: the kubelet samples every 10 s (a rate needs two samples) and the
// autoscaler syncs every 15 s, so the decision is due within about 10–35 s of the load starting.
// Three runs, each on a fresh control plane and node; every container is removed after.

const RUNS = 3;
const NS = 'default';
const TIMEOUT_MS = 180_000;

async function oneRun(run: number): Promise<{ decisionMs: number; runningMs: number }> {
  const nodeName = `bench-hpa-${randomBytes(3).toString('hex')}`;
  const node = await setUpNode(nodeName);
  const kubelet = await startKubelet(node);
  const manager = new ControllerManager({ client: node.cp.client(), leaderElection: false, settings: { controllers: ['replicaset', 'horizontalpodautoscaling'] } });
  try {
    if (!(await manager.start())) throw new Error('controller-manager informers did not sync');
    const client = node.client;
    const running = async (): Promise<number> =>
      (await client.resource('pod').list(NS, { labelSelector: 'app=burner' })).items.filter((p) => p.status?.phase === 'Running' && !p.metadata?.deletionTimestamp).length;
    const rs: t.ReplicaSet = {
      metadata: { name: 'burner', namespace: NS },
      spec: {
        replicas: 1,
        selector: { matchLabels: { app: 'burner' } },
        template: {
          metadata: { labels: { app: 'burner' } },
          spec: {
            nodeName,
            terminationGracePeriodSeconds: 0,
            containers: [{ name: 'burn', image: BUSYBOX, command: ['sh', '-c', 'while :; do :; done'], resources: { requests: { cpu: '100m' }, limits: { cpu: '150m', memory: '32Mi' } } }],
          },
        },
      },
    };
    await client.resource('replicaSet').create(rs);
    await client.resource('horizontalPodAutoscaler').create({
      metadata: { name: 'burner', namespace: NS },
      spec: {
        scaleTargetRef: { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'burner' },
        minReplicas: 1,
        maxReplicas: 3,
        metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 50 } } }],
      },
    });
    await pollUntil(async () => (await running()) === 1, { timeoutMs: TIMEOUT_MS, intervalMs: 100, what: `run ${run}: the first pod Running` });
    const loadStart = performance.now();
    await pollUntil(async () => (await client.resource('replicaSet').get(NS, 'burner')).spec?.replicas === 3, { timeoutMs: TIMEOUT_MS, intervalMs: 100, what: `run ${run}: the scale-up` });
    const decisionMs = performance.now() - loadStart;
    await pollUntil(async () => (await running()) === 3, { timeoutMs: TIMEOUT_MS, intervalMs: 100, what: `run ${run}: the new pods Running` });
    return { decisionMs: Math.round(decisionMs), runningMs: Math.round(performance.now() - loadStart) };
  } finally {
    await manager.stop();
    await kubelet.stop();
    await tearDownNode(node);
  }
}

export async function benchHpaReaction(): Promise<void> {
  for (let run = 1; run <= RUNS; run++) {
    printResult('kubelet-hpa-reaction', { run, loadAverage1m: loadavg()[0], statsIntervalSeconds: 10, hpaSyncPeriodSeconds: 15, ...(await oneRun(run)) });
  }
}
