import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { homedir, hostname } from 'node:os';
import type { Server } from 'node:net';
import { join } from 'node:path';
import Docker from 'dockerode';
import { Command, InvalidArgumentError, Option } from 'commander';
import type { Logger } from 'pino';
import { ApiClient } from '../../lib/client/client.js';
import { defaultClientConfigPath, loadClientConfig, writeClientConfig } from '../../lib/client-config.js';
import { buildKubeconfig, kubeconfigBeside, writeKubeconfig } from '../../lib/kubeconfig.js';
import { createLogger } from '../../lib/log.js';
import { exitWhenStopped, onStopSignal } from '../../lib/stop-signals.js';
import { ensureClusterFiles, ensureKubeletServingCert, type ClusterFiles } from './cluster-files.js';
import { Supervisor } from './supervisor.js';
import { collectWhole } from '../../lib/flags.js';
import { ensurePortsFree } from './ports-free.js';
import { isRunning, waitFor } from './wait-for.js';
import { stopProcessesUsing } from './leftover-processes.js';
import { apiserverEtcdArgs, etcdClientTls, localEtcdArgs, localEtcdUrl } from './etcd-args.js';
import { etcdHealthy } from '../../lib/etcd-health.js';
import { ensureClusterId, readClusterId } from './cluster-id.js';
import { removeStaleLocalNodes } from './stale-nodes.js';
import { removeClusterContainers } from './cluster-containers.js';
import { ensureDefaultStorageClass } from './default-storage-class.js';
import { parseAddons, startIngressAddon, type Addon } from './ingress-addon.js';
import { DEFAULT_LOGGING_PORT, startLoggingAddon } from './logging-addon.js';
import { DEFAULT_PROMETHEUS_PORT, discoveryPortOf, startMonitoringAddon } from './monitoring-addon.js';
import { clusterCidrOf, createNodeNetwork, DEFAULT_CLUSTER_CIDR, loadPlan, planLocalNodes, removeLocalNodes, savePlan, type LocalNodePlan } from './local-nodes.js';
import { metricsArgs, metricsPortsOf, recordMetricsEndpoints } from './metrics-ports.js';
import { joinLocalNodes, nodeAgentArgs, startNamespacedNode } from './multi-node.js';
import { prepareRegistry, pushLocalImages, registryAnswers, registryAt, relayLoopback, trustRegistry } from './registry.js';
import { APISERVER_NODE_FLAGS } from '../../services/apiserver/index.js';
import { bridgeInterfaceAddress, dockerBridgeGateway, KUBENET_NETWORK, unmountAllUnder } from '../../services/kubelet/index.js';
import { cleanupHost, compileNetworkBackend, DEFAULT_LOCK_FILE, HostLockError, DEFAULT_SERVICE_CLUSTER_IP_RANGE, NETWORK_BACKENDS, podMtuFor } from '../../services/proxy/index.js';
import { ensureAuditPolicy } from './audit-policy.js';

const int = (v: string): number => {
  const n = Number(v);
  if (!Number.isInteger(n) || n <= 0 || n > 65535) throw new Error(`expected a port number, got "${v}"`);
  return n;
};

const wholeNumber = (v: string): number => {
  if (!/^\d+$/.test(v.trim())) throw new InvalidArgumentError(`expected a whole number, got "${v}"`);
  return Number(v);
};

const count = (v: string): number => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1 || n > 50) throw new InvalidArgumentError(`expected a node count between 1 and 50, got "${v}"`);
  return n;
};

/** A Go duration as Prometheus reads it (`15s`, `1m`), checked here so a typo fails before anything starts. */
const goDuration = (v: string): string => {
  if (!/^(\d+(ms|s|m|h|d|w|y))+$/.test(v)) throw new InvalidArgumentError(`expected a duration such as 15s or 1m, got "${v}"`);
  return v;
};

const DEFAULT_NODE_SUBNET = '10.250.0.0/24';

