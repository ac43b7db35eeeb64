import { DOCKER_USER_CHAIN } from '../iptables/guard.js';
import { ensureChain, ensureRule, removeRule, type HostRule } from '../iptables/host-rules.js';
import type { IptablesRunner } from '../iptables/iptables.js';

const POD_NETWORK_COMMENT = 'kubets: pod network';

/**
 * What host-gw routing needs of the filter and nat tables, as flannel installs it: traffic from
 * and to the cluster CIDR is forwarded (Docker's FORWARD policy drops new connections into a
 * bridge, so a pod on another node could not reach ours), and pod traffic leaving the cluster CIDR
 * is masqueraded while pod-to-pod traffic keeps its source address. The service range guard is
 * not affected: service IPs are outside the cluster CIDR, and DNAT has already turned known ones
 * into pod addresses by the time the filter table sees them. With a tunnel (VXLAN), its UDP
 * packets between node addresses are forwarded too: nodes behind one Linux bridge of this host
 * (with bridge-nf-call-iptables on) would otherwise meet Docker's dropping FORWARD policy.
 */
function podNetworkRules(clusterCidr: string, tunnelPort: number | undefined): HostRule[] {
  const comment = ['-m', 'comment', '--comment', POD_NETWORK_COMMENT];
  const tunnel = (chain: string): HostRule[] =>
    tunnelPort === undefined ? [] : [{ table: 'filter', chain, spec: ['-p', 'udp', '--dport', String(tunnelPort), ...comment, '-j', 'ACCEPT'] }];
  const forward = (chain: string): HostRule[] => [
    { table: 'filter', chain, spec: ['-s', clusterCidr, ...comment, '-j', 'ACCEPT'] },
    { table: 'filter', chain, spec: ['-d', clusterCidr, ...comment, '-j', 'ACCEPT'] },
    ...tunnel(chain),
  ];
  return [
    ...forward('FORWARD'),
    ...forward(DOCKER_USER_CHAIN),
    { table: 'nat', chain: 'POSTROUTING', spec: ['-s', clusterCidr, '!', '-d', clusterCidr, ...comment, '-j', 'MASQUERADE'] },
  ];
}

/** Puts every pod network rule in place (Docker may have rebuilt its chains); returns those that were missing. */
export async function ensurePodNetworkRules(ipt: IptablesRunner, clusterCidr: string, tunnelPort?: number): Promise<HostRule[]> {
  await ensureChain(ipt, 'filter', DOCKER_USER_CHAIN);
  const added: HostRule[] = [];
  for (const rule of podNetworkRules(clusterCidr, tunnelPort)) {
    if (await ensureRule(ipt, rule)) added.push(rule);
  }
  return added;
}

export async function removePodNetworkRules(ipt: IptablesRunner, clusterCidr: string, tunnelPort?: number): Promise<void> {
  for (const rule of podNetworkRules(clusterCidr, tunnelPort)) await removeRule(ipt, rule);
}
