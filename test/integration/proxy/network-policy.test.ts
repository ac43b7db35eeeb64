// NetworkPolicies enforced for real: containers this test starts stand in for pods (the Pod
// objects carry their addresses, as a kubelet would report them), the proxy on this host writes
// the policy chains, and connections between the containers over the Docker bridge are allowed
// or dropped as the policies say. afterAll removes the containers and every rule.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { promisify } from 'node:util';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiClient } from '../../../lib/client/client.js';
import type { NetworkPolicy } from '../../../lib/api/generated/index.js';
import { compileProxyOptions } from '../../../services/proxy/options.js';
import { cleanupHost, ProxyServer } from '../../../services/proxy/proxy-server.js';
import { startControlPlane, type ControlPlane } from '../../harness/control-plane.js';
import { holdHostNetwork } from '../../harness/host-network-lock.js';
import { pollUntil } from '../../harness/poll.js';

const run = promisify(execFile);
const SUFFIX = randomBytes(4).toString('hex');
const LABEL = `io.kubets.test=netpol-${SUFFIX}`;
const SERVICE_CIDR = '10.96.0.0/12';
const NODE = hostname().toLowerCase();
const log = pino({ level: process.env.KUBETS_TEST_LOG ?? 'silent' });

let cp: ControlPlane;
let client: ApiClient;
let proxy: ProxyServer | undefined;
let releaseHostNetwork: (() => void) | undefined;
const ips: Record<string, string> = {};

async function docker(...args: string[]): Promise<string> {
  const { stdout } = await run('docker', args, { timeout: 30_000 });
  return stdout.trim();
}

/** A container and the Pod object describing it (same name, labels, address, this node). */
async function startPod(namespace: string, name: string, labels: Record<string, string>, image: string, cmd: string[] = []): Promise<void> {
  const container = `kubets-netpol-${SUFFIX}-${name}`;
  await docker('run', '-d', '--init', '--name', container, '--label', LABEL, image, ...cmd);
  const ip = await docker('inspect', '-f', '{{.NetworkSettings.IPAddress}}', container);
  ips[name] = ip;
  const pod = await client.resource('pod').create({
    metadata: { namespace, name, labels },
    spec: { nodeName: NODE, containers: [{ name: 'c', image, ports: [{ name: 'http', containerPort: 8080 }] }] },
  });
  await client.resource('pod').updateStatus({ ...pod, status: { phase: 'Running', podIP: ip, podIPs: [{ ip }] } });
}

/** Whether one container gets the hostname server's answer from an address within two seconds. */
async function connects(from: string, ip: string): Promise<boolean> {
  try {
    const { stdout } = await run('docker', ['exec', `kubets-netpol-${SUFFIX}-${from}`, 'sh', '-c', `nc -w 2 ${ip} 8080 </dev/null`], { timeout: 20_000 });
    return stdout.trim() !== '';
  } catch {
    return false;
  }
}

/** Waits, bounded, until a connection check comes out as wanted. */
async function eventually(what: string, check: () => Promise<boolean>): Promise<void> {
  await pollUntil(check, { timeoutMs: 30_000, intervalMs: 250, what });
}

async function applyPolicy(namespace: string, name: string, spec: NetworkPolicy['spec']): Promise<void> {
  await client.resource('networkPolicy').create({ metadata: { namespace, name }, spec });
  await proxy!.sync();
}

beforeAll(async () => {
  releaseHostNetwork = await holdHostNetwork();
  cp = await startControlPlane();
  client = cp.client();
  await client.resource('namespace').create({ metadata: { name: 'other' } });
  const idle = ['sh', '-c', 'trap "exit 0" TERM; while :; do sleep 1; done'];
  await startPod('default', 'server', { app: 'server' }, 'kubets/hostname:v1');
  await startPod('default', 'backup', { app: 'backup' }, 'kubets/hostname:v1');
  await startPod('default', 'client', { role: 'client' }, 'kubets/busybox:1.36', idle);
  await startPod('default', 'stranger', { role: 'stranger' }, 'kubets/busybox:1.36', idle);
  await startPod('other', 'visitor', { role: 'client' }, 'kubets/busybox:1.36', idle);
  const options = compileProxyOptions({ nodeIp: '127.0.0.1', serviceClusterIpRange: SERVICE_CIDR, clusterDnsBind: '', minSyncPeriodMs: 100, syncPeriodMs: 5_000 });
  proxy = new ProxyServer({ client: cp.client(), options, log });
  await proxy.start();
}, 900_000);

