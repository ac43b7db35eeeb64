import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type * as t from '../../../lib/api/generated/index.js';
import { cpuMillis } from '../../../lib/quantity.js';
import { runVerb } from '../../../cli/testing/run-verb.js';
import { ControllerManager } from '../../../services/controller-manager/controller-manager.js';
import type { Kubelet } from '../../../services/kubelet/kubelet.js';
import { BUSYBOX, eventually, setUpNode, startKubelet, tearDownNode, type TestNode } from './helpers.js';

// Autoscaling on real CPU, end to end: a real kubelet runs busy-looping containers and measures
// them, the apiserver serves their PodMetrics, and the HorizontalPodAutoscaler controller scales
// their Deployment up while they burn and back down once they stop (its sync period and scale-down
// window shortened for the test). Each container burns until a file appears in it, so the test
// ends the load by exec'ing into every pod.
const NODE = `it-kubelet-hpa-${randomBytes(3).toString('hex')}`;
const NS = 'default';
let node: TestNode;
let kubelet: Kubelet;
let manager: ControllerManager | undefined;

const BURN_UNTIL_STOPPED = 'while [ ! -e /tmp/stop ]; do :; done; exec sleep 3600';

beforeAll(async () => {
  node = await setUpNode(NODE);
  kubelet = await startKubelet(node, { statsIntervalMs: 1_000 });
  manager = new ControllerManager({
    client: node.cp.client(),
    leaderElection: false,
    settings: { controllers: ['deployment', 'replicaset', 'horizontalpodautoscaling'], hpaSyncPeriodMs: 1_000, hpaDownscaleStabilizationMs: 5_000 },
  });
  if (!(await manager.start())) throw new Error('controller-manager informers did not sync');
});

afterAll(async () => {
  await manager?.stop();
  await kubelet?.stop();
  await tearDownNode(node);
});

const replicas = async (): Promise<number> => (await node.client.resource('deployment').get(NS, 'burner')).spec?.replicas ?? 0;
const hpa = (): Promise<t.HorizontalPodAutoscaler> => node.client.resource('horizontalPodAutoscaler').get(NS, 'burner');
const condition = (h: t.HorizontalPodAutoscaler, type: string) => h.status?.conditions?.find((c) => c.type === type);

async function runningPods(): Promise<t.Pod[]> {
  const { items } = await node.client.resource('pod').list(NS, { labelSelector: 'app=burner' });
  return items.filter((p) => p.status?.phase === 'Running' && !p.metadata?.deletionTimestamp);
}

async function rescaleEvents(): Promise<string[]> {
  const { items } = await node.client.resource('event').list(NS);
  return items.filter((e) => e.involvedObject?.name === 'burner' && e.reason === 'SuccessfulRescale').map((e) => e.message ?? '');
}

describe('a HorizontalPodAutoscaler on real CPU', () => {
  it('scales a busy Deployment up to its maximum, shows the usage in kubets top, and scales down once the load stops', async () => {
    const deployment: t.Deployment = {
      metadata: { name: 'burner', namespace: NS },
      spec: {
        replicas: 1,
        selector: { matchLabels: { app: 'burner' } },
        template: {
          metadata: { labels: { app: 'burner' } },
          spec: {
            nodeName: NODE,
            terminationGracePeriodSeconds: 0,
            // A tenth of a core asked for, at most three twentieths used: 150% of the request while burning.
            containers: [{ name: 'burn', image: BUSYBOX, command: ['sh', '-c', BURN_UNTIL_STOPPED], resources: { requests: { cpu: '100m' }, limits: { cpu: '150m', memory: '32Mi' } } }],
          },
        },
      },
    };
    await node.client.resource('deployment').create(deployment);
    await node.client.resource('horizontalPodAutoscaler').create({
      metadata: { name: 'burner', namespace: NS },
      spec: {
        scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'burner' },
        minReplicas: 1,
        maxReplicas: 3,
        metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 50 } } }],
      },
    });

    await eventually('the Deployment scaled up to 3', async () => (await replicas()) === 3, 180_000);
    expect((await rescaleEvents()).some((m) => /^New size: 3; reason: cpu resource utilization \(percentage of request\) above target$/.test(m))).toBe(true);
    await eventually('3 burning pods', async () => (await runningPods()).length === 3, 120_000);
    const limited = await eventually('the autoscaler held at its maximum', async () => {
      const h = await hpa();
      return condition(h, 'ScalingLimited')?.reason === 'TooManyReplicas' && (h.status?.currentMetrics?.[0]?.resource?.current?.averageUtilization ?? 0) > 50 && h;
    }, 60_000);
    expect(condition(limited, 'AbleToScale')?.status).toBe('True');
    expect(condition(limited, 'ScalingActive')).toMatchObject({ status: 'True', reason: 'ValidMetricFound' });
    expect(limited.status?.desiredReplicas).toBe(3);

    const top = await eventually('kubets top pods with CPU for the busy pods', async () => {
      const run = await runVerb(['top', 'pods', '-n', NS, '-l', 'app=burner', '--no-headers'], { client: node.client });
      const millis = run.stdout.trim().split('\n').map((line) => cpuMillis(line.split(/\s+/)[1] ?? '0'));
      return millis.length === 3 && millis.every((m) => m > 0) && run.stdout;
    }, 60_000);
    expect(top).toMatch(/^burner-\S+\s+\d+m\s+\d+Mi\s*$/m);

    for (const pod of await runningPods()) {
      const stopped = await runVerb(['exec', pod.metadata!.name!, '-n', NS, '--', 'touch', '/tmp/stop'], { client: node.client });
      expect(stopped.code, stopped.stderr).toBe(0);
    }
    await eventually('the Deployment scaled back down to 1', async () => (await replicas()) === 1, 180_000);
    expect((await rescaleEvents()).some((m) => /^New size: 1; reason: All metrics below target$/.test(m))).toBe(true);
  }, 600_000);
});
