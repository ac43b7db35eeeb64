import type { Logger } from 'pino';
import type { Node } from '../../../lib/api/generated/index.js';
import { describeRule } from '../iptables/host-rules.js';
import type { IptablesRunner } from '../iptables/iptables.js';
import type { RouteBackend } from './backend.js';
import { ensurePodNetworkRules, removePodNetworkRules } from './rules.js';

export interface PodNetworkAgentOptions {
  clusterCidr: string;
  /** host-gw routes or a VXLAN tunnel to the other nodes' pod subnets. */
  backend: RouteBackend;
  iptables: IptablesRunner;
  log: Logger;
}

/**
 * The node's share of the pod network: its backend's way to every other node's podCIDR, following
 * nodes as they join, change and leave, and the forwarding and masquerading rules that let pod
 * addresses cross nodes unchanged. Level-triggered: each sync makes the host match the nodes it is
 * given, whatever happened before.
 */
export class PodNetworkAgent {
  constructor(private readonly options: PodNetworkAgentOptions) {}

  async sync(nodes: readonly Node[]): Promise<void> {
    const { iptables, clusterCidr, log } = this.options;
    const added = await ensurePodNetworkRules(iptables, clusterCidr, this.options.backend.tunnelPort);
    if (added.length > 0) log.info({ rules: added.map(describeRule) }, 'pod network rules installed');
    const changes = await this.options.backend.sync(nodes);
    if (changes.length > 0) log.info({ changes }, 'pod routes updated');
  }

  /** Removes every route, device and rule the agent made (for `kubets proxy --cleanup` and `down`). */
  async cleanup(): Promise<void> {
    await this.options.backend.cleanup();
    await removePodNetworkRules(this.options.iptables, this.options.clusterCidr, this.options.backend.tunnelPort);
  }
}
