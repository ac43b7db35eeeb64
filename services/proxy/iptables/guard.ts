import type { IptablesRunner } from './iptables.js';
import { chainExists, describeRule, ensureChain, ensureRule, removeRule, ruleExists, type HostRule } from './host-rules.js';

/** Docker jumps here first from FORWARD and re-inserts that jump whenever it starts. */
export const DOCKER_USER_CHAIN = 'DOCKER-USER';

export const GUARD_COMMENT = 'kubets: reject service IPs without a proxy rule';

class GuardError extends Error {
  override readonly name = 'GuardError';
}

/**
 * README, network safety (service VIPs): traffic to a service IP that no DNAT rule rewrote would follow the
 * default route off the machine. nat DNAT runs before the filter table, so these REJECTs see
 * only VIPs we do not forward: known VIPs have already been rewritten to a pod address.
 * OUTPUT covers the host's own connections, FORWARD and DOCKER-USER those from containers
 * (DOCKER-USER because Docker puts its own ACCEPT rules at the top of FORWARD).
 */
export function guardRules(serviceCidr: string): HostRule[] {
  const spec = ['-d', serviceCidr, '-m', 'comment', '--comment', GUARD_COMMENT, '-j', 'REJECT', '--reject-with', 'icmp-port-unreachable'];
  return ['OUTPUT', 'FORWARD', DOCKER_USER_CHAIN].map((chain) => ({ table: 'filter', chain, spec }));
}

/**
 * Makes sure every guard rule is in place, inserting what is missing at the top of its chain
 * (creating DOCKER-USER when Docker has not), then checks again: the caller writes forwarding
 * rules only after this resolves. Returns the rules that were missing.
 */
export async function ensureGuard(ipt: IptablesRunner, serviceCidr: string): Promise<HostRule[]> {
  const inserted: HostRule[] = [];
  await ensureChain(ipt, 'filter', DOCKER_USER_CHAIN);
  for (const rule of guardRules(serviceCidr)) {
    if (await ensureRule(ipt, rule)) inserted.push(rule);
  }
  for (const rule of guardRules(serviceCidr)) {
    if (!(await ruleExists(ipt, rule))) throw new GuardError(`the service range guard rule is missing after inserting it: iptables ${describeRule(rule)}`);
  }
  return inserted;
}

/** Removes the guard; DOCKER-USER goes too if it is left empty and nothing jumps to it (we made it). */
export async function removeGuard(ipt: IptablesRunner, serviceCidr: string): Promise<void> {
  for (const rule of guardRules(serviceCidr)) await removeRule(ipt, rule);
  if (!(await chainExists(ipt, 'filter', DOCKER_USER_CHAIN))) return;
  const listing = await ipt.iptables(['-t', 'filter', '-S', DOCKER_USER_CHAIN]);
  const rules = listing.stdout.split('\n').filter((l) => l.startsWith('-A '));
  if (rules.length > 0) return;
  // -X fails while a rule still jumps to the chain (Docker's), which is what we want.
  await ipt.iptables(['-t', 'filter', '-X', DOCKER_USER_CHAIN]);
}
