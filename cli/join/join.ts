import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import writeFileAtomic from 'write-file-atomic';
import { isApiError } from '../../lib/api/errors.js';
import { parseBootstrapToken } from '../../lib/auth/bootstrap-token.js';
import { ApiClient } from '../../lib/client/client.js';
import { writeClientConfig } from '../../lib/client-config.js';
import { nodeProxierUser } from '../../lib/auth/node-proxier.js';
import { networkBackendArgs, podMtuFor, type NetworkBackend } from '../../services/proxy/index.js';
import { checkHashFormat, checkPinnedCa, discoverCa, JoinError } from './discovery.js';
import { requestCertificate } from '../../lib/certs/index.js';
import { tokenRefused } from './request-certificate.js';

export interface JoinOptions {
  /** host:port of the apiserver (its gRPC API), as the node reaches it. */
  server: string;
  token: string;
  caCertHashes: string[];
  unsafeSkipCaVerification: boolean;
  nodeName: string;
  nodeIp: string;
  dataDir: string;
  /** How long to wait for each certificate to be approved and signed. */
  timeoutMs: number;
  /** The pod network the node's proxy joins (its --cluster-cidr and --network-backend), if any. */
  podNetwork?: PodNetwork;
}

export interface PodNetwork {
  clusterCidr: string;
  backend: NetworkBackend;
  /** The MTU of pods' interfaces (podMtuFor: the node network's less a tunnel's overhead); unset, the engine's default. */
  podMtu?: number;
}

/**
 * The kubelet and proxy flags of a node on the cluster's pod network: the kubelet runs pods on a
 * bridge of its pod subnet (kubenet, with the backend's MTU) and points them at the cluster DNS
 * on the node's own address; the proxy routes to the other nodes' subnets by the backend and
 * serves that DNS.
 */
export function podNetworkArgs(nodeName: string, nodeIp: string, podNetwork: PodNetwork): { kubelet: string[]; proxy: string[] } {
  return {
    kubelet: ['--network-plugin', 'kubenet', ...(podNetwork.podMtu !== undefined ? ['--network-plugin-mtu', String(podNetwork.podMtu)] : []), '--cluster-dns', nodeIp],
    proxy: ['--hostname-override', nodeName, '--cluster-cidr', podNetwork.clusterCidr, ...networkBackendArgs(podNetwork.backend), '--cluster-dns-bind', `${nodeIp}:53`, '--pod-bridge', 'cbr0'],
  };
}

/** The files a join writes into its data directory (the interface node provisioning relies on). */
export interface JoinedNode {
  caFile: string;
  kubeletConfig: string;
  proxyConfig: string;
  servingCertFile: string;
  servingKeyFile: string;
  envFile: string;
  kubeletArgs: string[];
  proxyArgs: string[];
}

/** The flags a node's kubelet and proxy run with, from the files a join wrote (and the pod network it was told of). */
export function nodeArgs(dir: string, nodeName: string, nodeIp: string, podNetwork?: PodNetwork): { kubelet: string[]; proxy: string[] } {
  const network = podNetwork && podNetworkArgs(nodeName, nodeIp, podNetwork);
  return {
    kubelet: [
      '--kubeconfig', join(dir, 'kubelet.conf'), '--node-name', nodeName, '--node-ip', nodeIp,
      '--tls-cert-file', join(dir, 'kubelet-serving.crt'), '--tls-private-key-file', join(dir, 'kubelet-serving.key'), '--client-ca-file', join(dir, 'ca.crt'),
      ...(network?.kubelet ?? []),
    ],
    proxy: ['--kubeconfig', join(dir, 'proxy.conf'), '--node-ip', nodeIp, ...(network?.proxy ?? ['--hostname-override', nodeName])],
  };
}

/** systemd's EnvironmentFile syntax: one double-quoted value per line (paths have no quotes or backslashes to escape). */
const envLine = (name: string, args: string[]): string => `${name}="${args.join(' ')}"\n`;

/** The Node as the node knows itself before its kubelet runs: its addresses, which its serving certificate may name. */
async function registerAddresses(client: ApiClient, nodeName: string, nodeIp: string): Promise<void> {
  const addresses = [{ type: 'InternalIP', address: nodeIp }, { type: 'Hostname', address: nodeName }];
  const nodes = client.resource('node');
  try {
    await nodes.create({ metadata: { name: nodeName }, status: { addresses } });
  } catch (err) {
    if (!isApiError(err, 'AlreadyExists')) throw err;
    const node = await nodes.get('', nodeName);
    await nodes.updateStatus({ ...node, status: { ...node.status, addresses } });
  }
}

/**
 * Joins this machine to a cluster as kubeadm does: discovery of the CA pinned by hash, a client
 * certificate for the node from its bootstrap token, then (as the node) its kubelet's serving
 * certificate and its proxy's. Nothing is written before every certificate is in hand.
 */
