import { isIPv4 } from 'node:net';
import { hostname } from 'node:os';
import { formatIpv4Cidr, parseIpv4Cidr } from '../../lib/net/ipv4.js';
import type { DnsBind } from './dns/dns-server.js';
import { HOST_GW_BACKEND } from './pod-network/backend.js';
import type { NetworkBackend } from './pod-network/route-backend-for.js';
import { DEFAULT_VXLAN_PORT, DEFAULT_VXLAN_VNI, VXLAN_BACKEND } from './pod-network/vxlan.js';

export class InvalidProxyOptionError extends Error {
  override readonly name = 'InvalidProxyOptionError';
}

export interface ProxyOptions {
  /** This host's address for node ports (besides 127.0.0.1). */
  nodeIp: string;
  /** `--service-cluster-ip-range`, normalized to its network address. */
  serviceClusterIpRange: string;
  /** Where the cluster DNS listens; empty runs no DNS. */
  clusterDnsBinds: DnsBind[];
  clusterDomain: string;
  /** Full resync at least this often (kube-proxy's --iptables-sync-period). */
  syncPeriodMs: number;
  /** Syncs at most this often however fast objects change (kube-proxy's --iptables-min-sync-period). */
  minSyncPeriodMs: number;
  /** Held while a proxy runs: there is one per host, since its rules are host-wide. */
  lockFile: string;
  /** The Linux bridge pods sit on (Docker's), whose ports get hairpin mode. */
  podBridge: string;
  /** The Node this proxy runs on (kube-proxy's --hostname-override). */
  nodeName: string;
  /** `--cluster-cidr`, normalized: when set, the proxy also keeps the node's share of the pod network (routes to other nodes' pod subnets). */
  clusterCidr?: string;
  /** Enforce NetworkPolicies for this node's pods (on unless turned off). */
  networkPolicy: boolean;
  /** How the pod network reaches other nodes (with clusterCidr): host-gw routes, or a VXLAN tunnel. */
  networkBackend: NetworkBackend;
}

export const DEFAULT_SERVICE_CLUSTER_IP_RANGE = '10.96.0.0/12';
// Docker's default bridge gateway: pods reach it, and nothing outside the host does.
export const DEFAULT_CLUSTER_DNS_BIND = '172.17.0.1:53';
export const DEFAULT_CLUSTER_DOMAIN = 'cluster.local';
export const DEFAULT_LOCK_FILE = '/run/kubets-proxy.lock';
export const DEFAULT_POD_BRIDGE = 'docker0';

/** An IPv4 CIDR with its host bits cleared (`10.96.5.0/12` → `10.96.0.0/12`), as iptables shows it. */
export function normalizeCidr(text: string, what = 'service IP range'): string {
  const cidr = parseIpv4Cidr(text);
  if (!cidr || cidr.bits < 8 || cidr.bits > 30) {
    throw new InvalidProxyOptionError(`invalid ${what} "${text}": expected an IPv4 CIDR between /8 and /30`);
  }
  return formatIpv4Cidr(cidr);
}

/** `host:port`, e.g. `172.17.0.1:53` or `127.0.0.1:0` (any free port). */
export function parseDnsBind(text: string): DnsBind {
  const m = /^([0-9.]+):(\d+)$/.exec(text.trim());
  const port = Number(m?.[2]);
  if (!m || !isIPv4(m[1]!) || port > 65535) throw new InvalidProxyOptionError(`invalid DNS bind address "${text}": expected IPv4:port, e.g. 172.17.0.1:53`);
  return { host: m[1]!, port };
}

interface ProxyOptionsInput {
  nodeIp: string;
  serviceClusterIpRange?: string;
  /** Comma-separated `host:port` list; '' turns the DNS off. */
  clusterDnsBind?: string;
  clusterDomain?: string;
  syncPeriodMs?: number;
  minSyncPeriodMs?: number;
  lockFile?: string;
  podBridge?: string;
  nodeName?: string;
  clusterCidr?: string;
  networkPolicy?: boolean;
  networkBackend?: string;
  vxlanVni?: number;
  vxlanPort?: number;
}

