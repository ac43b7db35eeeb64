// `kubets up --nodes 3 --network-backend vxlan` for real: the pod network between this machine and
// two namespaced nodes runs through VXLAN devices instead of host-gw routes; pods reach each other
// by IP across nodes both ways, and `kubets down` leaves no device, route or namespace behind.
// Traffic goes only to loopback and to the namespaces and pods this test makes.
import { execFileSync } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Node, Pod } from '../../../lib/api/generated/index.js';
import { pollUntil } from '../../harness/poll.js';
import { freeApiserverPort, freeEtcdPort, freeKubeletPort, freePort } from '../../harness/ports.js';
import { runCli } from '../cli/cli-harness.js';
import { clusterCli } from '../cluster-cli.js';

const SUFFIX = Math.random().toString(36).slice(2, 7);
const NODE = `vx-${SUFFIX}`;
const SUBNET_PREFIX = '10.253.9';
const NODES = [NODE, `${NODE}-node2`, `${NODE}-node3`];
// A VNI of its own, so the device name (kubets.<vni>) is this cluster's alone on the host.
const VNI = 1000 + Math.floor(Math.random() * 9000);
const DEVICE = `kubets.${VNI}`;

const { dataDir, env, ok, getJson, nodesReady, holdHostNetwork, tearDownAfterAll } = clusterCli('vxlan');

const ip = (args: string[]): string => execFileSync('ip', args, { encoding: 'utf8' });

/** A UDP port that was free a moment ago, for the tunnel. */
function freeUdpPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = createSocket('udp4');
    socket.on('error', reject);
    socket.bind(0, () => {
      const { port } = socket.address();
      socket.close(() => resolve(port));
    });
  });
}

/**
 * What of this cluster the host shows: its namespaces and links (named by its cluster ID), its
 * VXLAN device, routes to its node subnet or through its device, and the rule for its tunnel port.
 * Only this cluster's: other clusters may come and go on the host meanwhile.
 */
function hostTraces(id: string): string[] {
  return [
    ...ip(['netns', 'list']).split('\n').filter((l) => l.startsWith(`kubets-${id}-`)),
    ...ip(['-o', 'link']).split('\n').filter((l) => l.includes(`kt${id}-`) || l.includes(`kt-${id}`) || l.includes(`${DEVICE}:`)),
    ...ip(['route']).split('\n').filter((l) => l.includes(SUBNET_PREFIX) || l.includes(DEVICE)),
    ...execFileSync('iptables-save', [], { encoding: 'utf8' }).split('\n').filter((l) => l.includes(`--dport ${udpPort} `) && l.includes('kubets: pod network')),
  ].filter(Boolean);
}

interface LinkJson {
  mtu: number;
  address: string;
  linkinfo?: { info_kind?: string; info_data?: { id?: number; port?: number; local?: string } };
  stats64?: { rx?: { packets: number }; tx?: { packets: number } };
}

/** The VXLAN device of a node (in its namespace, or on the host for the first node). */
function deviceOf(k: number): LinkJson {
  const netns = k === 0 ? [] : ['-n', `kubets-${clusterId()}-${k + 1}`];
  return (JSON.parse(ip([...netns, '-j', '-d', '-s', 'link', 'show', 'dev', DEVICE])) as LinkJson[])[0]!;
}

const clusterId = (): string => readFileSync(join(dataDir, 'cluster-id'), 'utf8').trim();

const TEST_TIMEOUT_MS = 300_000;
let udpPort = 0;

const HOST_NETWORK_WAIT_MS = 1_500_000;
beforeAll(async () => {
  await holdHostNetwork(HOST_NETWORK_WAIT_MS);
}, HOST_NETWORK_WAIT_MS + 60_000);

