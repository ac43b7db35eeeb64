import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import writeFileAtomic from 'write-file-atomic';
import { join } from 'node:path';
import { cidrContains, formatIpv4Cidr, numberToIp, parseIpv4Cidr } from '../../lib/net/ipv4.js';
import { mustRun, runCommand } from '../../lib/run-command.js';
import type { NetworkBackend } from '../../services/proxy/index.js';
import { untrustRegistry } from './registry.js';

/**
 * Docker never pulls through this: a node's engine reaches loopback and the cluster's registry,
 * and any other pull fails at once on a dead loopback port.
 */
export function deadProxyEnv(registry: string): Record<string, string> {
  return { HTTP_PROXY: 'http://127.0.0.1:9', HTTPS_PROXY: 'http://127.0.0.1:9', NO_PROXY: `localhost,127.0.0.1,${registry}` };
}

/** One node of a local cluster that runs in its own network namespace with its own Docker engine. */
export interface NamespacedNode {
  name: string;
  /** Its InternalIP on the node network. */
  ip: string;
  netns: string;
  /** The host end of its veth pair, on the node bridge. */
  vethHost: string;
  /** Its dockerd's files: socket, pid file and exec root under /run, images and containers under the data dir. */
  dockerSocket: string;
  dockerExecRoot: string;
  dockerPidFile: string;
  dockerDataRoot: string;
  dockerLogFile: string;
}

/** The machines of a local multi-node cluster: the host (the first node) and the namespaced ones, on one bridge. */
export interface LocalNodePlan {
  clusterId: string;
  /** The node network's bridge on the host; it holds the host node's IP. */
  bridge: string;
  subnet: string;
  hostIp: string;
  /** The cluster registry (`hostIp:port`), every node engine's mirror. */
  registry: string;
  nodes: NamespacedNode[];
  /** How pod traffic crosses nodes (absent in plans of earlier versions: host-gw). */
  networkBackend?: NetworkBackend;
  /** The MTU of every pod's interface when the backend needs less than the engine's default (VXLAN's overhead). */
  podMtu?: number;
  /** The pod network the nodes' subnets come from (absent in plans of earlier versions: DEFAULT_CLUSTER_CIDR). */
  clusterCidr?: string;
}

/** The pod network of a multi-node local cluster, as Kubernetes' common default (flannel's). */
export const DEFAULT_CLUSTER_CIDR = '10.244.0.0/16';
/** The pod network of a plan (plans of earlier versions had the default). */
export const clusterCidrOf = (plan: Pick<LocalNodePlan, 'clusterCidr'>): string => plan.clusterCidr ?? DEFAULT_CLUSTER_CIDR;

/** The prefix length of each node's pod subnet (the controller manager's default). */
const NODE_POD_SUBNET_BITS = 24;

export class LocalNodeError extends Error {
  override readonly name = 'LocalNodeError';
}

/**
 * Names and addresses for `count` nodes: the host is node 1 (the bridge address, .1 of the
 * subnet), node k is .k in namespace `kubets-<id>-<k>`. Every name carries the cluster ID, so two
 * clusters on one host never share a namespace, bridge or veth, and `down` removes only its own.
 */
