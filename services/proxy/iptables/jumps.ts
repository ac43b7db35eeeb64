import { FILTER_EXTERNAL_SERVICES, FILTER_FIREWALL, FILTER_FORWARD, FILTER_SERVICES, NAT_POSTROUTING, NAT_SERVICES, OWN_FILTER_CHAINS, OWN_NAT_CHAINS } from './chain-names.js';
import { ensureChain, ensureRule, removeRule, type HostRule } from './host-rules.js';
import type { IptablesRunner } from './iptables.js';

const comment = (text: string): string[] => ['-m', 'comment', '--comment', text];
const newConnections = ['-m', 'conntrack', '--ctstate', 'NEW'];

interface JumpRule extends HostRule {
  position: 'first' | 'last';
}

/**
 * The rules in built-in chains that send traffic into our chains, as kube-proxy lays them out.
 * The jumps into chains that only REJECT go first; the one into KUBE-FORWARD, which ACCEPTs,
 * goes last so that the service range guard at the top of FORWARD always sees a packet first.
 */
const JUMP_RULES: readonly JumpRule[] = [
  { table: 'nat', chain: 'PREROUTING', position: 'first', spec: [...comment('kubernetes service portals'), '-j', NAT_SERVICES] },
  { table: 'nat', chain: 'OUTPUT', position: 'first', spec: [...comment('kubernetes service portals'), '-j', NAT_SERVICES] },
  { table: 'nat', chain: 'POSTROUTING', position: 'first', spec: [...comment('kubernetes postrouting rules'), '-j', NAT_POSTROUTING] },
  {
    table: 'filter',
    chain: 'INPUT',
    position: 'first',
    spec: [...newConnections, ...comment('kubernetes externally-visible service portals'), '-j', FILTER_EXTERNAL_SERVICES],
  },
  {
    table: 'filter',
    chain: 'FORWARD',
    position: 'first',
    spec: [...newConnections, ...comment('kubernetes externally-visible service portals'), '-j', FILTER_EXTERNAL_SERVICES],
  },
  { table: 'filter', chain: 'FORWARD', position: 'first', spec: [...newConnections, ...comment('kubernetes service portals'), '-j', FILTER_SERVICES] },
  { table: 'filter', chain: 'OUTPUT', position: 'first', spec: [...newConnections, ...comment('kubernetes service portals'), '-j', FILTER_SERVICES] },
  { table: 'filter', chain: 'FORWARD', position: 'last', spec: [...comment('kubernetes forwarding rules'), '-j', FILTER_FORWARD] },
  { table: 'filter', chain: 'INPUT', position: 'first', spec: ['-j', FILTER_FIREWALL] },
  { table: 'filter', chain: 'OUTPUT', position: 'first', spec: ['-j', FILTER_FIREWALL] },
];

/** Creates our fixed chains if needed, then the jumps into them. */
export async function ensureJumps(ipt: IptablesRunner): Promise<void> {
  for (const chain of OWN_NAT_CHAINS) await ensureChain(ipt, 'nat', chain);
  for (const chain of OWN_FILTER_CHAINS) await ensureChain(ipt, 'filter', chain);
  for (const rule of JUMP_RULES) await ensureRule(ipt, rule, rule.position);
}

export async function removeJumps(ipt: IptablesRunner): Promise<void> {
  for (const rule of JUMP_RULES) await removeRule(ipt, rule);
}
