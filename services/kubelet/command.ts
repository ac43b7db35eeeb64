import { join } from 'node:path';
import { readFile } from 'node:fs/promises';
import { isIP } from 'node:net';
import { hostname } from 'node:os';
import Docker from 'dockerode';
import { Command, InvalidArgumentError, Option } from 'commander';
import { ApiClient } from '../../lib/client/client.js';
import { loadClientConfig } from '../../lib/client-config.js';
import { integer, positiveInt } from '../../lib/flags.js';
import { createLogger } from '../../lib/log.js';
import { addMetricsOptions, METRICS_PORTS, serveMetrics, type MetricsFlags } from '../../lib/metrics/index.js';
import { exitWhenStopped, onStopSignal } from '../../lib/stop-signals.js';
import { bridgeGateway } from './bridge-gateway.js';
import { DEFAULT_CLUSTER_DOMAIN, DEFAULT_KUBELET_PORT, DEFAULT_MAX_PODS, Kubelet, KubeletStoppedError, type NetworkPlugin } from './kubelet.js';
import { defaultRootDir } from './runtime/volumes/volume-manager.js';
import { ClientCertificateManager, CLIENT_CERT_FILE_NAME, loadClientCertificate } from './certificate/client-certificate.js';
import { DEFAULT_STATS_INTERVAL_MS } from './stats/index.js';
import { DEFAULT_CONTAINER_LOG_ROTATION, parseLogMaxFiles, parseLogMaxSize } from './runtime/log-rotation.js';

const port = (value: string): number => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new InvalidArgumentError(`expected a port number, got "${value}"`);
  return n;
};

const ip = (value: string): string => {
  if (!isIP(value)) throw new InvalidArgumentError(`expected an IP address, got "${value}"`);
  return value;
};

const clusterId = (value: string): string => {
  if (!/^[A-Za-z0-9]([A-Za-z0-9._-]{0,61}[A-Za-z0-9])?$/.test(value)) throw new InvalidArgumentError(`expected letters, digits, '.', '_' or '-', got "${value}"`);
  return value;
};

const ipList = (value: string): string[] => value.split(',').map((s) => ip(s.trim()));

/** Kubernetes' default node name: the host name, lower-cased. */
function defaultNodeName(): string {
  return hostname().toLowerCase();
}

interface KubeletFlags extends MetricsFlags {
  nodeName: string;
  clusterId?: string;
  kubeconfig?: string;
  port: number;
  address?: string;
  nodeIp: string;
  rootDir?: string;
  rotateCertificates: boolean;
  podManifestPath?: string;
  clusterDns?: string[];
  clusterDomain: string;
  maxPods: number;
  tlsCertFile?: string;
  tlsPrivateKeyFile?: string;
  clientCaFile?: string;
  hollow?: boolean;
  networkPlugin: NetworkPlugin;
  networkPluginMtu?: number;
  statsInterval: number;
  containerLogMaxSize: number;
  containerLogMaxFiles: number;
}

/** An interface MTU as Linux takes it for IPv4 (68 to 65535 bytes). */
function mtuValue(value: string): number {
  const mtu = integer(value);
  if (mtu < 68 || mtu > 65_535) throw new InvalidArgumentError(`invalid MTU ${mtu}: expected 68 to 65535 bytes`);
  return mtu;
}

export class KubeletFlagError extends Error {
  override readonly name = 'KubeletFlagError';
}

async function readTls(o: KubeletFlags): Promise<{ certPem: Buffer; keyPem: Buffer; clientCaPem: Buffer }> {
  if (!o.tlsCertFile || !o.tlsPrivateKeyFile || !o.clientCaFile) {
    throw new KubeletFlagError(
      '--tls-cert-file, --tls-private-key-file and --client-ca-file are required: the kubelet serves logs and exec only over TLS ' +
        'with a certificate from the cluster CA, to clients with a certificate from that CA (kubets up issues them into <data-dir>/pki)',
    );
  }
  const [certPem, keyPem, clientCaPem] = await Promise.all([readFile(o.tlsCertFile), readFile(o.tlsPrivateKeyFile), readFile(o.clientCaFile)]);
  return { certPem, keyPem, clientCaPem };
}

