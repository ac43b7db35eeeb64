import type { Logger } from 'pino';
import type { Node } from '../../../lib/api/generated/index.js';
import { podCidrsOf } from '../../../lib/api/node-pod-cidrs.js';
import { formatIpv4Cidr, parseIpv4Cidr } from '../../../lib/net/ipv4.js';
import { BACKEND_DATA_ANNOTATION, BACKEND_TYPE_ANNOTATION, PUBLIC_IP_ANNOTATION } from './annotations.js';
import type { RouteBackend } from './backend.js';
import { internalIp, ownRoutes, ROUTE_PROTOCOL, run, type IpRunner, type PodRoute } from './routes.js';

export const VXLAN_BACKEND = 'vxlan';
export const DEFAULT_VXLAN_VNI = 1;
/** The Linux kernel's own VXLAN port, which flannel uses too (IANA's is 4789). */
export const DEFAULT_VXLAN_PORT = 8472;
/** What encapsulation adds to each packet: outer Ethernet 14, IPv4 20, UDP 8 and VXLAN 8 bytes. */
export const VXLAN_OVERHEAD = 50;

export interface VxlanConfig {
  /** The VXLAN network identifier every node of the cluster uses. */
  vni: number;
  /** The UDP port tunnel packets go to. */
  port: number;
}

/** The tunnel device of a VNI: `kubets.<vni>` (at most 15 characters, as Linux allows). */
export const vxlanDeviceName = (vni: number): string => `kubets.${vni}`;

/** Another node's end of the tunnel, from what its agent published on its Node. */
export interface VxlanPeer {
  podCidr: string;
  /** Its tunnel endpoint's address: the network address of its pod subnet (flannel's choice). */
  vtepIp: string;
  vtepMac: string;
  /** Where its tunnel packets go: its published public IP, else its InternalIP. */
  publicIp: string;
}

/** One `ip` or `bridge` command of a plan. */
export interface NetCommand {
  tool: 'ip' | 'bridge';
  args: string[];
}

export const formatCommand = (c: NetCommand): string => `${c.tool} ${c.args.join(' ')}`;
const ip = (...args: string[]): NetCommand => ({ tool: 'ip', args });
const bridge = (...args: string[]): NetCommand => ({ tool: 'bridge', args });

/** A subnet's network address, the tunnel endpoint of the node that owns it (`10.244.2.0/24` → `10.244.2.0`). */
export function vtepAddress(podCidr: string): string | undefined {
  const cidr = parseIpv4Cidr(podCidr);
  return cidr ? formatIpv4Cidr(cidr).split('/')[0] : undefined;
}

/** What this node publishes for the others. */
export function vxlanAnnotations(config: VxlanConfig, vtepMac: string, publicIp: string): Record<string, string> {
  return {
    [BACKEND_TYPE_ANNOTATION]: VXLAN_BACKEND,
    [BACKEND_DATA_ANNOTATION]: JSON.stringify({ VNI: config.vni, VtepMAC: vtepMac }),
    [PUBLIC_IP_ANNOTATION]: publicIp,
  };
}

function peerOf(node: Node, vni: number): VxlanPeer | undefined {
  const annotations = node.metadata?.annotations ?? {};
  if (annotations[BACKEND_TYPE_ANNOTATION] !== VXLAN_BACKEND) return undefined;
  let data: { VNI?: unknown; VtepMAC?: unknown };
  try {
    data = JSON.parse(annotations[BACKEND_DATA_ANNOTATION] ?? '') as typeof data;
  } catch {
    return undefined;
  }
  if (data.VNI !== vni || typeof data.VtepMAC !== 'string' || !/^([0-9a-f]{2}:){5}[0-9a-f]{2}$/i.test(data.VtepMAC)) return undefined;
  const podCidr = podCidrsOf(node)[0];
  const vtepIp = podCidr && vtepAddress(podCidr);
  const publicIp = annotations[PUBLIC_IP_ANNOTATION] || internalIp(node);
  return podCidr && vtepIp && publicIp ? { podCidr, vtepIp, vtepMac: data.VtepMAC.toLowerCase(), publicIp } : undefined;
}

