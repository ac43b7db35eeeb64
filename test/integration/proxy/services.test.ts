// The proxy on this host for real: iptables rules from Services and Endpoints written through a
// real apiserver, traffic from the host (loopback and assigned VIPs only) and from containers this
// test starts, and the cluster DNS on the Docker bridge gateway. Every VIP probed here belongs to
// a Service the test created, and only after the guard rules were seen with `iptables -C`.
// afterAll removes the containers and every rule (the proxy's --cleanup).
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { Resolver } from 'node:dns/promises';
import http from 'node:http';
import net from 'node:net';
import { promisify } from 'node:util';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiClient } from '../../../lib/client/client.js';
import { SERVICE_NAME_LABEL } from '../../../lib/api/endpoint-slices.js';
import type { Service } from '../../../lib/api/generated/index.js';
import { endpointChainName } from '../../../services/proxy/iptables/chain-names.js';
import { guardRules } from '../../../services/proxy/iptables/guard.js';
import { holdHostNetwork } from '../../harness/host-network-lock.js';
import { compileProxyOptions } from '../../../services/proxy/options.js';
import { cleanupHost, ProxyServer } from '../../../services/proxy/proxy-server.js';
import { startControlPlane, type ControlPlane } from '../../harness/control-plane.js';

const run = promisify(execFile);
const SUFFIX = randomBytes(4).toString('hex');
const LABEL = `io.kubets.test=proxy-${SUFFIX}`;
const NS = 'default';
const SERVICE_CIDR = '10.96.0.0/12';
const BRIDGE_DNS = '172.17.0.1';
const HOSTNAME_IMAGE = 'kubets/hostname:v1';
const BUSYBOX_IMAGE = 'kubets/busybox:1.36';
const log = pino({ level: process.env.KUBETS_TEST_LOG ?? 'silent' });

let cp: ControlPlane;
let client: ApiClient;
let proxy: ProxyServer | undefined;
let loopbackDns = 0;
const backends: Array<{ name: string; ip: string }> = [];
let clientContainer = '';

async function docker(...args: string[]): Promise<string> {
  const { stdout } = await run('docker', args, { timeout: 30_000 });
  return stdout.trim();
}

async function startContainer(name: string, image: string, extra: string[] = [], cmd: string[] = []): Promise<string> {
  await docker('run', '-d', '--init', '--name', name, '--hostname', name, '--label', LABEL, ...extra, image, ...cmd);
  return docker('inspect', '-f', '{{.NetworkSettings.IPAddress}}', name);
}

/** Runs a shell line in a container made here; stdout, and the exit code (non-zero does not throw). */
async function execIn(container: string, script: string): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run('docker', ['exec', container, 'sh', '-c', script], { timeout: 60_000 });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === 'number' ? e.code : -1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

/**
 * An HTTP GET with busybox nc from inside a container, `count` times on fresh connections; the
 * bodies (the backends' hostnames). Not wget: busybox-static's wget segfaults.
 */
async function httpFromContainer(container: string, target: string, port: number, count = 1): Promise<{ code: number; names: string[] }> {
  const script = `for i in $(seq 1 ${count}); do printf 'GET / HTTP/1.0\\r\\n\\r\\n' | nc -w 5 ${target} ${port} | tail -n 1 || exit 1; done`;
  const { code, stdout } = await execIn(container, script);
  return { code, names: stdout.split('\n').map((l) => l.trim()).filter(Boolean) };
}

async function iptablesCheck(table: string, chain: string, spec: readonly string[]): Promise<boolean> {
  try {
    await run('iptables', ['-w', '5', '-t', table, '-C', chain, ...spec]);
    return true;
  } catch {
    return false;
  }
}

async function guardInstalled(): Promise<boolean> {
  for (const rule of guardRules(SERVICE_CIDR)) if (!(await iptablesCheck(rule.table, rule.chain, rule.spec))) return false;
  return true;
}

/** Every VIP probe goes through here: the guard must be in place first (README, network safety: service VIPs). */
async function assertGuardBeforeTraffic(): Promise<void> {
  expect(await guardInstalled(), 'service range guard present before VIP traffic').toBe(true);
}