/** The namespaced nodes' network, laid before anything starts (the apiserver's certificate names its address). */
async function prepareNodeNetwork(o: UpOptions, log: Logger): Promise<LocalNodePlan> {
  if (process.getuid?.() !== 0) throw new Error('--nodes > 1 needs root: each further node gets a network namespace and a Docker engine of its own');
  const plan = planLocalNodes({
    clusterId: await ensureClusterId(o.dataDir), count: o.nodes, subnet: o.nodeSubnet, hostName: o.nodeName, dataDir: o.dataDir, registryPort: o.registryPort,
    networkBackend: compileNetworkBackend(o), clusterCidr: o.clusterCidr,
  });
  await createNodeNetwork(plan);
  // Every node sits on the node network's bridge: its MTU, less a tunnel's overhead, is every pod's.
  const podMtu = await podMtuFor(plan.networkBackend ?? { type: 'host-gw' }, plan.hostIp);
  if (podMtu !== undefined) plan.podMtu = podMtu;
  await savePlan(o.dataDir, plan);
  log.info({ bridge: plan.bridge, subnet: plan.subnet, nodes: plan.nodes.map((n) => `${n.name}=${n.ip}`) }, 'node network ready');
  return plan;
}

function defaultDataDir(): string {
  return process.getuid?.() === 0 ? '/var/lib/kubets' : join(homedir(), '.kubets', 'cluster');
}

interface UpOptions {
  dataDir: string;
  etcdPort: number;
  port: number;
  /** The apiserver's HTTP API (kubectl's); default port + 1. */
  restPort?: number;
  kubeletPort: number;
  nodeIp?: string;
  detach?: boolean;
  nodes: number;
  nodeSubnet: string;
  clusterCidr: string;
  registryPort: number;
  networkBackend: string;
  vxlanVni?: number;
  vxlanPort?: number;
  nodeName: string;
  apiserverArg: string[];
  schedulerArg: string[];
  controllerManagerArg: string[];
  kubeletArg: string[];
  proxyArg: string[];
  addons: Addon[];
  ingressHttpPort: number;
  ingressHttpsPort: number;
  prometheusPort: number;
  prometheusScrapeInterval: string;
  prometheusAlertFor?: string;
  loggingPort: number;
}

/** k3s' --kube-*-arg: `name=value` (or a bare `name`) becomes `--name=value` on that component's command line. */
function componentArgs(pairs: readonly string[]): string[] {
  return pairs.map((pair) => `--${pair.replace(/^--/, '')}`);
}

/** How a child re-runs this same CLI: same node, same loader flags (tsx when run from source). */
function selfCommand(args: string[], nodeFlags: readonly string[] = []): { command: string; args: string[] } {
  return { command: process.execPath, args: [...process.execArgv, ...nodeFlags, process.argv[1]!, ...args] };
}

async function apiserverAnswers(files: ClusterFiles): Promise<boolean> {
  return withAdminClient(files, async (client) => {
    await client.version();
    return true;
  });
}

/**
 * Whether the default namespace's default ServiceAccount exists. ServiceAccount admission refuses
 * every pod of a namespace until the controller manager has made it, and a controller whose pod
 * creates were refused retries them with a growing backoff: a cluster reported up before it
 * exists could keep the first workload waiting. Like minikube, up waits for it.
 */
async function defaultServiceAccountExists(files: ClusterFiles): Promise<boolean> {
  return withAdminClient(files, async (client) => {
    await client.resource('serviceAccount').get('default', 'default');
    return true;
  });
}

async function withAdminClient<T>(files: ClusterFiles, use: (client: ApiClient) => Promise<T>): Promise<T> {
  const cfg = await loadClientConfig({ path: files.configs.admin, env: {} });
  const client = ApiClient.fromConfig(cfg, { deadlineMs: 2_000, connectTimeoutMs: 1_000 });
  try {
    return await use(client);
  } finally {
    client.close();
  }
}

