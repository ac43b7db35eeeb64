import { hashed } from '../iptables/chain-names.js';
import type { AllowRule, IsolatedPod, PortMatch } from './policy-model.js';

// The filter-table rules that enforce NetworkPolicies on one node, as one iptables-restore input.
// Every forwarded packet of a new connection passes POLICY_CHAIN: a packet from an isolated
// local pod goes through that pod's egress chain, a packet to one through its ingress chain. A
// pod chain RETURNs what a policy allows and DROPs the rest, so a connection between two isolated
// pods must be allowed by both (the sender's egress and the receiver's ingress), as Kubernetes
// specifies. An ipBlock with exceptions needs a chain of its own: it RETURNs excepted addresses
// and marks the rest, and the pod chain returns marked packets.

export const POLICY_CHAIN = 'KUBE-NWPLCY';
const POD_CHAIN_PREFIX = 'KUBE-NWP-';
const ALLOWED_MARK = '0x20000';

/** Chains this renderer owns (the entry chain and every per-pod or per-block chain). */
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

interface RenderedChain {
  name: string;
  rules: string[];
}

function podChain(pod: IsolatedPod, direction: 'ingress' | 'egress', allowed: readonly AllowRule[]): RenderedChain[] {
  const name = hashed(`${POD_CHAIN_PREFIX}${direction === 'ingress' ? 'I' : 'E'}-`, `${pod.namespace}/${pod.name}`);
  // Ingress rules match the packet's source, egress rules its destination.
  const peerFlag = direction === 'ingress' ? '-s' : '-d';
  const chains: RenderedChain[] = [];
  const rules: string[] = [];
  allowed.forEach((rule, i) => {
    const ports = portMatch(rule.port);
    if (!rule.peer || rule.peer.except.length === 0) {
      rules.push(`-A ${name}${rule.peer ? ` ${peerFlag} ${rule.peer.cidr}` : ''}${ports} -j RETURN`);
      return;
    }
    const block = hashed(`${POD_CHAIN_PREFIX}B-`, `${name}/${i}`);
    chains.push({
      name: block,
      rules: [
        ...rule.peer.except.map((except) => `-A ${block} ${peerFlag} ${except} -j RETURN`),
        `-A ${block} ${peerFlag} ${rule.peer.cidr} -j MARK --set-xmark ${ALLOWED_MARK}/${ALLOWED_MARK}`,
      ],
    });
    rules.push(`-A ${name} -j MARK --set-xmark 0x0/${ALLOWED_MARK}`, `-A ${name}${ports} -j ${block}`, `-A ${name} -m mark --mark ${ALLOWED_MARK}/${ALLOWED_MARK} -j RETURN`);
  });
  rules.push(`-A ${name} -m comment --comment "${pod.namespace}/${pod.name} ${direction} not allowed by any network policy" -j DROP`);
  return [{ name, rules }, ...chains];
}

/**
 * The whole policy ruleset: our chains declared (which flushes them), filled, and the chains of
 * pods no longer isolated deleted, in one transaction.
 */
export function renderPolicyRules(pods: readonly IsolatedPod[], existingFilterChains: readonly string[]): string {
  const entry: string[] = [`-A ${POLICY_CHAIN} -m conntrack --ctstate RELATED,ESTABLISHED -j RETURN`];
  const chains: RenderedChain[] = [];
  for (const pod of pods) {
    for (const direction of ['egress', 'ingress'] as const) {
      const allowed = pod[direction];
      if (!allowed) continue;
      const rendered = podChain(pod, direction, allowed);
      entry.push(`-A ${POLICY_CHAIN} ${direction === 'ingress' ? '-d' : '-s'} ${pod.ip}/32 -j ${rendered[0]!.name}`);
      chains.push(...rendered);
    }
  }
  const names = new Set([POLICY_CHAIN, ...chains.map((c) => c.name)]);
  const stale = existingFilterChains.filter((c) => isPolicyChain(c) && !names.has(c));
  return [
    '*filter',
    ...[...names].map((c) => `:${c} - [0:0]`),
    ...stale.map((c) => `:${c} - [0:0]`),
    ...entry,
    ...chains.flatMap((c) => c.rules),
    ...stale.map((c) => `-X ${c}`),
    'COMMIT',
    '',
  ].join('\n');
}
