import { hashed } from '../iptables/chain-names.js';
import type { AllowRule, IsolatedPod, PeerMatch, PortMatch } from './policy-model.js';

// The filter-table rules that enforce NetworkPolicies on one node, as one iptables-restore input.
// Every forwarded packet of a new connection passes POLICY_CHAIN: a packet from an isolated
// local pod goes through that pod's egress chain, a packet to one through its ingress chain. A
// pod chain RETURNs what a policy allows and DROPs the rest, so a connection between two isolated
// pods must be allowed by both (the sender's egress and the receiver's ingress), as Kubernetes
// specifies.
//
// A rule with one plain network matches it in place. A rule with several peers (the pods a
// selector names) jumps to a peer-set chain that marks the packet when one of them matches; the
// pod chain returns marked packets. Equal sets share one chain, so a selector used by many
// policies costs its pods' rules once, not once per policy (what ipsets give other network
// plugins). A network with exceptions gets a chain that RETURNs the exceptions before marking.

export const POLICY_CHAIN = 'KUBE-NWPLCY';
const POD_CHAIN_PREFIX = 'KUBE-NWP-';
const ALLOWED_MARK = '0x20000';
const MARK_ALLOWED = `-j MARK --set-xmark ${ALLOWED_MARK}/${ALLOWED_MARK}`;

type Direction = 'ingress' | 'egress';

/** Chains this renderer owns (the entry chain and every per-pod, peer-set or block chain). */
export function isPolicyChain(chain: string): boolean {
  return chain === POLICY_CHAIN || chain.startsWith(POD_CHAIN_PREFIX);
}

function portMatch(port: PortMatch | undefined): string {
  if (!port) return '';
  const match = ` -p ${port.protocol}`;
  if (port.port === undefined) return match;
  const range = port.endPort !== undefined && port.endPort !== port.port ? `${port.port}:${port.endPort}` : String(port.port);
  return `${match} -m ${port.protocol} --dport ${range}`;
}

/** Ingress rules match a packet's source, egress rules its destination. */
const peerFlag = (direction: Direction): string => (direction === 'ingress' ? '-s' : '-d');

/** Chains by name, each rendered once however many pods use it. */
class ChainSet {
  readonly chains = new Map<string, string[]>();

  add(name: string, rules: () => string[]): string {
    if (!this.chains.has(name)) this.chains.set(name, rules());
    return name;
  }

  /** A chain that marks packets matching one network outside its exceptions. */
  block(direction: Direction, peer: PeerMatch): string {
    const name = hashed(`${POD_CHAIN_PREFIX}B-`, `${direction} ${peer.cidr} ${peer.except.join(',')}`);
    const flag = peerFlag(direction);
    return this.add(name, () => [...peer.except.map((except) => `-A ${name} ${flag} ${except} -j RETURN`), `-A ${name} ${flag} ${peer.cidr} ${MARK_ALLOWED}`]);
  }

  /** A chain that marks packets matching any of the peers. */
  peerSet(direction: Direction, peers: readonly PeerMatch[]): string {
    const name = hashed(`${POD_CHAIN_PREFIX}P-`, `${direction} ${peers.map((p) => `${p.cidr} ${p.except.join(',')}`).join(';')}`);
    const flag = peerFlag(direction);
    return this.add(name, () => peers.map((peer) => (peer.except.length === 0 ? `-A ${name} ${flag} ${peer.cidr} ${MARK_ALLOWED}` : `-A ${name} -j ${this.block(direction, peer)}`)));
  }
}

function podChain(pod: IsolatedPod, direction: Direction, allowed: readonly AllowRule[], chains: ChainSet): string {
  const name = hashed(`${POD_CHAIN_PREFIX}${direction === 'ingress' ? 'I' : 'E'}-`, `${pod.namespace}/${pod.name}`);
  const rules: string[] = [];
  let marks = false;
  for (const rule of allowed) {
    const ports = portMatch(rule.port);
    const [only, ...more] = rule.peers ?? [];
    if (!only) rules.push(`-A ${name}${ports} -j RETURN`);
    else if (more.length === 0 && only.except.length === 0) rules.push(`-A ${name} ${peerFlag(direction)} ${only.cidr}${ports} -j RETURN`);
    else {
      marks = true;
      rules.push(`-A ${name}${ports} -j ${chains.peerSet(direction, rule.peers!)}`, `-A ${name} -m mark --mark ${ALLOWED_MARK}/${ALLOWED_MARK} -j RETURN`);
    }
  }
  // The mark may be left from the other direction's chain: start unmarked.
  if (marks) rules.unshift(`-A ${name} -j MARK --set-xmark 0x0/${ALLOWED_MARK}`);
  rules.push(`-A ${name} -m comment --comment "${pod.namespace}/${pod.name} ${direction} not allowed by any network policy" -j DROP`);
  chains.add(name, () => rules);
  return name;
}

/**
 * The whole policy ruleset: our chains declared (which flushes them), filled, and the chains no
 * longer needed deleted, in one transaction.
 */
export function renderPolicyRules(pods: readonly IsolatedPod[], existingFilterChains: readonly string[]): string {
  const entry: string[] = [`-A ${POLICY_CHAIN} -m conntrack --ctstate RELATED,ESTABLISHED -j RETURN`];
  const chains = new ChainSet();
  for (const pod of pods) {
    for (const direction of ['egress', 'ingress'] as const) {
      const allowed = pod[direction];
      if (allowed) entry.push(`-A ${POLICY_CHAIN} ${direction === 'ingress' ? '-d' : '-s'} ${pod.ip}/32 -j ${podChain(pod, direction, allowed, chains)}`);
    }
  }
  const names = new Set([POLICY_CHAIN, ...chains.chains.keys()]);
  const stale = existingFilterChains.filter((c) => isPolicyChain(c) && !names.has(c));
  return [
    '*filter',
    ...[...names, ...stale].map((c) => `:${c} - [0:0]`),
    ...entry,
    ...[...chains.chains.values()].flat(),
    ...stale.map((c) => `-X ${c}`),
    'COMMIT',
    '',
  ].join('\n');
}