function portsOf(o: UpOptions): Record<string, number> {
  const ingress: Record<string, number> = o.addons.includes('ingress') ? { 'ingress HTTP': o.ingressHttpPort, 'ingress HTTPS': o.ingressHttpsPort } : {};
  const monitoring: Record<string, number> = o.addons.includes('monitoring') ? { Prometheus: o.prometheusPort, 'Prometheus discovery': discoveryPortOf(o.prometheusPort) } : {};
  const logging: Record<string, number> = o.addons.includes('logging') ? { 'log store (systemd-journal-remote)': o.loggingPort } : {};
  const metrics = Object.fromEntries(Object.entries(metricsPortsOf(o.kubeletPort)).map(([name, port]) => [`${name} metrics`, port]));
  const registry: Record<string, number> = o.nodes > 1 ? { 'image registry': o.registryPort } : {};
  return { 'etcd client': o.etcdPort, 'etcd peer': o.etcdPort + 1, apiserver: o.port, 'apiserver HTTP API': restPortOf(o), kubelet: o.kubeletPort, ...metrics, ...ingress, ...monitoring, ...logging, ...registry };
}

function restPortOf(o: UpOptions): number {
  return o.restPort ?? o.port + 1;
}

async function runForeground(o: UpOptions): Promise<void> {
  await ensurePortsFree(portsOf(o));
  const log = createLogger('up');
  const logs = join(o.dataDir, 'logs');
  mkdirSync(logs, { recursive: true });
  const server = `127.0.0.1:${o.port}`;
  const plan = o.nodes > 1 ? await prepareNodeNetwork(o, log) : undefined;
  const files = await ensureClusterFiles(o.dataDir, {
    servers: [server],
    // Only this machine's kubelet and proxy have tokens; further nodes join with a bootstrap token (joinLocalNodes).
    nodes: [o.nodeName],
    hosts: ['127.0.0.1', 'localhost', '10.96.0.1', 'kubernetes', 'kubernetes.default', 'kubernetes.default.svc', 'kubernetes.default.svc.cluster.local', ...(plan ? [plan.hostIp] : [])],
  });
  const userConfig = defaultClientConfigPath();
  await writeClientConfig(userConfig, JSON.parse(readFileSync(files.configs.admin, 'utf8')));
  // The same admin identity for kubectl and Kubernetes client libraries, on the HTTP API.
  const kubeconfig = kubeconfigBeside(userConfig);
  await writeKubeconfig(kubeconfig, buildKubeconfig([{ name: 'kubets', server: `https://127.0.0.1:${restPortOf(o)}`, caPem: readFileSync(files.caFile, 'utf8'), token: files.adminToken, namespace: 'default' }]));
  log.info({ config: userConfig, kubeconfig }, 'admin client config and kubeconfig written');

  const supervisor = new Supervisor(log);
  const registry = plan ? await startRegistry(supervisor, files, o, plan, logs, log) : undefined;
  const etcd = { dataDir: o.dataDir, clientPort: o.etcdPort };
  supervisor.start({ name: 'etcd', command: 'etcd', args: localEtcdArgs(etcd, files.etcd), logFile: join(logs, 'etcd.log') });
  await waitFor('etcd', () => etcdHealthy(localEtcdUrl(etcd), etcdClientTls(files.etcd)), 30_000);

  const metricsPorts = metricsPortsOf(o.kubeletPort);
  const nodeIP = await localNodeIP(o, plan);
  // With monitoring, the host's components serve metrics on the node's address, where the
  // discovered targets (Node addresses, Endpoints, which may not be loopback) point.
  const metricsHost = o.addons.includes('monitoring') ? nodeIP : '127.0.0.1';
  // The kubernetes Service's endpoint: an address pods reach (the node network, else the Docker
  // bridge gateway, which is this host as seen from its pods), not loopback.
  const advertise = plan?.hostIp ?? (await dockerBridgeGateway(new Docker())) ?? bridgeInterfaceAddress();
  const apiserver = selfCommand([
    'apiserver', ...apiserverEtcdArgs(etcd, files.etcd), '--encryption-provider-config', files.encryptionConfig, '--secure-port', String(o.port), '--rest-port', String(restPortOf(o)), '--data-dir', o.dataDir,
    ...metricsArgs(metricsPorts.apiserver),
    '--token-auth-file', files.tokenFile, '--cluster-id', await ensureClusterId(o.dataDir),
    '--audit-policy-file', await ensureAuditPolicy(o.dataDir), '--audit-log-path', join(logs, 'audit.log'), '--audit-log-maxsize', '100', '--audit-log-maxbackup', '3',
    // Namespaced nodes and pods reach the apiserver there.
    ...(advertise ? ['--bind-address', '0.0.0.0', '--advertise-address', advertise, '--cert-hosts', advertise] : []),
    ...componentArgs(o.apiserverArg),
  ], APISERVER_NODE_FLAGS);
  supervisor.start({ name: 'apiserver', ...apiserver, logFile: join(logs, 'apiserver.log') });
  await waitFor('apiserver', () => apiserverAnswers(files), 60_000);
  await ensureDefaultStorageClass(files);
  await removeStaleLocalNodes(files, o.nodeName, o.nodes, log);
  const scheduler = selfCommand(['scheduler', '--kubeconfig', files.configs.scheduler, ...metricsArgs(metricsPorts.scheduler, metricsHost), ...componentArgs(o.schedulerArg)]);
  supervisor.start({ name: 'scheduler', ...scheduler, logFile: join(logs, 'scheduler.log') });
  const controllerManager = selfCommand([
    'controller-manager', '--kubeconfig', files.configs['controller-manager'], '--local-path-dir', join(o.dataDir, 'storage'), ...metricsArgs(metricsPorts['controller-manager'], metricsHost),
    // csrsigning issues joining nodes' certificates; the CA key stays here, on the master.
    '--cluster-signing-cert-file', files.caFile, '--cluster-signing-key-file', join(files.pkiDir, 'ca.key'),
    ...(plan ? ['--allocate-node-cidrs', '--cluster-cidr', clusterCidrOf(plan)] : []),
    ...componentArgs(o.controllerManagerArg),
  ]);
  supervisor.start({ name: 'controller-manager', ...controllerManager, logFile: join(logs, 'controller-manager.log') });
  await startLocalKubelet(supervisor, files, o, logs, plan, nodeIP, metricsHost);
  const proxyStarted = await startLocalProxy(supervisor, files, o, nodeIP, logs, log, plan, metricsHost);
  if (plan) {
    const admin = ApiClient.fromConfig(await loadClientConfig({ path: files.configs.admin, env: {} }));
    try {
      await joinLocalNodes(admin, plan, { files, dataDir: o.dataDir, apiserverPort: o.port, log });
    } finally {
      admin.close();
    }
  }
  for (const node of plan?.nodes ?? []) {
    await startNamespacedNode(supervisor, node, plan!, {
      files, dataDir: o.dataDir, logs, apiserverPort: o.port, kubeletPort: o.kubeletPort, metricsPorts, self: (args) => selfCommand(args),
      kubeletArgs: componentArgs(o.kubeletArg), proxyArgs: componentArgs(o.proxyArg),
    });
  }
  if (o.addons.includes('ingress')) {
    await startIngressAddon(supervisor, {
      files, dataDir: o.dataDir, logs, nodeIP, httpPort: o.ingressHttpPort, httpsPort: o.ingressHttpsPort, self: (args) => selfCommand(args), log,
    });
  }
  const prometheusUrl = o.addons.includes('monitoring')
    ? await startMonitoringAddon(supervisor, {
        files, dataDir: o.dataDir, logs, nodeIP, prometheusPort: o.prometheusPort, metricsPorts, scrapeInterval: o.prometheusScrapeInterval,
        ...(o.prometheusAlertFor && { alertFor: o.prometheusAlertFor }), self: (args) => selfCommand(args), log,
      })
    : undefined;
  const journal = o.addons.includes('logging')
    ? await startLoggingAddon(supervisor, {
        dataDir: o.dataDir, logs, port: o.loggingPort, clusterId: await ensureClusterId(o.dataDir), self: (args) => selfCommand(args), log,
        nodes: [{ name: o.nodeName }, ...(plan?.nodes.map((n) => ({ name: n.name, dockerSocket: n.dockerSocket })) ?? [])],
      })
    : undefined;
  const scrape = (name: keyof typeof metricsPorts, host = metricsHost): string => `http://${host}:${metricsPorts[name]}/metrics`;
  const metricsFile = await recordMetricsEndpoints(o.dataDir, {
    apiserver: scrape('apiserver', '127.0.0.1'),
    scheduler: scrape('scheduler'),
    'controller-manager': scrape('controller-manager'),
    kubelet: scrape('kubelet'),
    ...(proxyStarted && { proxy: scrape('proxy') }),
    ...(prometheusUrl && { prometheus: prometheusUrl }),
    ...Object.fromEntries((plan?.nodes ?? []).flatMap((n) => [[`kubelet-${n.name}`, scrape('kubelet', n.ip)], [`proxy-${n.name}`, scrape('proxy', n.ip)]])),
  });
  await waitFor('the default ServiceAccount', () => defaultServiceAccountExists(files), 60_000);
  log.info({ server, dataDir: o.dataDir, metrics: metricsFile }, 'cluster is up');
  process.stdout.write(`kubets cluster is up: apiserver https://${server}, client config ${userConfig}, logs in ${logs}\n`);
  if (plan) process.stdout.write(`image registry: ${plan.registry} on every node (push from this machine to 127.0.0.1:${o.registryPort})\n`);
  if (journal) process.stdout.write(`pod logs: journalctl --directory=${journal} KUBERNETES_POD_NAME=<pod> (also KUBERNETES_NAMESPACE, KUBERNETES_CONTAINER_NAME, KUBERNETES_NODE_NAME)\n`);
  if (prometheusUrl) process.stdout.write(`Prometheus: ${prometheusUrl} (Service kube-system/prometheus)\n`);
  process.stdout.write(`metrics: ${scrape('apiserver', '127.0.0.1')} (and https://127.0.0.1:${restPortOf(o)}/metrics), scheduler ${scrape('scheduler')}, controller manager ${scrape('controller-manager')}, kubelet ${scrape('kubelet')}${proxyStarted ? `, proxy ${scrape('proxy')}` : ''}; all in ${metricsFile}\n`);

  process.stdout.write(`dashboard: https://127.0.0.1:${restPortOf(o)}/dashboard/ (log in with the admin token, the token in ${kubeconfig}, or with \`kubets create token SERVICEACCOUNT -n NAMESPACE\` for a ServiceAccount bound to a role)\n`);

  onStopSignal(() => {
    registry?.close();
    exitWhenStopped(supervisor.stop());
  });
}

