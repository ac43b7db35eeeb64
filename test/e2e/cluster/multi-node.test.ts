// `kubets up --nodes 3` for real: this machine plus two nodes in network namespaces, each with its
// own Docker engine, kubelet and proxy; a pod network between them; then `kubets down`, which must
// leave nothing behind. Traffic goes only to loopback and to the namespaces and pods this test makes.
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { CertificateSigningRequest, Node, Pod, PodSpec, ReplicationController } from '../../../lib/api/generated/index.js';
import { pollUntil } from '../../harness/poll.js';
import { freeApiserverPort, freeEtcdPort, freeKubeletPort, freePort } from '../../harness/ports.js';
import { runCli } from '../cli/cli-harness.js';
import { clusterCli } from '../cluster-cli.js';

const SUFFIX = Math.random().toString(36).slice(2, 7);
const NODE = `mn-${SUFFIX}`;
const SUBNET_PREFIX = '10.253.7';
const NODE_IPS = [`${SUBNET_PREFIX}.1`, `${SUBNET_PREFIX}.2`, `${SUBNET_PREFIX}.3`];
const NODES = [NODE, `${NODE}-node2`, `${NODE}-node3`];

const { dir, dataDir, env, kubets, ok, getJson, nodesReady, holdHostNetwork, tearDownAfterAll } = clusterCli('multinode');

/** What of this cluster the host shows: namespaces, links and routes that carry its names or addresses. */
function hostTraces(): string[] {
  const run = (cmd: string, args: string[]) => execFileSync(cmd, args, { encoding: 'utf8' });
  return [
    ...run('ip', ['netns', 'list']).split('\n').filter((l) => l.startsWith('kubets-')),
    ...run('ip', ['-o', 'link']).split('\n').filter((l) => /: kt[-0-9a-f]/.test(l)),
    ...run('ip', ['route']).split('\n').filter((l) => l.includes(SUBNET_PREFIX) || l.includes('proto 211')),
    ...run('iptables-save', []).split('\n').filter((l) => l.includes('kubets: pod network')),
  ].filter(Boolean);
}

function tcpRead(host: string, port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host, port, timeout: 3_000 });
    let data = '';
    socket.on('data', (d) => (data += d.toString()));
    socket.on('end', () => resolve(data));
    socket.on('timeout', () => socket.destroy(new Error(`timeout reading ${host}:${port}`)));
    socket.on('error', reject);
  });
}

/** Each step runs many CLI calls and waits on real containers; on a loaded two-core machine that takes minutes. */
const TEST_TIMEOUT_MS = 300_000;

/** A replication controller of `replicas` pods labelled app=<name>, as a user would write it. */
function replicationController(name: string, replicas: number, podSpec: PodSpec): ReplicationController {
  return {
    apiVersion: 'v1',
    kind: 'ReplicationController',
    metadata: { name },
    spec: { replicas, selector: { app: name }, template: { metadata: { labels: { app: name } }, spec: podSpec } },
  } as ReplicationController;
}

let before: string[] = [];
let ports: { port: number; etcdPort: number; kubeletPort: number };

// Waiting for another test file's turn on the host network is not this file's start-up time.
const HOST_NETWORK_WAIT_MS = 1_500_000;
beforeAll(async () => {
  await holdHostNetwork(HOST_NETWORK_WAIT_MS);
}, HOST_NETWORK_WAIT_MS + 60_000);

beforeAll(async () => {
  before = hostTraces();
  const [port, etcdPort, kubeletPort, registryPort] = [await freeApiserverPort(), await freeEtcdPort(), await freeKubeletPort(), await freePort()];
  ports = { port, etcdPort, kubeletPort };
  await ok(
    ['up', '--detach', '--nodes', '3', '--node-name', NODE, '--node-subnet', `${SUBNET_PREFIX}.0/24`, '--data-dir', dataDir,
      '--port', String(port), '--etcd-port', String(etcdPort), '--kubelet-port', String(kubeletPort), '--registry-port', String(registryPort),
      // A lost node is noticed in seconds rather than 40 s (the kubelet renews its lease every 10 s).
      '--controller-manager-arg', 'node-monitor-grace-period=15s', '--controller-manager-arg', 'node-monitor-period=1s'],
    180_000,
  );
  await nodesReady(3);
}, 400_000);