export function planLocalNodes(opts: {
  clusterId: string;
  count: number;
  subnet: string;
  hostName: string;
  dataDir: string;
  registryPort: number;
  networkBackend?: NetworkBackend;
  clusterCidr?: string;
}): LocalNodePlan {
  const subnet = parseIpv4Cidr(opts.subnet);
  if (!subnet || subnet.bits > 28) throw new LocalNodeError(`invalid node subnet "${opts.subnet}": expected an IPv4 CIDR of /28 or larger`);
  if (opts.count > 2 ** (32 - subnet.bits) - 2) throw new LocalNodeError(`${opts.count} nodes do not fit in ${opts.subnet}`);
  const clusterCidr = parseIpv4Cidr(opts.clusterCidr ?? DEFAULT_CLUSTER_CIDR);
  if (!clusterCidr || clusterCidr.bits > NODE_POD_SUBNET_BITS || 2 ** (NODE_POD_SUBNET_BITS - clusterCidr.bits) < opts.count) {
    throw new LocalNodeError(`invalid cluster CIDR "${opts.clusterCidr}": expected an IPv4 CIDR with a /${NODE_POD_SUBNET_BITS} pod subnet for each of the ${opts.count} nodes`);
  }
  const pods = formatIpv4Cidr(clusterCidr);
  if (cidrContains(pods, formatIpv4Cidr(subnet)) || cidrContains(formatIpv4Cidr(subnet), pods)) {
    throw new LocalNodeError(`the cluster CIDR ${pods} and the node subnet ${formatIpv4Cidr(subnet)} overlap`);
  }
  const runDir = join('/run/kubets', opts.clusterId);
  const nodes: NamespacedNode[] = [];
  for (let k = 2; k <= opts.count; k++) {
    const name = `${opts.hostName}-node${k}`;
    const nodeDir = join(opts.dataDir, 'nodes', name);
    nodes.push({
      name,
      ip: numberToIp(subnet.base + k),
      netns: `kubets-${opts.clusterId}-${k}`,
      vethHost: `kt${opts.clusterId}-${k}`,
      dockerSocket: join(runDir, `node${k}`, 'docker.sock'),
      dockerExecRoot: join(runDir, `node${k}`, 'exec'),
      dockerPidFile: join(runDir, `node${k}`, 'docker.pid'),
      dockerDataRoot: join(nodeDir, 'docker'),
      dockerLogFile: join(opts.dataDir, 'logs', `dockerd-${name}.log`),
    });
  }
  const hostIp = numberToIp(subnet.base + 1);
  return {
    clusterId: opts.clusterId,
    bridge: `kt-${opts.clusterId}`,
    subnet: formatIpv4Cidr(subnet),
    hostIp,
    registry: `${hostIp}:${opts.registryPort}`,
    nodes,
    ...(opts.networkBackend && { networkBackend: opts.networkBackend }),
    clusterCidr: pods,
  };
}

const ip = (args: readonly string[]): Promise<string> => mustRun('ip', args, { packageName: 'iproute2' });
const exists = async (args: readonly string[]): Promise<boolean> => (await runCommand('ip', args, { packageName: 'iproute2' })).code === 0;

/**
 * Lays the node network: the bridge with the host's address, and per node a namespace joined to
 * the bridge by a veth pair (eth0 inside, with the node's address), loopback up, forwarding on.
 * Namespaces get no default route: a node reaches the node network and, through the pod routes
 * its agent adds, the pods; nothing else. Idempotent, so a restarted `up` keeps what is there.
 */