/**
 * The cluster's image registry on this master's node-network address (and a loopback door to it),
 * trusted by every engine of the host through certs.d, filled with the local images: the other
 * nodes' engines pull them from there as their Docker Hub mirror, and users push their own.
 */
async function startRegistry(supervisor: Supervisor, files: ClusterFiles, o: UpOptions, plan: LocalNodePlan, logs: string, log: Logger): Promise<Server> {
  const registry = registryAt(o.dataDir, plan.hostIp, o.registryPort);
  const serve = await prepareRegistry(files, registry);
  const caPem = readFileSync(files.caFile, 'utf8');
  trustRegistry(registry.address, caPem);
  supervisor.start({ name: 'registry', ...serve, logFile: join(logs, 'registry.log') });
  await waitFor('the image registry', () => registryAnswers(registry.address, caPem), 30_000);
  const relay = await relayLoopback(registry);
  const pushed = await pushLocalImages(new Docker(), registry.loopback);
  log.info({ registry: registry.address, loopback: registry.loopback, images: pushed }, 'image registry ready');
  return relay;
}

/**
 * The kubelet of this machine's node. Its node IP is the Docker bridge's address (docker0) when
 * there is one: the host reaches it like loopback, and so do the pods (hostIP, the node's
 * NodePorts), which 127.0.0.1 would not give them. Without docker0 it is 127.0.0.1. With several
 * nodes it is this machine's address on the node network, where the other nodes reach it.
 */