export async function joinNode(o: JoinOptions): Promise<JoinedNode> {
  const token = parseBootstrapToken(o.token);
  if (!token) throw new JoinError(`the bootstrap token "${o.token}" was not of the form "[a-z0-9]{6}.[a-z0-9]{16}"`);
  if (o.caCertHashes.length === 0 && !o.unsafeSkipCaVerification) {
    throw new JoinError(
      'using token-based discovery without --ca-cert-hash can be unsafe: pass --ca-cert-hash sha256:<hash> (kubets token create --print-join-command prints it), or --discovery-token-unsafe-skip-ca-verification to continue',
    );
  }
  checkHashFormat(o.caCertHashes);
  // A tunnelling pod network's MTU comes from this machine's interface of the node IP (found before any certificate is asked for).
  const podNetwork = o.podNetwork && { ...o.podNetwork, podMtu: o.podNetwork.podMtu ?? (await podMtuFor(o.podNetwork.backend, o.nodeIp)) };
  const caPem = await discoverCa(o.server, o.timeoutMs);
  if (!o.unsafeSkipCaVerification || o.caCertHashes.length > 0) checkPinnedCa(caPem, o.caCertHashes);

  const connect = (auth: { token: string } | { clientCert: { certPem: string; keyPem: string } }): ApiClient =>
    new ApiClient({ servers: [o.server], ca: caPem, deadlineMs: 30_000, ...auth });
  const user = `system:node:${o.nodeName}`;
  const bootstrap = connect({ token: o.token });
  let client;
  try {
    client = await requestCertificate(
      bootstrap,
      { purpose: 'node', subject: { commonName: user, organizations: ['system:nodes'] }, signerName: 'kubernetes.io/kube-apiserver-client-kubelet', usages: ['digital signature', 'client auth'] },
      o.timeoutMs,
    ).catch((err: unknown) => Promise.reject(tokenRefused(err, token.id)));
  } finally {
    bootstrap.close();
  }

  const asNode = connect({ clientCert: client });
  let serving;
  let proxy;
  try {
    await registerAddresses(asNode, o.nodeName, o.nodeIp);
    serving = await requestCertificate(
      asNode,
      { purpose: 'serving', subject: { commonName: user, organizations: ['system:nodes'], hosts: [o.nodeName, o.nodeIp] }, signerName: 'kubernetes.io/kubelet-serving', usages: ['digital signature', 'server auth'] },
      o.timeoutMs,
    );
    // The proxy's own identity, for this node only: the apiserver lets it write nothing but the network annotations of this Node.
    const proxier = nodeProxierUser(o.nodeName);
    proxy = await requestCertificate(
      asNode,
      { purpose: 'proxy', subject: { commonName: proxier.name, organizations: proxier.groups }, signerName: 'kubernetes.io/kube-apiserver-client', usages: ['digital signature', 'client auth'] },
      o.timeoutMs,
    );
  } finally {
    asNode.close();
  }

  const dir = o.dataDir;
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const file = (name: string): string => join(dir, name);
  const key = (name: string, pem: string) => writeFileAtomic(file(name), pem, { mode: 0o600 });
  const cert = (name: string, pem: string) => writeFileAtomic(file(name), pem, { mode: 0o644 });
  await cert('ca.crt', caPem);
  await key('kubelet.key', client.keyPem);
  await cert('kubelet.crt', client.certPem);
  await key('kubelet-serving.key', serving.keyPem);
  await cert('kubelet-serving.crt', serving.certPem);
  await key('proxy.key', proxy.keyPem);
  await cert('proxy.crt', proxy.certPem);
  const config = (identity: { certPem: string; keyPem: string }) => ({
    currentContext: 'kubets',
    contexts: { kubets: { servers: [o.server], caData: caPem, clientCertData: identity.certPem, clientKeyData: identity.keyPem } },
  });
  await writeClientConfig(file('kubelet.conf'), config(client));
  await writeClientConfig(file('proxy.conf'), config(proxy));
  const args = nodeArgs(dir, o.nodeName, o.nodeIp, podNetwork);
  await writeFileAtomic(file('node.env'), envLine('KUBETS_KUBELET_ARGS', args.kubelet) + envLine('KUBETS_PROXY_ARGS', args.proxy), { mode: 0o644 });
  return {
    caFile: file('ca.crt'),
    kubeletConfig: file('kubelet.conf'),
    proxyConfig: file('proxy.conf'),
    servingCertFile: file('kubelet-serving.crt'),
    servingKeyFile: file('kubelet-serving.key'),
    envFile: file('node.env'),
    kubeletArgs: args.kubelet,
    proxyArgs: args.proxy,
  };
}