export async function createNodeNetwork(plan: LocalNodePlan): Promise<void> {
  const prefix = plan.subnet.split('/')[1];
  if (!(await exists(['link', 'show', plan.bridge]))) await ip(['link', 'add', plan.bridge, 'type', 'bridge']);
  await ip(['addr', 'replace', `${plan.hostIp}/${prefix}`, 'dev', plan.bridge]);
  await ip(['link', 'set', plan.bridge, 'up']);
  for (const node of plan.nodes) {
    if (!existsSync(`/var/run/netns/${node.netns}`)) await ip(['netns', 'add', node.netns]);
    if (!(await exists(['link', 'show', node.vethHost]))) {
      await ip(['link', 'add', node.vethHost, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', node.netns]);
    }
    await ip(['link', 'set', node.vethHost, 'master', plan.bridge, 'up']);
    await ip(['-n', node.netns, 'addr', 'replace', `${node.ip}/${prefix}`, 'dev', 'eth0']);
    await ip(['-n', node.netns, 'link', 'set', 'eth0', 'up']);
    await ip(['-n', node.netns, 'link', 'set', 'lo', 'up']);
    await mustRun('ip', ['netns', 'exec', node.netns, 'sysctl', '-qw', 'net.ipv4.ip_forward=1', 'net.ipv4.conf.all.route_localnet=1']);
    mkdirSync(node.dockerExecRoot, { recursive: true, mode: 0o700 });
    mkdirSync(node.dockerDataRoot, { recursive: true, mode: 0o700 });
  }
}

/** Removes the namespaces (their veths, routes and rules go with them) and the bridge. */
async function removeNodeNetwork(plan: LocalNodePlan): Promise<void> {
  for (const node of plan.nodes) {
    if (existsSync(`/var/run/netns/${node.netns}`)) await ip(['netns', 'del', node.netns]);
    // Deleting the namespace deletes its veth end, and the kernel then removes the host end by itself.
    await runCommand('ip', ['link', 'del', node.vethHost]);
  }
  if (await exists(['link', 'show', plan.bridge])) await ip(['link', 'del', plan.bridge]);
}

/**
 * How a namespaced node's dockerd runs: entered into the namespace's network only (`ip netns exec`
 * would remount /sys, and dockerd then finds no devices cgroup), with its own socket, roots and pid
 * file, no default bridge (the kubelet makes the pod bridge on the node's podCIDR), its containers
 * under a cgroup parent of their own, the cluster registry as its Docker Hub mirror (so
 * `kubets/pause:3.9` comes from there), and a dead proxy for everything else.
 */
export function dockerdCommand(node: NamespacedNode, registry: string): { command: string; args: string[]; env: NodeJS.ProcessEnv } {
  return {
    command: 'nsenter',
    args: [
      `--net=/var/run/netns/${node.netns}`, 'dockerd',
      '--host', `unix://${node.dockerSocket}`, '--exec-root', node.dockerExecRoot, '--data-root', node.dockerDataRoot,
      '--pidfile', node.dockerPidFile, '--bridge', 'none', '--cgroup-parent', `kubets-${node.netns}`,
      '--registry-mirror', `https://${registry}`,
    ],
    env: { ...process.env, ...deadProxyEnv(registry) },
  };
}

/** The command line that runs a process in a node's network namespace, talking to that node's engine. */
export function inNamespace(node: NamespacedNode, command: string, args: string[]): { command: string; args: string[]; env: NodeJS.ProcessEnv } {
  return { command: 'nsenter', args: [`--net=/var/run/netns/${node.netns}`, command, ...args], env: { ...process.env, DOCKER_HOST: `unix://${node.dockerSocket}` } };
}

const planFile = (dataDir: string): string => join(dataDir, 'local-nodes.json');

/** Remembered in the data directory, so `down` knows what `up` laid even after a crash. */
export async function savePlan(dataDir: string, plan: LocalNodePlan): Promise<void> {
  await writeFileAtomic(planFile(dataDir), `${JSON.stringify(plan, null, 2)}\n`, { mode: 0o644 });
}

export function loadPlan(dataDir: string): LocalNodePlan | undefined {
  const file = planFile(dataDir);
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as LocalNodePlan) : undefined;
}

/** What `down` removes of the namespaced nodes once their processes have stopped: network, engine state, run files. */
export async function removeLocalNodes(dataDir: string, plan: LocalNodePlan, keepWorkloads: boolean): Promise<void> {
  await removeNodeNetwork(plan);
  for (const node of plan.nodes) {
    rmSync(join(node.dockerExecRoot, '..'), { recursive: true, force: true });
    if (!keepWorkloads) rmSync(node.dockerDataRoot, { recursive: true, force: true });
  }
  rmSync(join('/run/kubets', plan.clusterId), { recursive: true, force: true });
  // A plan from before the cluster registry has no address to forget.
  if (plan.registry) untrustRegistry(plan.registry);
  rmSync(planFile(dataDir), { force: true });
}