async function localNodeIP(o: UpOptions, plan: LocalNodePlan | undefined): Promise<string> {
  return plan?.hostIp ?? o.nodeIp ?? (await dockerBridgeGateway(new Docker())) ?? bridgeInterfaceAddress() ?? '127.0.0.1';
}

async function startLocalKubelet(supervisor: Supervisor, files: ClusterFiles, o: UpOptions, logs: string, plan: LocalNodePlan | undefined, nodeIP: string, metricsHost: string): Promise<void> {
  const nodeName = o.nodeName;
  const cert = await ensureKubeletServingCert(files, { nodeName, nodeIP });
  const kubelet = selfCommand([
    'kubelet', '--node-name', nodeName, '--cluster-id', await ensureClusterId(o.dataDir), '--kubeconfig', files.kubeletConfigs[nodeName]!, '--node-ip', nodeIP, '--port', String(o.kubeletPort),
    '--root-dir', join(o.dataDir, 'kubelet'), '--pod-manifest-path', join(o.dataDir, 'manifests'),
    '--tls-cert-file', cert.certFile, '--tls-private-key-file', cert.keyFile, '--client-ca-file', files.caFile,
    ...metricsArgs(metricsPortsOf(o.kubeletPort).kubelet, metricsHost),
    ...(plan ? nodeAgentArgs(nodeName, nodeIP, plan).kubelet : []),
    ...componentArgs(o.kubeletArg),
  ]);
  supervisor.start({ name: 'kubelet', ...kubelet, logFile: join(logs, 'kubelet.log') });
}

