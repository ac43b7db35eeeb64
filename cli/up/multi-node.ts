import { existsSync, readFileSync } from 'node:fs';
import { X509Certificate } from 'node:crypto';
import { join } from 'node:path';
import Docker from 'dockerode';
import type { Logger } from 'pino';
import { bootstrapTokenSecretData, bootstrapTokenSecretName, BOOTSTRAP_TOKEN_NAMESPACE, BOOTSTRAP_TOKEN_SECRET_TYPE, DEFAULT_NODE_TOKEN_GROUP, formatBootstrapToken, generateBootstrapToken } from '../../lib/auth/bootstrap-token.js';
import { caCertHash } from '../../lib/certs/index.js';
import type { ApiClient } from '../../lib/client/client.js';
import { joinNode, nodeArgs, podNetworkArgs } from '../join/join.js';
import type { ClusterFiles } from './cluster-files.js';
import { metricsArgs, type MetricsComponent } from './metrics-ports.js';
import { clusterCidrOf, dockerdCommand, inNamespace, type LocalNodePlan, type NamespacedNode } from './local-nodes.js';
import type { Supervisor } from './supervisor.js';
import { waitFor } from './wait-for.js';

export interface NodeProcessOptions {
  files: ClusterFiles;
  dataDir: string;
  logs: string;
  /** The apiserver's port on the host's node network address. */
  apiserverPort: number;
  kubeletPort: number;
  /** The metrics ports; a namespaced node's kubelet and proxy serve theirs on the node's address, where the host reaches them. */
  metricsPorts: Record<MetricsComponent, number>;
  /** How this CLI re-runs itself (`node [flags] main.js`). */
  self: (args: string[]) => { command: string; args: string[] };
  /** Extra flags for every kubelet and proxy (kubets up --kubelet-arg, --proxy-arg). */
  kubeletArgs: string[];
  proxyArgs: string[];
}

/** How long `up` waits for a node's certificates, and how long its join token lives (deleted once the nodes joined). */
const JOIN_TIMEOUT_MS = 120_000;
const JOIN_TOKEN_TTL_MS = 3_600_000;

/** A node that joined before (its files are there and its certificate is from this CA) joins again only when they are gone. */
function alreadyJoined(nodeDir: string, caPem: string): boolean {
  try {
    if (!existsSync(join(nodeDir, 'node.env'))) return false;
    const cert = new X509Certificate(readFileSync(join(nodeDir, 'kubelet.crt')));
    return cert.checkIssued(new X509Certificate(caPem)) && Date.parse(cert.validTo) > Date.now() + 24 * 3_600_000;
  } catch {
    return false;
  }
}

/**
 * Joins the namespaced nodes as any machine joins a cluster (kubets join): one bootstrap token
 * for all of them, made here with the admin's rights and deleted once they are in, the CA pinned
 * by its hash, and each node's keys made in its own directory. No node gets the CA key, another
 * node's credentials or a component token.
 */
export async function joinLocalNodes(admin: ApiClient, plan: LocalNodePlan, o: { files: ClusterFiles; dataDir: string; apiserverPort: number; log: Logger }): Promise<void> {
  const caPem = readFileSync(o.files.caFile, 'utf8');
  const pending = plan.nodes.filter((n) => !alreadyJoined(join(o.dataDir, 'nodes', n.name), caPem));
  if (pending.length === 0) return;
  const token = generateBootstrapToken();
  const data = bootstrapTokenSecretData(token, { expiresAt: new Date(Date.now() + JOIN_TOKEN_TTL_MS), description: 'kubets up: joining its local nodes', groups: [DEFAULT_NODE_TOKEN_GROUP] });
  const secrets = admin.resource('secret');
  await secrets.create({ metadata: { name: bootstrapTokenSecretName(token.id), namespace: BOOTSTRAP_TOKEN_NAMESPACE }, type: BOOTSTRAP_TOKEN_SECRET_TYPE, stringData: data });
  try {
    for (const node of pending) {
      await joinNode({
        server: `${plan.hostIp}:${o.apiserverPort}`,
        token: formatBootstrapToken(token),
        caCertHashes: [caCertHash(caPem)],
        unsafeSkipCaVerification: false,
        nodeName: node.name,
        nodeIp: node.ip,
        dataDir: join(o.dataDir, 'nodes', node.name),
        timeoutMs: JOIN_TIMEOUT_MS,
      });
      o.log.info({ node: node.name }, 'node joined');
    }
  } finally {
    await secrets.delete(BOOTSTRAP_TOKEN_NAMESPACE, bootstrapTokenSecretName(token.id)).catch(() => undefined);
  }
}

/** The kubelet and proxy flags of every node of the plan: the pod network, its backend and MTU, and the node's own address for DNS. */
export function nodeAgentArgs(nodeName: string, nodeIp: string, plan: Pick<LocalNodePlan, 'networkBackend' | 'podMtu' | 'clusterCidr'>): { kubelet: string[]; proxy: string[] } {
  return podNetworkArgs(nodeName, nodeIp, { clusterCidr: clusterCidrOf(plan), backend: plan.networkBackend ?? { type: 'host-gw' }, ...(plan.podMtu !== undefined && { podMtu: plan.podMtu }) });
}

/**
 * Starts one namespaced node that has joined (joinLocalNodes): its dockerd (waited for; it pulls
 * images from the cluster registry), then its kubelet and proxy entered into its namespace and
 * talking to its engine, with the client configs and serving certificate its join wrote into its
 * directory.
 */
export async function startNamespacedNode(supervisor: Supervisor, node: NamespacedNode, plan: LocalNodePlan, o: NodeProcessOptions): Promise<void> {
  supervisor.start({ name: `dockerd-${node.name}`, ...dockerdCommand(node, plan.registry), logFile: node.dockerLogFile });
  const engine = new Docker({ socketPath: node.dockerSocket });
  await waitFor(`the Docker engine of ${node.name}`, async () => Boolean(await engine.ping()), 60_000);

  const nodeDir = join(o.dataDir, 'nodes', node.name);
  // The flags its join wrote into node.env: its own client configs, serving certificate and CA.
  const joined = nodeArgs(nodeDir, node.name, node.ip);
  const agents = nodeAgentArgs(node.name, node.ip, plan);
  const kubelet = o.self([
    'kubelet', ...joined.kubelet, '--cluster-id', plan.clusterId, '--port', String(o.kubeletPort), '--root-dir', join(nodeDir, 'kubelet'),
    ...metricsArgs(o.metricsPorts.kubelet, node.ip),
    ...agents.kubelet,
    ...o.kubeletArgs,
  ]);
  supervisor.start({ name: `kubelet-${node.name}`, ...inNamespace(node, kubelet.command, kubelet.args), logFile: join(o.logs, `kubelet-${node.name}.log`) });
  const proxy = o.self(['proxy', ...joined.proxy, '--lock-file', join(node.dockerExecRoot, '..', 'proxy.lock'), ...metricsArgs(o.metricsPorts.proxy, node.ip), ...agents.proxy, ...o.proxyArgs]);
  supervisor.start({ name: `proxy-${node.name}`, ...inNamespace(node, proxy.command, proxy.args), logFile: join(o.logs, `proxy-${node.name}.log`) });
}