afterAll(async () => {
  await proxy?.stop();
  await cleanupHost({ serviceClusterIpRange: SERVICE_CIDR, lockFile: compileProxyOptions({ nodeIp: '127.0.0.1' }).lockFile, log });
  const ids = await docker('ps', '-aq', '--filter', `label=${LABEL}`).catch(() => '');
  if (ids) await docker('rm', '-f', ...ids.split('\n'));
  await cp?.stop();
  try {
    const leftovers = (await run('iptables-save', ['-t', 'filter'])).stdout.split('\n').filter((l) => /KUBE-NWP/.test(l));
    expect(leftovers, 'policy rules left after cleanup').toEqual([]);
  } finally {
    releaseHostNetwork?.();
  }
});

describe('network policies on a real host', () => {
  it('lets every pod connect while no policy selects the server', async () => {
    await eventually('the servers to answer', async () => (await connects('client', ips.server!)) && (await connects('client', ips.backup!)));
    expect(await connects('stranger', ips.server!)).toBe(true);
  });

  it('drops every connection to the server under a default-deny ingress policy', async () => {
    await applyPolicy('default', 'default-deny', { podSelector: {}, policyTypes: ['Ingress'] });
    await eventually('the server to be unreachable', async () => !(await connects('client', ips.server!)));
    expect(await connects('stranger', ips.server!)).toBe(false);
  });

  it('lets through exactly what an allow rule names: the client pods of this namespace, on the named port', async () => {
    await applyPolicy('default', 'allow-clients', {
      podSelector: { matchLabels: { app: 'server' } },
      ingress: [{ from: [{ podSelector: { matchLabels: { role: 'client' } } }], ports: [{ protocol: 'TCP', port: { strVal: 'http' } }] }],
    });
    await eventually('the client to reach the server', () => connects('client', ips.server!));
    expect(await connects('stranger', ips.server!)).toBe(false);
    expect(await connects('visitor', ips.server!), 'a pod with the label in another namespace').toBe(false);
  });

  it('admits another namespace through a namespace selector, and follows the namespace\'s labels', async () => {
    await applyPolicy('default', 'allow-trusted-namespaces', { podSelector: { matchLabels: { app: 'server' } }, ingress: [{ from: [{ namespaceSelector: { matchLabels: { trusted: 'yes' } } }] }] });
    expect(await connects('visitor', ips.server!)).toBe(false);
    const other = await client.resource('namespace').get('', 'other');
    await client.resource('namespace').update({ ...other, metadata: { ...other.metadata, labels: { ...other.metadata?.labels, trusted: 'yes' } } });
    await eventually('the visitor to reach the server', () => connects('visitor', ips.server!));
  });

  it('blocks a pod\'s outgoing connections under a default-deny egress policy and opens them to an ipBlock', async () => {
    await client.resource('networkPolicy').delete('default', 'default-deny');
    await applyPolicy('default', 'deny-client-egress', { podSelector: { matchLabels: { role: 'client' } }, policyTypes: ['Egress'] });
    await eventually('the client to be cut off', async () => !(await connects('client', ips.server!)));
    await applyPolicy('default', 'client-egress-to-server', {
      podSelector: { matchLabels: { role: 'client' } },
      policyTypes: ['Egress'],
      egress: [{ to: [{ ipBlock: { cidr: `${ips.server}/32` } }], ports: [{ protocol: 'TCP', port: { intVal: 8080 } }] }],
    });
    await eventually('the client to reach the server again', () => connects('client', ips.server!));
    expect(await connects('client', ips.backup!), 'egress elsewhere stays blocked').toBe(false);
    expect(await connects('stranger', ips.backup!), 'pods the policy does not select keep their egress').toBe(true);
  });

  it('removes a pod\'s rules when the last policy selecting it goes', async () => {
    for (const name of ['allow-clients', 'allow-trusted-namespaces', 'deny-client-egress', 'client-egress-to-server']) await client.resource('networkPolicy').delete('default', name);
    await proxy!.sync();
    const { stdout } = await run('iptables-save', ['-t', 'filter']);
    expect(stdout.split('\n').filter((l) => l.startsWith(':KUBE-NWP-'))).toEqual([]);
    expect(await connects('stranger', ips.server!)).toBe(true);
  });
});
