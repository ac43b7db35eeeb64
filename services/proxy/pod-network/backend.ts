import type { Node } from '../../../lib/api/generated/index.js';
import { desiredRoutes, syncRoutes, type IpRunner } from './routes.js';

export const HOST_GW_BACKEND = 'host-gw';

/** How a node reaches the other nodes' pod subnets: host-gw routes, or a VXLAN tunnel. */
export interface RouteBackend {
  /** The UDP port its tunnel packets travel on between node addresses, if it tunnels. */
  readonly tunnelPort?: number;
  /** Makes the host match the nodes; returns the changes made, for the log. */
  sync(nodes: readonly Node[]): Promise<string[]>;
  /** Removes everything it made. */
  cleanup(): Promise<void>;
}

/** flannel's host-gw: a route to every other node's pod subnet through that node's address (nodes share one segment). */
export class HostGwBackend implements RouteBackend {
  constructor(
    private readonly ip: IpRunner,
    private readonly nodeName: string,
    /** Only routes into it are this cluster's (see ROUTE_PROTOCOL). */
    private readonly clusterCidr: string,
  ) {}

  sync(nodes: readonly Node[]): Promise<string[]> {
    return syncRoutes(this.ip, this.clusterCidr, desiredRoutes(nodes, this.nodeName));
  }

  async cleanup(): Promise<void> {
    await syncRoutes(this.ip, this.clusterCidr, []);
  }
}