/** One HTTP GET on a fresh connection (so each request is balanced anew); the body, trimmed. */
function httpGet(host: string, port: number, timeoutMs = 30_000): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = http.get({ host, port, path: '/', agent: false, timeout: timeoutMs }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve(body.trim()));
    });
    req.on('timeout', () => req.destroy(new Error(`timeout after ${timeoutMs} ms: ${host}:${port}`)));
    req.on('error', reject);
  });
}

/** How a plain TCP connect ends: 'connected', or the error code (ECONNREFUSED, ...), or 'timeout'. */
function connectOutcome(host: string, port: number, timeoutMs: number): Promise<string> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    const timer = setTimeout(() => {
      socket.destroy();
      resolve('timeout');
    }, timeoutMs);
    socket.on('connect', () => {
      clearTimeout(timer);
      socket.destroy();
      resolve('connected');
    });
    socket.on('error', (err: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      resolve(err.code ?? err.message);
    });
  });
}

async function eventually(what: string, check: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${what} did not happen within ${timeoutMs} ms`);
}

async function natRulesMention(text: string): Promise<boolean> {
  const { stdout } = await run('iptables-save', ['-t', 'nat']);
  return stdout.includes(text);
}

async function createService(name: string, spec: Service['spec']): Promise<Service> {
  return client.resource('service').create({ metadata: { name, namespace: NS }, spec });
}

/** What the Endpoints and EndpointSlice controllers would write: the proxy reads the slice, the DNS the Endpoints. */
async function setEndpoints(name: string, ips: string[], port: number, portName = ''): Promise<void> {
  await client.resource('endpoints').create({
    metadata: { name, namespace: NS },
    subsets: ips.length ? [{ addresses: ips.map((ip) => ({ ip })), ports: [{ name: portName, port, protocol: 'TCP' }] }] : [],
  });
  await client.resource('endpointSlice').create({
    metadata: { name, namespace: NS, labels: { [SERVICE_NAME_LABEL]: name } },
    addressType: 'IPv4',
    endpoints: ips.map((ip) => ({ addresses: [ip], conditions: { ready: true } })),
    ports: [{ name: portName, port, protocol: 'TCP' }],
  });
}

async function dockerReady(): Promise<void> {
  await docker('image', 'inspect', HOSTNAME_IMAGE, BUSYBOX_IMAGE).catch(() => {
    throw new Error(`local images ${HOSTNAME_IMAGE} and ${BUSYBOX_IMAGE} are needed: build them with scripts/build-images`);
  });
}

let releaseHostNetwork: (() => void) | undefined;

beforeAll(async () => {
  releaseHostNetwork = await holdHostNetwork();
  await dockerReady();
  cp = await startControlPlane();
  client = cp.client();
  for (const suffix of ['a', 'b']) {
    const name = `kubets-proxy-it-${SUFFIX}-${suffix}`;
    backends.push({ name, ip: await startContainer(name, HOSTNAME_IMAGE) });
  }
  clientContainer = `kubets-proxy-it-${SUFFIX}-client`;
  await startContainer(
    clientContainer,
    BUSYBOX_IMAGE,
    ['--dns', BRIDGE_DNS, '--dns-search', `${NS}.svc.cluster.local`, '--dns-search', 'svc.cluster.local', '--dns-search', 'cluster.local', '--dns-option', 'ndots:5'],
    ['sh', '-c', 'trap "exit 0" TERM; while :; do sleep 1; done'],
  );
  const options = compileProxyOptions({
    nodeIp: '127.0.0.1',
    serviceClusterIpRange: SERVICE_CIDR,
    clusterDnsBind: `${BRIDGE_DNS}:53,127.0.0.1:0`,
    minSyncPeriodMs: 200,
    syncPeriodMs: 5_000,
  });
  proxy = new ProxyServer({ client: cp.client(), options, log });
  await proxy.start();
  loopbackDns = proxy.dnsAddresses.find((a) => a.host === '127.0.0.1')!.port;
}, 900_000); // holdHostNetwork may wait up to 10 min for another file first

afterAll(async () => {
  await proxy?.stop();
  await cleanupHost({ serviceClusterIpRange: SERVICE_CIDR, lockFile: compileProxyOptions({ nodeIp: '127.0.0.1' }).lockFile, log });
  const ids = await docker('ps', '-aq', '--filter', `label=${LABEL}`).catch(() => '');
  if (ids) await docker('rm', '-f', ...ids.split('\n'));
  await cp?.stop();
  try {
    const leftovers = (await run('iptables-save')).stdout.split('\n').filter((l) => /KUBE-|kubets: /.test(l));
    expect(leftovers, 'rules left after cleanup').toEqual([]);
  } finally {
    releaseHostNetwork?.();
  }
});

describe('proxy on a real host', () => {
  it('has the service range guard in OUTPUT, FORWARD and DOCKER-USER before any VIP traffic', async () => {
    await assertGuardBeforeTraffic();
    for (const rule of guardRules(SERVICE_CIDR)) expect(rule.spec).toContain(SERVICE_CIDR);
  });

  it('balances a ClusterIP service over both backends, from the host and from a container', async () => {
    const svc = await createService('web', { type: 'ClusterIP', ports: [{ port: 80, targetPort: { intVal: 8080 }, protocol: 'TCP' }] });
    const vip = svc.spec!.clusterIP!;
    await setEndpoints('web', backends.map((b) => b.ip), 8080);
    await eventually('the web service rules', () => natRulesMention(`"${NS}/web cluster IP"`));
    await assertGuardBeforeTraffic();

    const fromHost = new Set<string>();
    for (let i = 0; i < 24 && fromHost.size < 2; i++) fromHost.add(await httpGet(vip, 80));
    expect([...fromHost].sort()).toEqual(backends.map((b) => b.name).sort());

    const fromContainer = await httpFromContainer(clientContainer, vip, 80, 16);
    expect(fromContainer.code).toBe(0);
    expect(fromContainer.names).toHaveLength(16);
    expect(new Set(fromContainer.names)).toEqual(new Set(backends.map((b) => b.name)));
  });

  it('follows an EndpointSlice change: the removed backend gets no more traffic and its chain is deleted', async () => {
    const svc = await client.resource('service').get(NS, 'web');
    const vip = svc.spec!.clusterIP!;
    const [gone, kept] = backends as [{ name: string; ip: string }, { name: string; ip: string }];
    const ep = await client.resource('endpoints').get(NS, 'web');
    await client.resource('endpoints').update({ ...ep, subsets: [{ addresses: [{ ip: kept.ip }], ports: [{ port: 8080, protocol: 'TCP' }] }] });
    const slice = await client.resource('endpointSlice').get(NS, 'web');
    await client.resource('endpointSlice').update({ ...slice, endpoints: [{ addresses: [kept.ip], conditions: { ready: true } }] });
    const goneChain = endpointChainName({ namespace: NS, name: 'web', portName: '', protocol: 'TCP' }, { ip: gone.ip, port: 8080 });
    await eventually('the removed endpoint chain to go', async () => !(await natRulesMention(goneChain)));
    await assertGuardBeforeTraffic();
    const seen = new Set<string>();
    for (let i = 0; i < 8; i++) seen.add(await httpGet(vip, 80));
    expect([...seen]).toEqual([kept.name]);
  });

  it('keeps a client on one backend with sessionAffinity ClientIP', async () => {
    const svc = await createService('sticky', { type: 'ClusterIP', sessionAffinity: 'ClientIP', ports: [{ port: 84, targetPort: { intVal: 8080 }, protocol: 'TCP' }] });
    const vip = svc.spec!.clusterIP!;
    await setEndpoints('sticky', backends.map((b) => b.ip), 8080);
    await eventually('the sticky service rules', () => natRulesMention(`"${NS}/sticky cluster IP"`));
    await assertGuardBeforeTraffic();
    const fromHost = new Set<string>();
    for (let i = 0; i < 12; i++) fromHost.add(await httpGet(vip, 84));
    expect(fromHost.size).toBe(1);
    const fromContainer = await httpFromContainer(clientContainer, vip, 84, 8);
    expect(fromContainer.names).toHaveLength(8);
    expect(new Set(fromContainer.names).size).toBe(1);
  });

  it('hairpins: a backend reaches itself through its own service', async () => {
    const svc = await createService('self', { type: 'ClusterIP', ports: [{ port: 81, targetPort: { intVal: 8080 }, protocol: 'TCP' }] });
    const vip = svc.spec!.clusterIP!;
    const only = backends[0]!;
    await setEndpoints('self', [only.ip], 8080);
    await eventually('the self service rules', () => natRulesMention(`"${NS}/self cluster IP"`));
    await assertGuardBeforeTraffic();
    expect(await httpFromContainer(only.name, vip, 81)).toEqual({ code: 0, names: [only.name] });
  });

  it('answers a NodePort on 127.0.0.1', async () => {
    const svc = await createService('nodeport', { type: 'NodePort', ports: [{ port: 82, targetPort: { intVal: 8080 }, protocol: 'TCP' }] });
    const nodePort = svc.spec!.ports![0]!.nodePort!;
    expect(nodePort).toBeGreaterThanOrEqual(30000);
    await setEndpoints('nodeport', [backends[1]!.ip], 8080);
    await eventually('the node port rules', () => natRulesMention(`--dport ${nodePort} -j KUBE-SVC-`));
    expect(await httpGet('127.0.0.1', nodePort)).toBe(backends[1]!.name);
  });

  it('rejects a service without endpoints (connection refused, not a timeout)', async () => {
    const svc = await createService('empty', { type: 'ClusterIP', ports: [{ port: 83, targetPort: { intVal: 8080 }, protocol: 'TCP' }] });
    const vip = svc.spec!.clusterIP!;
    await setEndpoints('empty', [], 8080);
    await eventually('the no-endpoints reject rule', async () => (await run('iptables-save', ['-t', 'filter'])).stdout.includes(`"${NS}/empty has no endpoints"`));
    await assertGuardBeforeTraffic();
    // Refused rather than dropped: a dropped SYN would end as 'timeout' after the generous wait.
    expect(await connectOutcome(vip, 83, 20_000)).toBe('ECONNREFUSED');
    // From a container too: busybox nc is refused instead of timing out.
    const fromContainer = await execIn(clientContainer, `nc -w 20 ${vip} 83 </dev/null; echo "exit=$?"`);
    expect(fromContainer.stdout.trim()).toBe('exit=1');
    expect(fromContainer.stderr).toContain('Connection refused');
  });

  it('resolves service names in the cluster DNS and refuses outside names (loopback)', async () => {
    const resolver = new Resolver({ timeout: 10_000, tries: 2 });
    resolver.setServers([`127.0.0.1:${loopbackDns}`]);
    const web = await client.resource('service').get(NS, 'web');
    await eventually('the DNS cache to have web', async () => (await resolver.resolve4(`web.${NS}.svc.cluster.local`).catch(() => [])).length > 0);
    expect(await resolver.resolve4(`web.${NS}.svc.cluster.local`)).toEqual([web.spec!.clusterIP]);
    expect(await resolver.resolve4('kubernetes.default.svc.cluster.local')).toEqual(['10.96.0.1']);
    await expect(resolver.resolve4(`missing.${NS}.svc.cluster.local`)).rejects.toMatchObject({ code: 'ENOTFOUND' });
    await expect(resolver.resolve4('example.com')).rejects.toMatchObject({ code: 'EREFUSED' });
  });

  it('resolves a service name from a container through its resolv.conf (search path), and refuses outside names', async () => {
    const web = await client.resource('service').get(NS, 'web');
    const found = await execIn(clientContainer, 'nslookup web');
    expect(found.stdout).toContain(`web.${NS}.svc.cluster.local`);
    expect(found.stdout).toContain(web.spec!.clusterIP);
    const refused = await execIn(clientContainer, 'nslookup example.com');
    expect(refused.stdout + refused.stderr).toMatch(/REFUSED|can't find/i);
    expect(refused.stdout).not.toMatch(/Address: (?!172\.17\.0\.1)/);
    // End to end as tomcat reaches mysql: by name, through the service.
    const viaName = await httpFromContainer(clientContainer, 'web', 80);
    expect(viaName.code).toBe(0);
    expect(backends.map((b) => b.name)).toContain(viaName.names[0]);
  });

  it('restores guard rules that someone removed, on the next sync', async () => {
    const rule = guardRules(SERVICE_CIDR).find((r) => r.chain === 'DOCKER-USER')!;
    await run('iptables', ['-w', '5', '-t', 'filter', '-D', rule.chain, ...rule.spec]);
    await proxy!.sync();
    expect(await guardInstalled()).toBe(true);
  });
});