/** Every other node that runs VXLAN on our VNI and has published its endpoint, in a stable order. */
export function vxlanPeers(nodes: readonly Node[], self: string, vni: number): VxlanPeer[] {
  const peers: VxlanPeer[] = [];
  for (const node of nodes) {
    const peer = node.metadata?.name === self ? undefined : peerOf(node, vni);
    if (peer) peers.push(peer);
  }
  return peers.sort((a, b) => a.podCidr.localeCompare(b.podCidr));
}

/** The tunnel entries the kernel holds now: our routes (any device), and the device's permanent neighbours and forwarding entries. */
export interface VxlanPeerState {
  routes: PodRoute[];
  neighbours: Array<{ dst: string; lladdr: string }>;
  fdb: Array<{ mac: string; dst: string }>;
}

/**
 * What flannel's VXLAN backend does per peer, as commands: a permanent neighbour entry (its
 * endpoint's address → MAC, so no ARP crosses the tunnel), a forwarding entry (that MAC → its
 * public IP) and a route to its pod subnet via its endpoint on the device (onlink: the endpoint is
 * in no subnet of the device). Entries of nodes that left are removed, routes first. Only what
 * differs from the state is in the plan.
 */
export function planPeers(device: string, state: VxlanPeerState, peers: readonly VxlanPeer[]): NetCommand[] {
  const plan: NetCommand[] = [];
  for (const route of state.routes) {
    if (!peers.some((p) => p.podCidr === route.podCidr)) plan.push(ip('route', 'del', route.podCidr, 'proto', ROUTE_PROTOCOL));
  }
  for (const peer of peers) {
    if (!state.neighbours.some((n) => n.dst === peer.vtepIp && n.lladdr === peer.vtepMac)) {
      plan.push(ip('neigh', 'replace', peer.vtepIp, 'lladdr', peer.vtepMac, 'dev', device, 'nud', 'permanent'));
    }
    if (!state.fdb.some((f) => f.mac === peer.vtepMac && f.dst === peer.publicIp)) {
      plan.push(bridge('fdb', 'replace', peer.vtepMac, 'dev', device, 'dst', peer.publicIp, 'self', 'permanent'));
    }
    if (!state.routes.some((r) => r.podCidr === peer.podCidr && r.via === peer.vtepIp && r.dev === device)) {
      plan.push(ip('route', 'replace', peer.podCidr, 'via', peer.vtepIp, 'dev', device, 'onlink', 'proto', ROUTE_PROTOCOL));
    }
  }
  for (const n of state.neighbours) {
    if (!peers.some((p) => p.vtepIp === n.dst)) plan.push(ip('neigh', 'del', n.dst, 'dev', device));
  }
  for (const f of state.fdb) {
    if (!peers.some((p) => p.vtepMac === f.mac)) plan.push(bridge('fdb', 'del', f.mac, 'dev', device, 'dst', f.dst, 'self'));
  }
  return plan;
}

/** The tunnel device as the kernel shows it. */
export interface VxlanLink {
  vni: number;
  port: number;
  local?: string;
  mtu: number;
  mac: string;
  up: boolean;
  /** IPv4 addresses as `ip/prefix`. */
  addresses: string[];
}

export interface VxlanDeviceSpec extends VxlanConfig {
  device: string;
  /** The interface holding the node IP, which carries the tunnel packets. */
  parent: string;
  /** The node IP: tunnel packets leave from it. */
  local: string;
  mtu: number;
  vtepIp: string;
}