beforeAll(async () => {
  const [port, etcdPort, kubeletPort, registryPort] = [await freeApiserverPort(), await freeEtcdPort(), await freeKubeletPort(), await freePort()];
  udpPort = await freeUdpPort();
  await ok(
    ['up', '--detach', '--nodes', '3', '--node-name', NODE, '--node-subnet', `${SUBNET_PREFIX}.0/24`, '--data-dir', dataDir,
      '--port', String(port), '--etcd-port', String(etcdPort), '--kubelet-port', String(kubeletPort), '--registry-port', String(registryPort),
      '--network-backend', 'vxlan', '--vxlan-vni', String(VNI), '--vxlan-port', String(udpPort)],
    180_000,
  );
  await nodesReady(3);
}, 400_000);

let id = '';
tearDownAfterAll({
  downTimeoutMs: 120_000,
  beforeDown: () => {
    id = clusterId();
    expect(hostTraces(id).length).toBeGreaterThan(0);
  },
  afterDown: () => expect(hostTraces(id)).toEqual([]),
});

describe('kubets up --nodes 3 --network-backend vxlan', () => {
  let nodes: Node[] = [];
  let pods: Pod[] = [];

  it('gives every node a VXLAN device on the VNI and port asked for, 50 bytes below its interface, and publishes its endpoint', async () => {
    nodes = await pollUntil(
      async () => {
        const items = (await getJson<{ items: Node[] }>(['get', 'nodes'])).items;
        return items.length === 3 && items.every((n) => n.metadata?.annotations?.['network.kubets.io/backend-data']) ? items : undefined;
      },
      { timeoutMs: 60_000, intervalMs: 1_000, what: 'every node publishing its VXLAN endpoint' },
    );
    for (const [k, name] of NODES.entries()) {
      const node = nodes.find((n) => n.metadata?.name === name)!;
      const device = deviceOf(k);
      expect(device.linkinfo?.info_kind).toBe('vxlan');
      expect(device.linkinfo?.info_data).toMatchObject({ id: VNI, port: udpPort, local: `${SUBNET_PREFIX}.${k + 1}` });
      expect(device.mtu).toBe(1450);
      const annotations = node.metadata!.annotations!;
      expect(annotations['network.kubets.io/backend-type']).toBe('vxlan');
      expect(JSON.parse(annotations['network.kubets.io/backend-data']!)).toEqual({ VNI, VtepMAC: device.address });
      expect(annotations['network.kubets.io/public-ip']).toBe(`${SUBNET_PREFIX}.${k + 1}`);
    }
  }, TEST_TIMEOUT_MS);

  it("routes every other node's pod subnet through the device, onlink via its endpoint, with a neighbour and a forwarding entry", async () => {
    const others = nodes.filter((n) => n.metadata?.name !== NODE);
    await pollUntil(
      () => {
        const routes = JSON.parse(ip(['-j', 'route', 'show', 'dev', DEVICE])) as Array<{ dst: string; gateway: string; flags: string[] }>;
        return others.every((n) => routes.some((r) => r.dst === n.spec!.podCIDR && r.gateway === n.spec!.podCIDR!.replace(/\/\d+$/, '') && r.flags.includes('onlink')));
      },
      { timeoutMs: 60_000, intervalMs: 1_000, what: `routes to ${others.map((n) => n.spec?.podCIDR).join(', ')} on ${DEVICE}` },
    );
    const fdb = JSON.parse(execFileSync('bridge', ['-j', 'fdb', 'show', 'dev', DEVICE], { encoding: 'utf8' })) as Array<{ mac: string; dst?: string }>;
    const neighbours = JSON.parse(ip(['-j', 'neigh', 'show', 'dev', DEVICE])) as Array<{ dst: string; lladdr: string; state: string[] }>;
    for (const node of others) {
      const mac = (JSON.parse(node.metadata!.annotations!['network.kubets.io/backend-data']!) as { VtepMAC: string }).VtepMAC;
      expect(fdb).toContainEqual(expect.objectContaining({ mac, dst: node.metadata!.annotations!['network.kubets.io/public-ip'] }));
      expect(neighbours).toContainEqual(expect.objectContaining({ dst: node.spec!.podCIDR!.replace(/\/\d+$/, ''), lladdr: mac, state: ['PERMANENT'] }));
    }
    // No host-gw route is left to carry pod traffic instead.
    expect(ip(['route', 'show', 'proto', '211']).split('\n').filter((l) => l && !l.includes(`dev ${DEVICE}`))).toEqual([]);
  }, TEST_TIMEOUT_MS);

  it('lets pods reach each other by IP across nodes, both ways, through the tunnel', async () => {
    const manifest = JSON.stringify({
      apiVersion: 'v1',
      kind: 'List',
      items: NODES.map((node, k) => ({
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: `echo-${k + 1}`, labels: { app: 'echo' } },
        spec: {
          nodeName: node,
          containers: [{
            name: 'echo',
            image: 'kubets/busybox:1.36',
            // 8080 says hello; 9090 serves 1 MiB over HTTP (which ends the transfer cleanly, unlike nc), for full-size packets.
            command: ['sh', '-c', '(mkdir -p /www && head -c 1048576 /dev/zero >/www/blob && httpd -f -p 9090 -h /www) & while true; do echo "hello from $(hostname)" | nc -l -p 8080; done'],
          }],
        },
      })),
    });
    const created = await runCli(['create', '-f', '-'], env, { stdin: manifest });
    expect(created.code, created.stderr).toBe(0);
    pods = await pollUntil(
      async () => {
        const items = (await getJson<{ items: Pod[] }>(['get', 'pods', '-l', 'app=echo'])).items;
        return items.length === 3 && items.every((p) => p.status?.phase === 'Running' && p.status.podIP) ? items : undefined;
      },
      { timeoutMs: 180_000, intervalMs: 1_000, what: 'an echo pod running on every node' },
    );
    const podOn = (k: number) => pods.find((p) => p.spec?.nodeName === NODES[k])!;
    const sentBefore = deviceOf(0).stats64?.tx?.packets ?? 0;
    for (const [from, to] of [[0, 1], [1, 0], [0, 2], [2, 0], [1, 2], [2, 1]] as const) {
      const target = podOn(to);
      const out = await pollUntil(
        () => ok(['exec', podOn(from).metadata!.name!, '--', 'nc', '-w', '3', target.status!.podIP!, '8080']).then((o) => o.trim() || undefined).catch(() => undefined),
        { timeoutMs: 60_000, intervalMs: 1_000, what: `${NODES[from]} → ${target.status!.podIP} on ${NODES[to]}` },
      );
      expect(out).toBe(`hello from ${target.metadata!.name}`);
    }
    // What this machine's pods sent to the others went out through its VXLAN device.
    expect(deviceOf(0).stats64?.tx?.packets ?? 0).toBeGreaterThan(sentBefore);
  }, TEST_TIMEOUT_MS);

  it("gives every pod the tunnel's MTU, so 1 MiB crosses nodes in full-size packets both ways", async () => {
    for (const pod of pods) {
      expect((await ok(['exec', pod.metadata!.name!, '--', 'cat', '/sys/class/net/eth0/mtu'])).trim()).toBe('1450');
    }
    const podOn = (k: number) => pods.find((p) => p.spec?.nodeName === NODES[k])!;
    for (const [from, to] of [[1, 0], [0, 2], [2, 1]] as const) {
      const target = podOn(to).status!.podIP!;
      const received = await pollUntil(
        () => ok(['exec', podOn(from).metadata!.name!, '--', 'sh', '-c', `wget -q -O - http://${target}:9090/blob | wc -c`]).then((o) => (o.trim() === '1048576' ? o.trim() : undefined)).catch(() => undefined),
        { timeoutMs: 60_000, intervalMs: 2_000, what: `1 MiB from ${target} on ${NODES[to]} to ${NODES[from]}` },
      );
      expect(received).toBe('1048576');
    }
  }, TEST_TIMEOUT_MS);
});
