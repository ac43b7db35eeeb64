import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { dirname } from 'node:path';
import { pollUntil } from '../../test/harness/poll.js';
import { printResult } from '../harness/report.js';
import { rssMiB } from '../harness/stats.js';
import { startLocalCluster } from './local-cluster.js';
import { kubeletOf, processes, type Proc } from './processes.js';

// What one more node of a local multi-node cluster costs in memory: `kubets up --nodes 3`, then
// the resident size of each namespaced node's engine (its dockerd and the containerd that dockerd
// runs), kubelet and proxy (which holds the network agent), idle and with PODS_PER_NODE pods each;
// the per-pod cost (container shims and the pods' own processes) is the machine's used memory
// before and after, divided by the pods. Talks only to loopback and to the namespaces it makes.

const PODS_PER_NODE = 10;
const NODES = 3;
const SUBNET = '10.253.9.0/24';

/** RSS of one namespaced node's parts, found by their command lines. */
function nodeParts(procs: Proc[], name: string, socketDir: string): Record<string, number> {
  const dockerd = procs.find((p) => p.cmd.includes('dockerd') && p.cmd.includes(socketDir) && !p.cmd.startsWith('nsenter'));
  const containerd = dockerd ? procs.filter((p) => p.ppid === dockerd.pid && p.cmd.startsWith('containerd')) : [];
  const kubelet = kubeletOf(procs, name);
  const proxy = procs.find((p) => p.cmd.includes(' proxy ') && p.cmd.includes(`--hostname-override ${name} `));
  const mib = (p: Proc | undefined): number => (p ? rssMiB(p.pid) : 0);
  return {
    engineMiB: mib(dockerd) + containerd.reduce((sum, p) => sum + rssMiB(p.pid), 0),
    kubeletMiB: mib(kubelet),
    proxyMiB: mib(proxy),
  };
}

function usedMemoryMiB(): number {
  const info = readFileSync('/proc/meminfo', 'utf8');
  const kib = (key: string): number => Number(new RegExp(`^${key}:\\s+(\\d+)`, 'm').exec(info)?.[1] ?? 0);
  return (kib('MemTotal') - kib('MemAvailable')) / 1024;
}

const round1 = (n: number): number => Math.round(n * 10) / 10;

export async function benchNodeMemory(): Promise<void> {
  const cluster = await startLocalCluster({ nodes: NODES, subnet: SUBNET, name: 'bench-memory' });
  const { client } = cluster;
  try {
    const names = cluster.plan.nodes.map((n) => ({ name: n.name, socketDir: `${dirname(n.dockerSocket)}/` }));
    const measure = () => {
      const procs = processes();
      return names.map((n) => nodeParts(procs, n.name, n.socketDir));
    };
    await new Promise((r) => setTimeout(r, 10_000));
    const idle = measure();
    const usedBefore = usedMemoryMiB();
    const pods = PODS_PER_NODE * NODES;
    await client.resource('replicationController').create({
      metadata: { name: 'filler', namespace: 'default' },
      spec: { replicas: pods, selector: { app: 'filler' }, template: { metadata: { labels: { app: 'filler' } }, spec: { containers: [{ name: 'sleep', image: 'kubets/busybox:1.36', command: ['sleep', '3600'] }] } } },
    });
    await pollUntil(async () => (await client.resource('pod').list('default', { labelSelector: 'app=filler' })).items.filter((p) => p.status?.phase === 'Running').length === pods, {
      timeoutMs: 600_000,
      intervalMs: 1_000,
      what: 'pods running',
    });
    await new Promise((r) => setTimeout(r, 10_000));
    const loaded = measure();
    const perPodMiB = (usedMemoryMiB() - usedBefore) / pods;
    const avg = (rows: Record<string, number>[], key: string): number => round1(rows.reduce((s, r) => s + (r[key] ?? 0), 0) / rows.length);
    const perNode = (rows: Record<string, number>[]) => ({ engineMiB: avg(rows, 'engineMiB'), kubeletMiB: avg(rows, 'kubeletMiB'), proxyMiB: avg(rows, 'proxyMiB'), totalMiB: round1(avg(rows, 'engineMiB') + avg(rows, 'kubeletMiB') + avg(rows, 'proxyMiB')) });
    printResult('cluster-node-memory', {
      nodes: NODES,
      podsPerNode: PODS_PER_NODE,
      loadAvg1m: loadavg()[0],
      perExtraNodeIdle: perNode(idle),
      perExtraNodeWithPods: perNode(loaded),
      perPodMiB: round1(perPodMiB),
    });
  } finally {
    cluster.down();
  }
}