/**
 * The proxy of this host (one per host, its rules are host-wide): node ports on the node IP and
 * 127.0.0.1, the cluster DNS on the Docker bridge gateway, which the kubelet gives pods as their
 * nameserver. It needs root for iptables and sysctls; without root, Services stay unforwarded.
 */
async function startLocalProxy(supervisor: Supervisor, files: ClusterFiles, o: UpOptions, nodeIP: string, logs: string, log: Logger, plan: LocalNodePlan | undefined, metricsHost: string): Promise<boolean> {
  if (process.getuid?.() !== 0) {
    log.warn('not running as root: the proxy (Service forwarding and cluster DNS) is not started');
    return false;
  }
  const gateway = (await dockerBridgeGateway(new Docker())) ?? bridgeInterfaceAddress();
  // The proxy enforces NetworkPolicies for the pods of its own Node, so it must carry the kubelet's node name.
  const nodeArgs = plan ? nodeAgentArgs(o.nodeName, nodeIP, plan).proxy : ['--hostname-override', o.nodeName, ...(gateway ? ['--cluster-dns-bind', `${gateway}:53`] : [])];
  // Its own node's proxy identity: its pod network agent may annotate this Node and no other.
  const proxy = selfCommand(['proxy', '--kubeconfig', files.proxyConfigs[o.nodeName]!, '--node-ip', nodeIP, ...nodeArgs, ...metricsArgs(metricsPortsOf(o.kubeletPort).proxy, metricsHost), ...componentArgs(o.proxyArg)]);
  supervisor.start({ name: 'proxy', ...proxy, logFile: join(logs, 'proxy.log') });
  return true;
}

/** Starts the supervisor in the background and waits until the apiserver answers. */
async function runDetached(o: UpOptions, argv: string[]): Promise<void> {
  mkdirSync(o.dataDir, { recursive: true, mode: 0o700 });
  const pidFile = join(o.dataDir, 'up.pid');
  if (existsSync(pidFile) && isRunning(Number(readFileSync(pidFile, 'utf8')))) {
    process.stdout.write(`kubets cluster already running (pid ${readFileSync(pidFile, 'utf8').trim()}); stop it with: kubets down\n`);
    return;
  }
  await ensurePortsFree(portsOf(o));
  const out = openSync(join(o.dataDir, 'up.log'), 'a');
  const self = selfCommand(argv.filter((a) => a !== '--detach' && a !== '-d'));
  const child = spawn(self.command, self.args, { detached: true, stdio: ['ignore', out, out] });
  child.unref();
  writeFileSync(pidFile, String(child.pid));
  process.stdout.write(`starting kubets cluster in the background (pid ${child.pid}, log ${join(o.dataDir, 'up.log')}) ...\n`);
  const adminConfig = join(o.dataDir, 'admin.conf');
  await waitFor(
    'the cluster',
    async () => {
      if (!isRunning(child.pid!)) throw new Error(`kubets up exited; see ${join(o.dataDir, 'up.log')}`);
      return existsSync(adminConfig) && defaultServiceAccountExists({ configs: { admin: adminConfig } } as ClusterFiles);
    },
    120_000,
  );
  process.stdout.write(`kubets cluster is up: client config ${defaultClientConfigPath()}\n`);
}

