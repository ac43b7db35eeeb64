import type { Logger } from 'pino';
import { HostGwBackend, HOST_GW_BACKEND, type RouteBackend } from './backend.js';
import type { IpRunner } from './routes.js';
import { VxlanBackend, VXLAN_BACKEND, type VxlanConfig } from './vxlan.js';

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
