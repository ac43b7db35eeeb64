import { networkInterfaces, hostname } from 'node:os';
import { Command, InvalidArgumentError, Option } from 'commander';
import { duration } from '../../lib/flags.js';
import { compileNetworkBackend, NETWORK_BACKENDS } from '../../services/proxy/index.js';
import { joinNode } from './join.js';

interface JoinFlags {
  token?: string;
  caCertHash: string[];
  discoveryTokenCaCertHash: string[];
  discoveryTokenUnsafeSkipCaVerification?: boolean;
  nodeName: string;
  nodeIp?: string;
  dataDir: string;
  timeout: number;
  clusterCidr?: string;
  networkBackend: string;
  vxlanVni?: number;
  vxlanPort?: number;
}

const wholeNumber = (v: string): number => {
  if (!/^\d+$/.test(v.trim())) throw new InvalidArgumentError(`expected a whole number, got "${v}"`);
  return Number(v);
};

const collect = (value: string, previous: string[]): string[] => [...previous, value];

/** The address other machines reach this one at: the first non-loopback IPv4 address. */
function defaultNodeIp(): string | undefined {
  return Object.values(networkInterfaces())
    .flat()
    .find((a) => a && a.family === 'IPv4' && !a.internal)?.address;
}

/** `kubets join`: kubeadm join's discovery and TLS bootstrap, writing a node's files into --data-dir. */
export function joinCommand(): Command {
  return new Command('join')
    .description('Join this machine to a cluster as a node: discover the cluster CA (pinned by hash), get the node its certificates through CSRs, write its kubelet and proxy configs')
    .argument('<server>', "the apiserver's host:port")
    .option('--token <id.secret>', 'a bootstrap token (kubets token create)')
    .option('--ca-cert-hash <sha256:hex>', "the SHA-256 of the cluster CA's public key (repeatable)", collect, [])
    .option('--discovery-token-ca-cert-hash <sha256:hex>', 'kubeadm\'s name of --ca-cert-hash', collect, [])
    .option('--discovery-token-unsafe-skip-ca-verification', 'trust whatever CA the server presents (no hash)')
    .option('--node-name <name>', "the node's name", hostname().toLowerCase())
    .option('--node-ip <ip>', "the node's address (default: its first non-loopback IPv4 address)")
    .option('--data-dir <dir>', 'where the CA, keys, certificates, client configs and node.env go', '/etc/kubets')
    .option('--cluster-cidr <cidr>', "the cluster's pod network: the node's proxy then routes to the other nodes' pod subnets")
    .addOption(new Option('--network-backend <type>', 'how pod traffic reaches the other nodes (with --cluster-cidr): host-gw routes, or a vxlan tunnel').choices(NETWORK_BACKENDS).default('host-gw'))
    .option('--vxlan-vni <n>', 'the VXLAN network identifier (vxlan backend; default 1)', wholeNumber)
    .option('--vxlan-port <port>', 'the UDP port of the VXLAN tunnel (vxlan backend; default 8472)', wholeNumber)
    .option('--timeout <duration>', 'how long to wait for each certificate to be approved and signed', duration, 5 * 60_000)
    .action(async (server: string, _flags: JoinFlags, cmd: Command) => {
      // kubectl's global --token sits on the program and takes the flag before this command sees it.
      const o = cmd.optsWithGlobals<JoinFlags>();
      if (!o.token) throw new Error('--token is required (kubets token create on a control-plane machine makes one)');
      const nodeIp = o.nodeIp ?? defaultNodeIp();
      if (!nodeIp) throw new Error('no --node-ip given and this machine has no non-loopback IPv4 address');
      const joined = await joinNode({
        server,
        token: o.token,
        caCertHashes: [...o.caCertHash, ...o.discoveryTokenCaCertHash],
        unsafeSkipCaVerification: Boolean(o.discoveryTokenUnsafeSkipCaVerification),
        nodeName: o.nodeName,
        nodeIp,
        dataDir: o.dataDir,
        timeoutMs: o.timeout,
        ...(o.clusterCidr && { podNetwork: { clusterCidr: o.clusterCidr, backend: compileNetworkBackend(o) } }),
      });
      process.stdout.write(
        `This node has joined the cluster as system:node:${o.nodeName}:\n` +
          `* Certificate signing requests were approved and signed; keys stayed on this machine.\n` +
          `* The kubelet and proxy configs and their flags are in ${o.dataDir} (${joined.envFile}).\n\n` +
          `Start them with: kubets kubelet $KUBETS_KUBELET_ARGS and kubets proxy $KUBETS_PROXY_ARGS (EnvironmentFile=${joined.envFile}).\n`,
      );
    });
}