export function upCommand(): Command {
  return new Command('up')
    .description('Run a whole local cluster: etcd, apiserver and the other components, supervised')
    .option('--data-dir <dir>', 'where certificates, tokens, etcd data and logs live', defaultDataDir())
    .option('--etcd-port <port>', 'etcd client port (the peer port is the next one)', int, 2379)
    .option('--port <port>', 'apiserver port (gRPC)', int, 6443)
    .option('--rest-port <port>', "port of the apiserver's Kubernetes HTTP API, for kubectl (default: --port + 1)", int)
    .option('--kubelet-port <port>', 'port of the local kubelet API (logs, exec)', int, 10250)
    .option('--node-ip <ip>', "the local node's InternalIP (default: the docker0 address, else 127.0.0.1)")
    .option('--node-name <name>', "this machine's node name; further nodes are <name>-node2, -node3, ...", hostname().toLowerCase())
    .option('--nodes <n>', 'nodes to run: this machine, and each further one in its own network namespace with its own Docker engine', count, 1)
    .option('--node-subnet <cidr>', 'the network the nodes share when --nodes > 1 (this machine is its first address)', DEFAULT_NODE_SUBNET)
    .option('--cluster-cidr <cidr>', "the pod network the nodes' subnets come from (--nodes > 1); a second cluster on this machine needs one of its own", DEFAULT_CLUSTER_CIDR)
    .addOption(new Option('--network-backend <type>', 'how pod traffic crosses nodes (--nodes > 1): host-gw routes, or a vxlan tunnel').choices(NETWORK_BACKENDS).default('host-gw'))
    .option('--vxlan-vni <n>', 'the VXLAN network identifier of the pod network (--network-backend vxlan; default 1)', wholeNumber)
    .option('--vxlan-port <port>', 'the UDP port of the VXLAN tunnel (--network-backend vxlan; default 8472)', int)
    .option('--registry-port <port>', "the cluster image registry's port on this machine's node-network address and loopback (--nodes > 1)", int, 5000)
    .option('--apiserver-arg <name=value>', 'an extra flag for the apiserver (repeatable)', collectWhole, [])
    .option('--scheduler-arg <name=value>', 'an extra flag for the scheduler (repeatable)', collectWhole, [])
    .option('--controller-manager-arg <name=value>', 'an extra flag for the controller manager (repeatable)', collectWhole, [])
    .option('--kubelet-arg <name=value>', 'an extra flag for every kubelet (repeatable)', collectWhole, [])
    .option('--proxy-arg <name=value>', 'an extra flag for every proxy (repeatable)', collectWhole, [])
    .option('--addons <list>', 'optional parts to run, comma-separated: ingress (the HAProxy ingress controller and its default IngressClass "haproxy"), monitoring (Prometheus, its discovery and alerts), logging (every pod\'s logs in a journal searchable with journalctl)', parseAddons, [])
    .option('--ingress-http-port <port>', 'the HTTP port of the ingress add-on', int, 80)
    .option('--ingress-https-port <port>', 'the HTTPS port of the ingress add-on', int, 443)
    .option('--prometheus-port <port>', 'the port of the monitoring add-on\'s Prometheus, on the node IP (its discovery serves on the next port, on loopback)', int, DEFAULT_PROMETHEUS_PORT)
    .option('--prometheus-scrape-interval <duration>', 'how often Prometheus scrapes and evaluates its rules (a Go duration)', goDuration, '15s')
    .option('--prometheus-alert-for <duration>', "how long every alert's condition must hold before it fires (default: each alert's own, 10m or 15m)", goDuration)
    .option('--logging-port <port>', "the loopback port of the logging add-on's store (systemd-journal-remote)", int, DEFAULT_LOGGING_PORT)
    .option('-d, --detach', 'run in the background and return once the cluster answers')
    .action(async (o: UpOptions, cmd: Command) => {
      if (o.detach) await runDetached(o, cmd.parent ? process.argv.slice(2) : []);
      else await runForeground(o);
    });
}

