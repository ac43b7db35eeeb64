import type { Logger } from 'pino';
import type { Node } from '../../../lib/api/generated/index.js';
import { describeRule } from '../iptables/host-rules.js';
import type { IptablesRunner } from '../iptables/iptables.js';
import { desiredRoutes, syncRoutes, type IpRunner } from './routes.js';
import { ensurePodNetworkRules, removePodNetworkRules } from './rules.js';

export interface PodNetworkAgentOptions {
  /** This node's name: no route to its own subnet. */
  nodeName: string;
  clusterCidr: string;
  ip: IpRunner;
  iptables: IptablesRunner;
  log: Logger;
}

/**
 * The node's share of the pod network (host-gw): a route to every other node's podCIDR through
 * that node's InternalIP, following nodes as they join, change and leave, and the forwarding and
 * masquerading rules that let pod addresses cross nodes unchanged. Level-triggered: each sync
 * makes the host match the nodes it is given, whatever happened before.
 */
export class PodNetworkAgent {
  constructor(private readonly options: PodNetworkAgentOptions) {}

  async sync(nodes: readonly Node[]): Promise<void> {
    const { iptables, clusterCidr, log } = this.options;
    const added = await ensurePodNetworkRules(iptables, clusterCidr);
    if (added.length > 0) log.info({ rules: added.map(describeRule) }, 'pod network rules installed');
    const changes = await syncRoutes(this.options.ip, desiredRoutes(nodes, this.options.nodeName));
    if (changes.length > 0) log.info({ changes }, 'pod routes updated');
  }

  /** Removes every route and rule the agent made (for `kubets proxy --cleanup` and `down`). */
  async cleanup(): Promise<void> {
    await syncRoutes(this.options.ip, []);
    await removePodNetworkRules(this.options.iptables, this.options.clusterCidr);
  }
}
