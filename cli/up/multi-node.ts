import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Docker from 'dockerode';
import type { Logger } from 'pino';
import { parseClientConfig, writeClientConfig } from '../../lib/client-config.js';
import { ensureKubeletServingCert, type ClusterFiles } from './cluster-files.js';
import { metricsArgs, type MetricsComponent } from './metrics-ports.js';
import { dockerdCommand, inNamespace, loadLocalImages, type LocalNodePlan, type NamespacedNode } from './local-nodes.js';
import type { Supervisor } from './supervisor.js';
import { waitFor } from './wait-for.js';

/** The pod network of a multi-node local cluster, as Kubernetes' common default (flannel's). */
export const CLUSTER_CIDR = '10.244.0.0/16';

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
  log: Logger;
  /** Extra flags for every kubelet and proxy (kubets up --kubelet-arg, --proxy-arg). */
  kubeletArgs: string[];
  proxyArgs: string[];
}

/** A client config like `source` but naming the apiserver at `server` (nodes reach it on the node network, not on their own loopback). */
async function configFor(source: string, dest: string, server: string): Promise<string> {
  const config = parseClientConfig(readFileSync(source, 'utf8'), source);
  const contexts = Object.fromEntries(Object.entries(config.contexts).map(([name, ctx]) => [name, { ...ctx, servers: [server] }]));
  await writeClientConfig(dest, { ...config, contexts });
  return dest;
}

/** The kubelet and proxy flags every kubenet node shares: the pod network, and the node's own address for DNS. */
export function nodeAgentArgs(nodeName: string, nodeIp: string): { kubelet: string[]; proxy: string[] } {
  return {
    kubelet: ['--network-plugin', 'kubenet', '--cluster-dns', nodeIp],
    proxy: ['--hostname-override', nodeName, '--cluster-cidr', CLUSTER_CIDR, '--cluster-dns-bind', `${nodeIp}:53`, '--pod-bridge', 'cbr0'],
  };
}

/**
 * Starts one namespaced node: its dockerd (waited for, then given the local images), then its
 * kubelet and proxy entered into its namespace and talking to its engine, each with a client
 * config that reaches the apiserver over the node network and a serving certificate naming the
 * node's own address.
 */
export async function startNamespacedNode(supervisor: Supervisor, node: NamespacedNode, plan: LocalNodePlan, o: NodeProcessOptions): Promise<void> {
  supervisor.start({ name: `dockerd-${node.name}`, ...dockerdCommand(node), logFile: node.dockerLogFile });
  const engine = new Docker({ socketPath: node.dockerSocket });
  await waitFor(`the Docker engine of ${node.name}`, async () => Boolean(await engine.ping()), 60_000);
  const loaded = await loadLocalImages(new Docker(), engine);
  o.log.info({ node: node.name, images: loaded }, 'local images loaded');

  const server = `${plan.hostIp}:${o.apiserverPort}`;
  const nodeDir = join(o.dataDir, 'nodes', node.name);
  const kubeletConfig = await configFor(o.files.kubeletConfigs[node.name]!, join(nodeDir, 'kubelet.conf'), server);
  const proxyConfig = await configFor(o.files.configs.proxy, join(nodeDir, 'proxy.conf'), server);
  const cert = await ensureKubeletServingCert(o.files, { nodeName: node.name, nodeIP: node.ip }, `kubelet-${node.name}`);
  const agents = nodeAgentArgs(node.name, node.ip);
  const kubelet = o.self([
    'kubelet', '--node-name', node.name, '--cluster-id', plan.clusterId, '--kubeconfig', kubeletConfig, '--node-ip', node.ip, '--port', String(o.kubeletPort),
    '--root-dir', join(nodeDir, 'kubelet'), '--tls-cert-file', cert.certFile, '--tls-private-key-file', cert.keyFile, '--client-ca-file', o.files.caFile,
    ...metricsArgs(o.metricsPorts.kubelet, node.ip),
    ...agents.kubelet,
    ...o.kubeletArgs,
  ]);
  supervisor.start({ name: `kubelet-${node.name}`, ...inNamespace(node, kubelet.command, kubelet.args), logFile: join(o.logs, `kubelet-${node.name}.log`) });
  const proxy = o.self(['proxy', '--kubeconfig', proxyConfig, '--node-ip', node.ip, '--lock-file', join(node.dockerExecRoot, '..', 'proxy.lock'), ...metricsArgs(o.metricsPorts.proxy, node.ip), ...agents.proxy, ...o.proxyArgs]);
  supervisor.start({ name: `proxy-${node.name}`, ...inNamespace(node, proxy.command, proxy.args), logFile: join(o.logs, `proxy-${node.name}.log`) });
}