/**
 * What a stopped local cluster leaves on the host unless asked to keep it: the pod containers its
 * kubelets made on this machine's engine, found by the cluster's ID whatever the node names (a
 * stopped kubelet leaves them running so a restarted one can adopt them), and the proxy's iptables
 * rules. Another cluster's containers, even of a node named alike, carry another ID and stay.
 */
async function removeWorkloads(dataDir: string, clusterId: string | undefined): Promise<void> {
  const docker = new Docker();
  if (clusterId) process.stdout.write(`removed ${await removeClusterContainers(docker, clusterId)} pod containers of cluster ${clusterId}\n`);
  else process.stdout.write(`no cluster-id in ${dataDir}: no pod containers removed\n`);
  // The pods' memory-backed volumes (secrets, projected tokens, emptyDir in memory) stay mounted
  // under the kubelets' directories until unmounted; the kubelets that would have are gone.
  if (process.getuid?.() === 0) {
    const left = await unmountAllUnder(dataDir);
    if (left.length > 0) process.stdout.write(`still mounted under ${dataDir}: ${left.join(', ')}\n`);
  }
  const plan = loadPlan(dataDir);
  // The host node's kubenet pod bridge goes too; the next up makes it anew on the node's subnet.
  if (plan) await docker.getNetwork(KUBENET_NETWORK).remove().catch(() => undefined);
  if (process.getuid?.() !== 0) return;
  try {
    await cleanupHost({
      serviceClusterIpRange: DEFAULT_SERVICE_CLUSTER_IP_RANGE,
      lockFile: DEFAULT_LOCK_FILE,
      log: createLogger('down', 'warn'),
      ...(plan && { clusterCidr: clusterCidrOf(plan), ...(plan.networkBackend && { networkBackend: plan.networkBackend }) }),
    });
    process.stdout.write('removed the proxy rules\n');
  } catch (err) {
    // The host's rules belong to whichever proxy holds the lock: another cluster's, still running.
    if (!(err instanceof HostLockError)) throw err;
    process.stdout.write(`left the proxy rules in place: ${err.message}\n`);
  }
}

export function downCommand(): Command {
  return new Command('down')
    .description('Stop a cluster started with kubets up --detach, and remove its pod containers and proxy rules')
    .option('--data-dir <dir>', 'the data directory given to kubets up', defaultDataDir())
    .option('--keep-workloads', 'leave pod containers running and proxy rules in place (a later kubets up adopts them)')
    // Containers are found by the cluster's ID now; the flag stays accepted so existing scripts run.
    .addOption(new Option('--node-name <name>', 'ignored: pod containers are found by the cluster ID').hideHelp())
    .action(async (o: { dataDir: string; keepWorkloads?: boolean }) => {
      // A data directory no cluster ever started from owns nothing on this host: remove nothing.
      if (!existsSync(join(o.dataDir, 'admin.conf'))) {
        process.stdout.write(`no kubets cluster in ${o.dataDir}\n`);
        return;
      }
      const pidFile = join(o.dataDir, 'up.pid');
      const pid = existsSync(pidFile) ? Number(readFileSync(pidFile, 'utf8')) : 0;
      if (!pid || !isRunning(pid)) {
        process.stdout.write('no kubets cluster is running\n');
        rmSync(pidFile, { force: true });
      } else {
        process.kill(pid, 'SIGTERM');
        await waitFor('shutdown', async () => !isRunning(pid), 30_000);
        rmSync(pidFile, { force: true });
        process.stdout.write('kubets cluster stopped\n');
      }
      if (!o.keepWorkloads) await removeWorkloads(o.dataDir, readClusterId(o.dataDir));
      const plan = loadPlan(o.dataDir);
      if (plan) {
        await removeLocalNodes(o.dataDir, plan, Boolean(o.keepWorkloads));
        process.stdout.write(`removed ${plan.nodes.length} namespaced nodes, their engines and the node network ${plan.bridge}\n`);
      }
      const leftovers = await stopProcessesUsing(o.dataDir);
      if (leftovers > 0) process.stdout.write(`stopped ${leftovers} leftover processes using ${o.dataDir}\n`);
    });
}