/** The commands that make the device match the spec: made anew when its identity (VNI, port, local address) differs, else only adjusted. */
export function planDevice(spec: VxlanDeviceSpec, link: VxlanLink | undefined): NetCommand[] {
  const { device } = spec;
  const plan: NetCommand[] = [];
  let current = link;
  if (current && (current.vni !== spec.vni || current.port !== spec.port || current.local !== spec.local)) {
    plan.push(ip('link', 'del', device));
    current = undefined;
  }
  if (!current) plan.push(ip('link', 'add', device, 'type', 'vxlan', 'id', String(spec.vni), 'dev', spec.parent, 'local', spec.local, 'dstport', String(spec.port), 'nolearning'));
  if (current?.mtu !== spec.mtu) plan.push(ip('link', 'set', device, 'mtu', String(spec.mtu)));
  const address = `${spec.vtepIp}/32`;
  if (!current || current.addresses.length !== 1 || current.addresses[0] !== address) {
    if (current && current.addresses.length > 0) plan.push(ip('addr', 'flush', 'dev', device));
    plan.push(ip('addr', 'add', address, 'dev', device));
  }
  if (!current?.up) plan.push(ip('link', 'set', device, 'up'));
  return plan;
}

interface IpAddrEntry {
  ifname?: string;
  mtu?: number;
  address?: string;
  flags?: string[];
  addr_info?: Array<{ family?: string; local?: string; prefixlen?: number }>;
  linkinfo?: { info_kind?: string; info_data?: { id?: number; port?: number; local?: string } };
}

class VxlanError extends Error {
  override readonly name = 'VxlanError';
}

/** The interface holding the node IP (which carries the tunnel packets) and its MTU. */
export async function interfaceHolding(ipr: IpRunner, nodeIp: string): Promise<{ name: string; mtu: number }> {
  const entries = JSON.parse((await run(ipr, ['-j', '-4', 'addr', 'show'])).trim() || '[]') as IpAddrEntry[];
  const holder = entries.find((e) => e.addr_info?.some((a) => a.local === nodeIp));
  if (!holder?.ifname || !holder.mtu) throw new VxlanError(`no interface holds the node IP ${nodeIp}: the VXLAN device needs one to send its packets from`);
  return { name: holder.ifname, mtu: holder.mtu };
}

export interface VxlanBackendOptions {
  config: VxlanConfig;
  nodeName: string;
  /** This node's address: the tunnel's local end and what it publishes as public IP. */
  nodeIp: string;
  /** The cluster's pod network: only routes into it are this backend's (see ROUTE_PROTOCOL). */
  clusterCidr: string;
  ip: IpRunner;
  /** Writes these annotations onto this node's Node. */
  publish: (annotations: Record<string, string>) => Promise<void>;
  log: Logger;
}

/**
 * flannel's VXLAN backend: one VXLAN device per node (`kubets.<vni>`, MTU 50 below the interface
 * holding the node IP), its endpoint MAC published on the Node, and for every other node a
 * neighbour, a forwarding entry and a route (planPeers). Pod packets between nodes then travel
 * inside UDP between node IPs, so nodes need only reach each other's address, not share a segment.
 */
export class VxlanBackend implements RouteBackend {
  readonly device: string;
  readonly tunnelPort: number;

  constructor(private readonly o: VxlanBackendOptions) {
    this.device = vxlanDeviceName(o.config.vni);
    this.tunnelPort = o.config.port;
  }

  async sync(nodes: readonly Node[]): Promise<string[]> {
    const self = nodes.find((n) => n.metadata?.name === this.o.nodeName);
    const podCidr = self && podCidrsOf(self)[0];
    const vtepIp = podCidr && vtepAddress(podCidr);
    // Without its own subnet the node has no endpoint address yet: the node IPAM controller gives one soon.
    if (!self || !vtepIp) return [];
    const changes: string[] = [];
    const device = await this.ensureDevice(vtepIp, changes);
    const wanted = vxlanAnnotations(this.o.config, device.mac, this.o.nodeIp);
    if (Object.entries(wanted).some(([k, v]) => self.metadata?.annotations?.[k] !== v)) {
      await this.o.publish(wanted);
      changes.push(`published ${JSON.stringify(wanted)}`);
    }
    const plan = planPeers(this.device, await this.peerState(), vxlanPeers(nodes, this.o.nodeName, this.o.config.vni));
    await this.apply(plan);
    return [...changes, ...plan.map(formatCommand)];
  }