export const NETWORK_BACKENDS: readonly string[] = [HOST_GW_BACKEND, VXLAN_BACKEND];

/** The proxy flags that choose a backend (what `kubets up` and `kubets join` hand their proxies). */
export function networkBackendArgs(backend: NetworkBackend): string[] {
  return backend.type === VXLAN_BACKEND ? ['--network-backend', backend.type, '--vxlan-vni', String(backend.vni), '--vxlan-port', String(backend.port)] : ['--network-backend', backend.type];
}

/** `--network-backend` with `--vxlan-vni` and `--vxlan-port`, checked. */
export function compileNetworkBackend(input: { networkBackend?: string; vxlanVni?: number; vxlanPort?: number }): NetworkBackend {
  const type = input.networkBackend ?? HOST_GW_BACKEND;
  if (type === HOST_GW_BACKEND) return { type };
  if (type !== VXLAN_BACKEND) throw new InvalidProxyOptionError(`invalid network backend "${type}": expected one of ${NETWORK_BACKENDS.join(', ')}`);
  const vni = input.vxlanVni ?? DEFAULT_VXLAN_VNI;
  const port = input.vxlanPort ?? DEFAULT_VXLAN_PORT;
  // VNIs are 24 bits; 0 is left out as flannel does (some switches reserve it).
  if (!Number.isInteger(vni) || vni < 1 || vni > 0xffffff) throw new InvalidProxyOptionError(`invalid VXLAN VNI ${vni}: expected 1 to ${0xffffff}`);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new InvalidProxyOptionError(`invalid VXLAN port ${port}: expected 1 to 65535`);
  return { type, vni, port };
}

/** Validates once and fills in defaults, so nothing below reads flags or the environment. */
export function compileProxyOptions(input: ProxyOptionsInput): ProxyOptions {
  if (!isIPv4(input.nodeIp)) throw new InvalidProxyOptionError(`invalid node IP "${input.nodeIp}": expected an IPv4 address`);
  const dns = input.clusterDnsBind ?? DEFAULT_CLUSTER_DNS_BIND;
  const domain = (input.clusterDomain ?? DEFAULT_CLUSTER_DOMAIN).replace(/\.$/, '').toLowerCase();
  if (!/^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$/.test(domain)) throw new InvalidProxyOptionError(`invalid cluster domain "${input.clusterDomain}"`);
  const minSyncPeriodMs = input.minSyncPeriodMs ?? 1000;
  const syncPeriodMs = input.syncPeriodMs ?? 30_000;
  if (!(minSyncPeriodMs >= 0) || !(syncPeriodMs >= 1000) || minSyncPeriodMs > syncPeriodMs) {
    throw new InvalidProxyOptionError(`invalid sync periods: need 0 <= min (${minSyncPeriodMs} ms) <= period (${syncPeriodMs} ms) and a period of at least 1 s`);
  }
  const podBridge = input.podBridge ?? DEFAULT_POD_BRIDGE;
  // Linux interface names: at most 15 characters, no slashes or whitespace (it becomes a sysfs path).
  if (!/^[A-Za-z0-9_.-]{1,15}$/.test(podBridge) || podBridge === '.' || podBridge === '..') throw new InvalidProxyOptionError(`invalid pod bridge "${podBridge}"`);
  return {
    nodeIp: input.nodeIp,
    serviceClusterIpRange: normalizeCidr(input.serviceClusterIpRange ?? DEFAULT_SERVICE_CLUSTER_IP_RANGE),
    clusterDnsBinds: dns.trim() === '' ? [] : dns.split(',').map(parseDnsBind),
    clusterDomain: domain,
    syncPeriodMs,
    minSyncPeriodMs,
    lockFile: input.lockFile ?? DEFAULT_LOCK_FILE,
    podBridge,
    nodeName: (input.nodeName ?? hostname()).toLowerCase(),
    ...(input.clusterCidr && { clusterCidr: normalizeCidr(input.clusterCidr, 'cluster CIDR') }),
    networkPolicy: input.networkPolicy ?? true,
    networkBackend: compileNetworkBackend(input),
  };
}
