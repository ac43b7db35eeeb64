import type { Logger } from 'pino';
import { HostGwBackend, HOST_GW_BACKEND, type RouteBackend } from './backend.js';
import { execIp, type IpRunner } from './routes.js';
import { interfaceHolding, VxlanBackend, VXLAN_BACKEND, VXLAN_OVERHEAD, type VxlanConfig } from './vxlan.js';

/** `--network-backend` and its settings. */
export type NetworkBackend = { type: typeof HOST_GW_BACKEND } | ({ type: typeof VXLAN_BACKEND } & VxlanConfig);

export interface RouteBackendHost {
  nodeName: string;
  nodeIp: string;
  /** The cluster's pod network: the backend touches only routes into it. */
  clusterCidr: string;
  ip: IpRunner;
  /** Writes annotations onto this node's Node (what VXLAN publishes for the other nodes). */
  publish: (annotations: Record<string, string>) => Promise<void>;
  log: Logger;
}

export function routeBackendFor(backend: NetworkBackend, host: RouteBackendHost): RouteBackend {
  return backend.type === VXLAN_BACKEND ? new VxlanBackend({ ...host, config: { vni: backend.vni, port: backend.port } }) : new HostGwBackend(host.ip, host.nodeName, host.clusterCidr);
}

/**
 * The MTU pods of a node should get (the kubelet's --network-plugin-mtu), as flannel hands its
 * plugin: with VXLAN, the interface of the node IP's less the encapsulation, the VXLAN device's
 * own MTU, so a full-size pod packet still fits once wrapped; with host-gw packets go unwrapped,
 * and the engine's default stays (undefined).
 */
export async function podMtuFor(backend: NetworkBackend, nodeIp: string, ip: IpRunner = execIp): Promise<number | undefined> {
  return backend.type === VXLAN_BACKEND ? (await interfaceHolding(ip, nodeIp)).mtu - VXLAN_OVERHEAD : undefined;
}