tearDownAfterAll({ downArgs: ['--node-name', NODE], downTimeoutMs: 120_000, afterDown: () => expect(hostTraces()).toEqual(before) });

describe('kubets up --nodes 3', () => {
  let pods: Pod[] = [];
  const podOn = (node: string) => pods.find((p) => p.spec?.nodeName === node)!;

  it('brings up three Ready nodes, each with its own address and pod subnet', async () => {
    const nodes = (await getJson<{ items: Node[] }>(['get', 'nodes'])).items;
    expect(nodes.map((n) => n.metadata?.name).sort()).toEqual([...NODES].sort());
    expect(nodes.map((n) => n.status?.addresses?.find((a) => a.type === 'InternalIP')?.address).sort()).toEqual(NODE_IPS);
    const cidrs = nodes.map((n) => n.spec?.podCIDR);
    expect(new Set(cidrs).size).toBe(3);
    for (const cidr of cidrs) expect(cidr).toMatch(/^10\.244\.\d+\.0\/24$/);
  }, TEST_TIMEOUT_MS);

  it('joined the further nodes with a bootstrap token: each its own certificates, no CA key, no token, the token gone', async () => {
    const csrs = (await getJson<{ items: CertificateSigningRequest[] }>(['get', 'csr'])).items;
    for (const node of NODES.slice(1)) {
      // Its serving and proxy certificates, asked for as the node itself.
      expect(csrs.filter((c) => c.spec?.username === `system:node:${node}`).length, node).toBe(2);
      const nodeDir = join(dataDir, 'nodes', node);
      const files = readdirSync(nodeDir);
      expect(files).toEqual(expect.arrayContaining(['ca.crt', 'kubelet.crt', 'kubelet.key', 'kubelet-serving.crt', 'proxy.crt', 'kubelet.conf', 'proxy.conf', 'node.env']));
      expect(files.filter((f) => f === 'ca.key' || f.endsWith('.csv') || f === 'admin.conf')).toEqual([]);
      const kubeletConf = JSON.parse(readFileSync(join(nodeDir, 'kubelet.conf'), 'utf8')) as { contexts: Record<string, { token?: string; clientCertData?: string }> };
      expect(Object.values(kubeletConf.contexts).every((c) => c.token === undefined && c.clientCertData)).toBe(true);
    }
    // Plus one client certificate per node, asked for with the bootstrap token; all approved and issued.
    expect(csrs.filter((c) => c.spec?.username?.startsWith('system:bootstrap:')).length).toBe(2);
    expect(csrs.every((c) => c.status?.conditions?.some((k) => k.type === 'Approved') && c.status.certificate)).toBe(true);
    expect(await ok(['get', 'csr'])).toMatch(/^NAME\s+AGE\s+SIGNERNAME\s+REQUESTOR\s+REQUESTEDDURATION\s+CONDITION\n/);
    expect(await ok(['token', 'list'])).toBe('');
  }, TEST_TIMEOUT_MS);

  it('spreads a replication controller of 6 over the three nodes', async () => {
    const manifest = JSON.stringify({
      apiVersion: 'v1',
      kind: 'List',
      items: [
        replicationController('echo', 6, {
          containers: [{
            name: 'echo',
            image: 'kubets/busybox:1.36',
            command: ['sh', '-c', 'echo started; while true; do echo "hello from $(hostname)" | nc -l -p 8080; done'],
            ports: [{ containerPort: 8080 }],
          }],
        }),
        { apiVersion: 'v1', kind: 'Service', metadata: { name: 'echo' }, spec: { type: 'NodePort', selector: { app: 'echo' }, ports: [{ port: 80, targetPort: 8080 }] } },
      ],
    });
    const created = await runCli(['create', '-f', '-'], env, { stdin: manifest });
    expect(created.code, created.stderr).toBe(0);
    pods = await pollUntil(
      async () => {
        const items = (await getJson<{ items: Pod[] }>(['get', 'pods', '-l', 'app=echo'])).items;
        return items.length === 6 && items.every((p) => p.status?.phase === 'Running' && p.status.podIP) ? items : undefined;
      },
      { timeoutMs: 120_000, intervalMs: 1_000, what: 'six running echo pods' },
    );
    for (const node of NODES) expect(pods.filter((p) => p.spec?.nodeName === node).length, node).toBeGreaterThan(0);
    for (const pod of pods) {
      const cidr = (await getJson<Node>(['get', 'node', pod.spec!.nodeName!])).spec!.podCIDR!;
      expect(pod.status!.podIP!.startsWith(cidr.split('.').slice(0, 3).join('.') + '.'), `${pod.metadata?.name} ${pod.status?.podIP} in ${cidr}`).toBe(true);
    }
  }, TEST_TIMEOUT_MS);

  it('lets pods reach each other by IP across nodes, both ways', async () => {
    for (const [from, to] of [[2, 0], [0, 2], [1, 2]] as const) {
      const target = podOn(NODES[to]!);
      const out = await ok(['exec', podOn(NODES[from]!).metadata!.name!, '--', 'nc', '-w', '3', target.status!.podIP!, '8080']);
      expect(out.trim()).toBe(`hello from ${target.metadata!.name}`);
    }
  }, TEST_TIMEOUT_MS);

  it('answers the Service by ClusterIP and by DNS name from a pod on every node', async () => {
    const names = new Set(pods.map((p) => p.metadata!.name!));
    for (const [i, node] of NODES.entries()) {
      const pod = podOn(node).metadata!.name!;
      // The pod's resolver is its node's cluster DNS itself, not Docker's embedded one in between.
      expect(await ok(['exec', pod, '--', 'cat', '/etc/resolv.conf'])).toBe(
        `nameserver ${NODE_IPS[i]}\nsearch default.svc.cluster.local svc.cluster.local cluster.local\noptions ndots:5\n`,
      );
      const byName = await ok(['exec', pod, '--', 'nc', '-w', '3', 'echo.default.svc.cluster.local', '80']);
      expect(names.has(byName.trim().replace('hello from ', ''))).toBe(true);
    }
    // Endpoints on other nodes are balanced too: from one pod, the answers come from more than its own node.
    const seen = new Set<string>();
    const client = podOn(NODES[0]!).metadata!.name!;
    for (let i = 0; i < 12 && seen.size < 2; i++) {
      const answer = (await ok(['exec', client, '--', 'nc', '-w', '3', 'echo', '80'])).trim().replace('hello from ', '');
      seen.add(pods.find((p) => p.metadata?.name === answer)!.spec!.nodeName!);
    }
    expect(seen.size).toBeGreaterThan(1);
  }, TEST_TIMEOUT_MS);

  it("answers a NodePort on every node's address", async () => {
    const svc = await getJson<{ spec: { ports: Array<{ nodePort: number }> } }>(['get', 'service', 'echo']);
    const nodePort = svc.spec.ports[0]!.nodePort;
    const names = new Set(pods.map((p) => p.metadata!.name!));
    for (const ip of NODE_IPS) {
      // Each node's proxy writes the node port once it has seen the Service and its endpoints.
      const answer = await pollUntil(() => tcpRead(ip, nodePort).catch(() => undefined), { timeoutMs: 60_000, intervalMs: 500, what: `node port ${nodePort} on ${ip}` });
      expect(names.has(answer.trim().replace('hello from ', '')), `${ip}:${nodePort} answered ${answer}`).toBe(true);
    }
  }, TEST_TIMEOUT_MS);

  it('serves logs and exec of a pod on the third node through the apiserver', async () => {
    const pod = podOn(NODES[2]!).metadata!.name!;
    expect(await ok(['logs', pod])).toContain('started');
    expect((await ok(['exec', pod, '--', 'hostname'])).trim()).toBe(pod);
  }, TEST_TIMEOUT_MS);

  it('refuses a second cluster on the same ports, and the down of that one touches nothing of this one', async () => {
    const otherDir = join(dir, 'other');
    const second = await kubets(['up', '--detach', '--data-dir', otherDir, '--node-name', `other-${SUFFIX}`, '--port', String(ports.port), '--etcd-port', String(ports.etcdPort), '--kubelet-port', String(ports.kubeletPort)]);
    expect(second.code).toBe(1);
    expect(second.stderr).toContain(`port ${ports.etcdPort} (etcd client) is already in use`);
    const down = await kubets(['down', '--data-dir', otherDir, '--node-name', `other-${SUFFIX}`]);
    expect(down.code, down.stderr).toBe(0);
    const nodes = (await getJson<{ items: Node[] }>(['get', 'nodes'])).items;
    expect(nodes.filter((n) => n.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True')).length).toBe(3);
    const running = (await getJson<{ items: Pod[] }>(['get', 'pods', '-l', 'app=echo'])).items.filter((p) => p.status?.phase === 'Running');
    expect(running.length).toBe(6);
  }, TEST_TIMEOUT_MS);

  it('moves the pods of a node that drops off the network, and cleans that node up when it comes back', async () => {
    const lost = NODES[1]!;
    const tolerate = (key: string) => ({ key, operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 5 });
    const rc = replicationController('mover', 3, {
      containers: [{ name: 'sleep', image: 'kubets/busybox:1.36', command: ['sleep', '3600'] }],
      tolerations: [tolerate('node.kubernetes.io/unreachable'), tolerate('node.kubernetes.io/not-ready')],
      affinity: {
        podAntiAffinity: {
          preferredDuringSchedulingIgnoredDuringExecution: [
            { weight: 100, podAffinityTerm: { topologyKey: 'kubernetes.io/hostname', labelSelector: { matchLabels: { app: 'mover' } } } },
          ],
        },
      },
    });
    const created = await runCli(['create', '-f', '-'], env, { stdin: JSON.stringify(rc) });
    expect(created.code, created.stderr).toBe(0);
    const running = (items: Pod[]) => items.filter((p) => p.status?.phase === 'Running' && !p.metadata?.deletionTimestamp);
    const movers = async () => (await getJson<{ items: Pod[] }>(['get', 'pods', '-l', 'app=mover'])).items;
    const first = await pollUntil(async () => {
      const items = running(await movers());
      return items.length === 3 && items.some((p) => p.spec?.nodeName === lost) ? items : undefined;
    }, { timeoutMs: 120_000, intervalMs: 1_000, what: 'three movers, one on the node to lose' });
    const victim = first.find((p) => p.spec?.nodeName === lost)!;

    const clusterId = readFileSync(join(dataDir, 'cluster-id'), 'utf8').trim();
    const veth = `kt${clusterId}-2`;
    execFileSync('ip', ['link', 'set', veth, 'down']);
    try {
      await pollUntil(async () => {
        const node = await getJson<Node>(['get', 'node', lost]);
        return node.status?.conditions?.find((c) => c.type === 'Ready')?.status === 'Unknown';
      }, { timeoutMs: 120_000, intervalMs: 1_000, what: `${lost} NotReady` });
      await pollUntil(async () => {
        const items = running(await movers());
        return items.length === 3 && items.every((p) => p.spec?.nodeName !== lost) ? items : undefined;
      }, { timeoutMs: 120_000, intervalMs: 1_000, what: 'three movers on the remaining nodes' });
    } finally {
      execFileSync('ip', ['link', 'set', veth, 'up']);
    }

    await pollUntil(async () => {
      const node = await getJson<Node>(['get', 'node', lost]);
      return node.status?.conditions?.find((c) => c.type === 'Ready')?.status === 'True';
    }, { timeoutMs: 120_000, intervalMs: 1_000, what: `${lost} Ready again` });
    await pollUntil(async () => !(await movers()).some((p) => p.metadata?.uid === victim.metadata?.uid), { timeoutMs: 120_000, intervalMs: 1_000, what: 'the evicted pod gone' });
    const engine = `unix:///run/kubets/${clusterId}/node2/docker.sock`;
    await pollUntil(
      () => execFileSync('docker', ['-H', engine, 'ps', '-aq', '--filter', `label=io.kubets.pod.uid=${victim.metadata!.uid}`], { encoding: 'utf8' }).trim() === '',
      { timeoutMs: 60_000, intervalMs: 1_000, what: "the evicted pod's containers removed from its node" },
    );
  }, TEST_TIMEOUT_MS);
});
