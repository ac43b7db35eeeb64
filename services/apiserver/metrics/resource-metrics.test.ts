import { describe, expect, it } from 'vitest';
import type { Node, Pod, Summary } from '../../../lib/api/generated/index.js';
import { resourceByField } from '../../../lib/api/resources.js';
import type { WatchFilter } from '../watch/index.js';
import { ResourceMetrics, type CachedObjects } from './resource-metrics.js';

/** A cache stand-in: namespace and label `app` filtering is all these tests select by. */
function cache(objects: (Pod | Node)[]): CachedObjects {
  return {
    get: (namespace, name) => objects.find((o) => o.metadata?.name === name && (o.metadata?.namespace ?? '') === namespace),
    list: (filter: WatchFilter) => ({
      items: objects.filter((o) => (!filter.namespace || o.metadata?.namespace === filter.namespace) && (!filter.label || filter.label.matches(o.metadata?.labels))),
      revision: 1,
      continue: '',
      remaining: 0,
    }),
  };
}

const pod = (name: string, node: string, phase = 'Running'): Pod => ({
  metadata: { name, namespace: 'default', uid: `uid-${name}`, labels: { app: name } },
  spec: { nodeName: node },
  status: { phase },
});
const node = (name: string): Node => ({ metadata: { name } });
const summary = (nodeName: string, pods: string[]): Summary => ({
  nodeName,
  timestamp: '2026-12-06T00:00:10Z',
  windowSeconds: 10.0004,
  nodeCpuNanoCores: 1_500_000_000,
  nodeMemoryWorkingSetBytes: 2048 * 1024 + 100,
  pods: pods.map((p) => ({ namespace: 'default', name: p, uid: `uid-${p}`, containers: [{ name: 'app', cpuNanoCores: 12_345_678, memoryWorkingSetBytes: 4096 }] })),
});

const everything: WatchFilter = { namespace: '', label: undefined, fields: [] };
const PODS = resourceByField('podMetrics');
const NODES = resourceByField('nodeMetrics');

function setUp(answers: Record<string, Summary | Error>) {
  const asked: string[] = [];
  const metrics = new ResourceMetrics({
    pods: cache([pod('web', 'n1'), pod('db', 'n2'), pod('new', 'n1', 'Pending'), pod('gone', 'n3')]),
    nodes: cache([node('n1'), node('n2'), node('n3')]),
    summaries: async (n) => {
      const name = n.metadata?.name ?? '';
      asked.push(name);
      const answer = answers[name];
      if (!answer || answer instanceof Error) throw answer ?? new Error('no answer');
      return answer;
    },
  });
  return { metrics, asked };
}

describe('ResourceMetrics', () => {
  it("asks only the nodes that run the pods asked for, and shapes their usage as metrics-server's", async () => {
    const { metrics, asked } = setUp({ n1: summary('n1', ['web']), n2: summary('n2', ['db']) });
    const got = await metrics.get(PODS, 'default', 'web');
    expect(asked).toEqual(['n1']);
    expect(got).toEqual({
      apiVersion: 'metrics.k8s.io/v1beta1',
      kind: 'PodMetrics',
      metadata: { name: 'web', namespace: 'default', labels: { app: 'web' }, creationTimestamp: '2026-12-06T00:00:10Z' },
      timestamp: '2026-12-06T00:00:10Z',
      window: '10s',
      containers: [{ name: 'app', usage: { cpu: '12345678n', memory: '4Ki' } }],
    });
  });

  it('leaves out pods that are not running and the pods of nodes that do not answer', async () => {
    const { metrics, asked } = setUp({ n1: summary('n1', ['web']), n2: summary('n2', ['db']), n3: new Error('connection refused') });
    const listed = await metrics.list(PODS, everything);
    expect(listed.map((m) => m.metadata?.name)).toEqual(['web', 'db']);
    expect(asked.sort()).toEqual(['n1', 'n2', 'n3']);
    await expect(metrics.get(PODS, 'default', 'gone')).rejects.toMatchObject({ reason: 'NotFound', message: 'pods.metrics.k8s.io "gone" not found' });
    await expect(metrics.get(PODS, 'default', 'nobody')).rejects.toMatchObject({ reason: 'NotFound' });
  });

  it('finds a static pod, whose runtime uid is not its mirror pod\'s, by its name on the node', async () => {
    const { metrics } = setUp({ n1: { ...summary('n1', []), pods: [{ namespace: 'default', name: 'web', uid: 'static-uid', containers: [{ name: 'app', cpuNanoCores: 1 }] }] } });
    expect((await metrics.get(PODS, 'default', 'web')).metadata?.name).toBe('web');
  });

  it('reports nothing for a node whose kubelet has no window yet', async () => {
    const { metrics } = setUp({ n1: { nodeName: 'n1', windowSeconds: 0, pods: [] }, n2: summary('n2', ['db']) });
    expect((await metrics.list(NODES, everything)).map((m) => m.metadata?.name)).toEqual(['n2']);
    expect(await metrics.get(NODES, '', 'n2')).toMatchObject({ kind: 'NodeMetrics', usage: { cpu: '1500000000n', memory: '2048Ki' }, window: '10s' });
    await expect(metrics.get(NODES, '', 'n1')).rejects.toMatchObject({ reason: 'NotFound', message: 'nodes.metrics.k8s.io "n1" not found' });
  });
});