export function kubeletCommand(): Command {
  return addMetricsOptions(new Command('kubelet'), METRICS_PORTS.kubelet)
    .description('Run the node agent: registers the node, runs the pods bound to it in Docker, serves their logs and exec')
    .option('--node-name <name>', 'name of the Node object', defaultNodeName())
    .option('--cluster-id <id>', "the cluster this node belongs to: every container is labelled with it, and only containers with it are this kubelet's (kubets up passes <data-dir>/cluster-id)", clusterId)
    .option('--kubeconfig <file>', 'client config with the apiserver addresses, CA and token (default: $KUBETS_CONFIG or ~/.kubets/config)')
    .option('--port <port>', 'port of the kubelet API (logs, exec)', port, DEFAULT_KUBELET_PORT)
    .option('--address <ip>', 'address the kubelet API listens on (default: the node IP)', ip)
    .option('--node-ip <ip>', "the node's InternalIP: how the apiserver reaches this kubelet, and the pods' hostIP", ip, '127.0.0.1')
    .option('--root-dir <dir>', 'directory for pod volumes (default: /var/lib/kubets/kubelet/<node-name>)')
    .option('--pod-manifest-path <dir>', 'directory of static pod manifests (YAML or JSON), run here and mirrored into the API')
    .option('--cluster-dns <ips>', "comma-separated DNS servers for pods (default: the Docker bridge's gateway)", ipList)
    .option('--cluster-domain <domain>', 'DNS domain of the cluster', DEFAULT_CLUSTER_DOMAIN)
    .option('--max-pods <n>', 'pods this node accepts', positiveInt, DEFAULT_MAX_PODS)
    .option('--tls-cert-file <file>', 'serving certificate of the kubelet API, signed by the cluster CA')
    .option('--tls-private-key-file <file>', 'key of the serving certificate')
    .option('--client-ca-file <file>', 'CA that signs the certificates of clients (the apiserver)')
    .option('--no-rotate-certificates', 'keep the client certificate of the client config instead of renewing it through a CSR before it expires')
    .option('--hollow', 'run pods without containers, for scale simulations only')
    .option('--container-log-max-size <size>', 'size at which a container log file is rotated (a quantity, e.g. 10Mi)', parseLogMaxSize, DEFAULT_CONTAINER_LOG_ROTATION.maxSizeBytes)
    .option('--container-log-max-files <n>', 'log files kept per container, the current one included', parseLogMaxFiles, DEFAULT_CONTAINER_LOG_ROTATION.maxFiles)
    .option('--stats-interval <seconds>', 'how often container and node CPU and memory are sampled for the metrics API', positiveInt, DEFAULT_STATS_INTERVAL_MS / 1000)
    .addOption(
      new Option('--network-plugin <name>', "docker: pods on the engine's default bridge; kubenet: pods on a bridge holding the node's podCIDR (multi-node pod network)")
        .choices(['docker', 'kubenet'])
        .default('docker'),
    )
    .option('--network-plugin-mtu <bytes>', "the MTU of pods' interfaces with kubenet (the engine's default, 1500, when unset); a tunnelling pod network needs its overhead less than the node network's", mtuValue)
    .action(async (o: KubeletFlags, cmd: Command) => {
      const log = createLogger('kubelet');
      const tls = await readTls(o);
      // The program's global --kubeconfig (kubectl's flag) takes the value when it is defined there.
      const kubeconfig = o.kubeconfig ?? (cmd.optsWithGlobals() as { kubeconfig?: string }).kubeconfig;
      const config = await loadClientConfig({ ...(kubeconfig ? { path: kubeconfig } : {}), env: process.env });
      const rootDir = o.rootDir ?? defaultRootDir(o.nodeName);
      // A kubelet authenticated by certificate renews it and keeps the newest under its root dir, which a restart takes first.
      const certFile = join(rootDir, 'pki', CLIENT_CERT_FILE_NAME);
      const clientCert = config.clientCert && o.rotateCertificates ? await loadClientCertificate(certFile, config.clientCert) : config.clientCert;
      const client = ApiClient.fromConfig({ ...config, ...(clientCert && { clientCert }) }, { log });
      const rotation = new AbortController();
      if (clientCert && o.rotateCertificates) {
        void new ClientCertificateManager({ client, nodeName: o.nodeName, current: clientCert, file: certFile, log: log.child({ component: 'certificate-manager' }) })
          .run(rotation.signal)
          .catch((err: unknown) => log.error({ err: (err as Error).message }, 'client certificate rotation stopped'));
      }
      const docker = new Docker();
      // With kubenet the bridge exists only once the node has its subnet; pods then ask the node itself.
      const clusterDNS = o.clusterDns ?? [o.networkPlugin === 'kubenet' ? o.nodeIp : await bridgeGateway(docker)];
      const kubelet = new Kubelet({
        nodeName: o.nodeName,
        ...(o.clusterId !== undefined && { clusterId: o.clusterId }),
        client,
        nodeIP: o.nodeIp,
        port: o.port,
        tls,
        rootDir,
        clusterDNS,
        clusterDomain: o.clusterDomain,
        maxPods: o.maxPods,
        docker,
        log,
        ...(o.address && { address: o.address }),
        ...(o.podManifestPath && { podManifestPath: o.podManifestPath }),
        ...(o.hollow && { hollow: true }),
        networkPlugin: o.networkPlugin,
        ...(o.networkPluginMtu !== undefined && { networkPluginMtu: o.networkPluginMtu }),
        statsIntervalMs: o.statsInterval * 1000,
        containerLogRotation: { maxSizeBytes: o.containerLogMaxSize, maxFiles: o.containerLogMaxFiles },
      });
      let stopping = false;
      onStopSignal((signal) => {
        if (stopping) return;
        stopping = true;
        log.info({ signal }, 'shutting down; containers keep running');
        rotation.abort();
        exitWhenStopped(kubelet.stop().then(() => client.close()));
      });
      log.info({ node: o.nodeName, nodeIP: o.nodeIp, servers: config.servers, clusterDNS, hollow: Boolean(o.hollow) }, 'starting kubelet');
      await serveMetrics(o, log);
      try {
        await kubelet.start();
      } catch (err) {
        // A stop during start ends through the stop-signal handler; anything else is fatal.
        if (stopping && err instanceof KubeletStoppedError) return;
        await kubelet.stop().catch(() => undefined);
        throw err;
      }
    });
}
