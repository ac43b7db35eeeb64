import { describe, expect, it } from 'vitest';
import type { NodeMetrics, PodMetrics } from '../../lib/api/generated/index.js';
import { useFakeApiServer } from '../../lib/client/testing/fake-api-per-test.js';
import { runVerb } from '../testing/run-verb.js';
import { explainMissing, nodeMetricsTable, podMetricsTable } from './top.js';

const podMetrics = (name: string, containers: Record<string, [cpu: string, memory: string]>, namespace = 'default'): PodMetrics => ({
  metadata: { name, namespace, labels: { app: name } },
  window: '10s',
  containers: Object.entries(containers).map(([c, [cpu, memory]]) => ({ name: c, usage: { cpu, memory } })),
});

const nodeMetrics = (name: string, cpu: string, memory: string): NodeMetrics => ({ metadata: { name }, window: '10s', usage: { cpu, memory } });

describe('top pod table', () => {
  const metrics = [podMetrics('web', { app: ['250000000n', '10240Ki'], log: ['1500000n', '2Mi'] }), podMetrics('db', { mysql: ['5m', '300Mi'] })];

  it("sums containers into kubectl's columns, by name, CPU up to the next millicore and memory down to whole Mi", () => {
    expect(podMetricsTable(metrics)).toBe(['NAME   CPU(cores)   MEMORY(bytes)   ', 'db     5m           300Mi           ', 'web    252m         12Mi            ', ''].join('\n'));
  });

  it('sorts by cpu or memory, highest first', () => {
    expect(podMetricsTable(metrics, { sortBy: 'cpu', noHeaders: true }).split('\n')[0]).toMatch(/^web /);
    expect(podMetricsTable(metrics, { sortBy: 'memory', noHeaders: true }).split('\n')[0]).toMatch(/^db /);
  });

  it('prints one line per container under POD with --containers, and NAMESPACE with -A', () => {
    expect(podMetricsTable(metrics, { containers: true, allNamespaces: true })).toBe(
      [
        'NAMESPACE   POD   NAME    CPU(cores)   MEMORY(bytes)   ',
        'default     db    mysql   5m           300Mi           ',
        'default     web   app     250m         10Mi            ',
        'default     web   log     2m           2Mi             ',
        '',
      ].join('\n'),
    );
  });
});

describe('top node table', () => {
  const nodes = [
    { metadata: { name: 'n1' }, status: { allocatable: { cpu: '2', memory: '4Gi' }, capacity: { cpu: '4', memory: '8Gi' } } },
    { metadata: { name: 'n2' }, status: { allocatable: { cpu: '2', memory: '4Gi' } } },
  ];

  it('shows use against allocatable, and <unknown> for nodes without metrics', () => {
    expect(nodeMetricsTable([nodeMetrics('n1', '500m', '1Gi')], nodes)).toBe(
      [
        'NAME   CPU(cores)   CPU(%)      MEMORY(bytes)   MEMORY(%)   ',
        'n1     500m         25%         1024Mi          25%         ',
        'n2     <unknown>    <unknown>   <unknown>       <unknown>   ',
        '',
      ].join('\n'),
    );
  });

  it('shows use against capacity with --show-capacity', () => {
    expect(nodeMetricsTable([nodeMetrics('n1', '500m', '1Gi')], nodes.slice(0, 1), { showCapacity: true, noHeaders: true })).toBe('n1    500m   12%   1024Mi   12%   \n');
  });
});

describe('pods without metrics', () => {
  const created = Date.parse('2026-12-06T00:00:00Z');
  const pod = { metadata: { name: 'web', namespace: 'default', creationTimestamp: '2026-12-06T00:00:00Z' } };

  it('are not an error while younger than two minutes', () => {
    expect(() => explainMissing([pod], created + 60_000)).toThrow(/^metrics not available yet$/);
  });

  it('are named with their age, as Go prints durations, once older', () => {
    expect(() => explainMissing([pod], created + 125_500)).toThrow('Metrics not available for pod default/web, age: 2m5.5s');
  });
});

describe('kubets top', () => {
  const api = useFakeApiServer();
  const run = (...argv: string[]) => runVerb(argv, { client: api.client });

  it('prints pods of the namespace, filtered by label', async () => {
    await api.client.resource('podMetrics').create(podMetrics('web', { app: ['12m', '20Mi'] }));
    await api.client.resource('podMetrics').create(podMetrics('db', { mysql: ['3m', '100Mi'] }));
    expect(await run('top', 'pods', '-l', 'app=web')).toEqual({ stdout: 'NAME   CPU(cores)   MEMORY(bytes)   \nweb    12m          20Mi            \n', stderr: '', code: 0 });
    expect((await run('top', 'po', 'db', '--no-headers')).stdout).toBe('db    3m    100Mi   \n');
  });

  it('says metrics are not available yet while a young pod has none, and no resources when no pod matches', async () => {
    await api.client.resource('pod').create({ metadata: { name: 'young', namespace: 'default' }, spec: { containers: [{ name: 'c', image: 'busybox' }] } });
    expect(await run('top', 'pod')).toEqual({ stdout: '', stderr: 'error: metrics not available yet\n', code: 1 });
    expect(await run('top', 'pod', '-l', 'app=none')).toEqual({ stdout: '', stderr: 'No resources found in default namespace.\n', code: 0 });
    expect((await run('top', 'pod', '-A', '-l', 'app=none')).stderr).toBe('No resources found\n');
  });

  it('reports nodes, and no metrics at all as kubectl does', async () => {
    expect(await run('top', 'nodes')).toEqual({ stdout: '', stderr: 'error: metrics not available yet\n', code: 1 });
    await api.client.resource('node').create({ metadata: { name: 'n1' }, status: { allocatable: { cpu: '2', memory: '2Gi' } } });
    await api.client.resource('nodeMetrics').create(nodeMetrics('n1', '1', '512Mi'));
    expect((await run('top', 'no')).stdout).toBe('NAME   CPU(cores)   CPU(%)   MEMORY(bytes)   MEMORY(%)   \nn1     1000m        50%      512Mi           25%         \n');
  });

  it('refuses a bad --sort-by and a name with a selector', async () => {
    expect((await run('top', 'pod', '--sort-by', 'name')).stderr).toBe('error: --sort-by accepts only cpu or memory\n');
    expect((await run('top', 'pod', 'web', '-l', 'app=web')).stderr).toBe('error: only one of NAME or selector can be provided\n');
  });
});