  /** Removes the device (with it go its neighbours, forwarding entries and routes) and any route of ours left elsewhere. */
  async cleanup(): Promise<void> {
    if (await this.link()) await run(this.o.ip, ['link', 'del', this.device]);
    for (const route of await ownRoutes(this.o.ip, this.o.clusterCidr)) await run(this.o.ip, ['route', 'del', route.podCidr, 'proto', ROUTE_PROTOCOL]);
  }

  private async apply(plan: readonly NetCommand[]): Promise<void> {
    for (const c of plan) await run(this.o.ip, c.args, c.tool);
  }

  private async ensureDevice(vtepIp: string, changes: string[]): Promise<VxlanLink> {
    const parent = await interfaceHolding(this.o.ip, this.o.nodeIp);
    const spec: VxlanDeviceSpec = { ...this.o.config, device: this.device, parent: parent.name, local: this.o.nodeIp, mtu: parent.mtu - VXLAN_OVERHEAD, vtepIp };
    const plan = planDevice(spec, await this.link());
    if (plan.length === 0) return (await this.link())!;
    await this.apply(plan);
    changes.push(...plan.map(formatCommand));
    const link = await this.link();
    if (!link) throw new VxlanError(`${this.device} is missing right after it was set up`);
    this.o.log.info({ device: this.device, vni: spec.vni, port: spec.port, mtu: spec.mtu, mac: link.mac, vtep: vtepIp }, 'vxlan device ready');
    return link;
  }

  private async link(): Promise<VxlanLink | undefined> {
    const result = await this.o.ip.ip(['-j', '-d', 'addr', 'show', 'dev', this.device]);
    if (result.code !== 0) {
      if (/does not exist|cannot find device/i.test(result.stderr)) return undefined;
      throw new VxlanError(`ip addr show dev ${this.device} failed: ${result.stderr.trim()}`);
    }
    const entry = (JSON.parse(result.stdout.trim() || '[]') as IpAddrEntry[])[0];
    if (!entry) return undefined;
    const info = entry.linkinfo;
    if (info?.info_kind !== 'vxlan') throw new VxlanError(`${this.device} exists but is not a VXLAN device (${info?.info_kind ?? 'unknown kind'}): remove it or choose another --vxlan-vni`);
    return {
      vni: info.info_data?.id ?? -1,
      port: info.info_data?.port ?? -1,
      ...(info.info_data?.local && { local: info.info_data.local }),
      mtu: entry.mtu ?? 0,
      mac: entry.address ?? '',
      up: entry.flags?.includes('UP') ?? false,
      addresses: (entry.addr_info ?? []).filter((a) => a.family === 'inet').map((a) => `${a.local}/${a.prefixlen}`),
    };
  }

  private async peerState(): Promise<VxlanPeerState> {
    const neighbours = JSON.parse((await run(this.o.ip, ['-j', 'neigh', 'show', 'dev', this.device])).trim() || '[]') as Array<{ dst?: string; lladdr?: string; state?: string[] }>;
    const fdb = JSON.parse((await run(this.o.ip, ['-j', 'fdb', 'show', 'dev', this.device], 'bridge')).trim() || '[]') as Array<{ mac?: string; dst?: string }>;
    return {
      routes: await ownRoutes(this.o.ip, this.o.clusterCidr),
      neighbours: neighbours.filter((n) => n.dst && n.lladdr && n.state?.includes('PERMANENT')).map((n) => ({ dst: n.dst!, lladdr: n.lladdr!.toLowerCase() })),
      fdb: fdb.filter((f) => f.mac && f.dst).map((f) => ({ mac: f.mac!.toLowerCase(), dst: f.dst! })),
    };
  }
}
