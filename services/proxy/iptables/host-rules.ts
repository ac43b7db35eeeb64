import { IptablesError, type IptablesRunner, type TableName } from './iptables.js';

/** A rule we keep in a chain we do not own (a built-in chain or Docker's DOCKER-USER). */
export interface HostRule {
  table: TableName;
  chain: string;
  spec: readonly string[];
}

// A rule is deleted at most this many times: duplicates left by an older crash are removed too,
// but a rule that somehow keeps matching cannot loop us forever.
const MAX_DUPLICATES = 16;

export function describeRule(rule: HostRule): string {
  return `-t ${rule.table} ${rule.chain} ${rule.spec.join(' ')}`;
}

export async function ruleExists(ipt: IptablesRunner, rule: HostRule): Promise<boolean> {
  const result = await ipt.iptables(['-t', rule.table, '-C', rule.chain, ...rule.spec]);
  if (result.code === 0) return true;
  // Exit 1 is "no such rule" (or no such chain). A jump to a chain that does not exist cannot
  // be in place either: iptables says so with exit 2.
  if (result.code === 1) return false;
  if (result.code === 2 && /does not exist|No chain\/target\/match by that name/.test(result.stderr)) return false;
  throw new IptablesError(`iptables ${describeRule(rule)} (check)`, result.code, result.stderr);
}

/** Adds the rule at the top (default) or the end of its chain unless it is there; true if it had to be added. */
export async function ensureRule(ipt: IptablesRunner, rule: HostRule, position: 'first' | 'last' = 'first'): Promise<boolean> {
  if (await ruleExists(ipt, rule)) return false;
  const where = position === 'first' ? ['-I', rule.chain, '1'] : ['-A', rule.chain];
  const result = await ipt.iptables(['-t', rule.table, ...where, ...rule.spec]);
  if (result.code !== 0) throw new IptablesError(`iptables ${describeRule(rule)} (add)`, result.code, result.stderr);
  return true;
}

/** Deletes every copy of the rule; absent rules and chains are fine. */
export async function removeRule(ipt: IptablesRunner, rule: HostRule): Promise<void> {
  for (let i = 0; i < MAX_DUPLICATES && (await ruleExists(ipt, rule)); i++) {
    const result = await ipt.iptables(['-t', rule.table, '-D', rule.chain, ...rule.spec]);
    if (result.code !== 0) throw new IptablesError(`iptables ${describeRule(rule)} (delete)`, result.code, result.stderr);
  }
}

export async function chainExists(ipt: IptablesRunner, table: TableName, chain: string): Promise<boolean> {
  const result = await ipt.iptables(['-t', table, '-S', chain, '1']);
  return result.code === 0;
}

export async function ensureChain(ipt: IptablesRunner, table: TableName, chain: string): Promise<boolean> {
  if (await chainExists(ipt, table, chain)) return false;
  const result = await ipt.iptables(['-t', table, '-N', chain]);
  if (result.code !== 0 && !(await chainExists(ipt, table, chain))) {
    throw new IptablesError(`iptables -t ${table} -N ${chain}`, result.code, result.stderr);
  }
  return true;
}

/**
 * Keeps the rule first in its chain: adds it at the top, or moves it there when another rule got
 * above it (Docker re-inserts its own jumps at the top of FORWARD when it restarts). True if it
 * had to be added or moved.
 */
export async function ensureRuleFirst(ipt: IptablesRunner, rule: HostRule): Promise<boolean> {
  const first = await ipt.iptables(['-t', rule.table, '-S', rule.chain, '1']);
  const target = rule.spec.slice(rule.spec.lastIndexOf('-j')).join(' ');
  if (first.code === 0 && first.stdout.split('\n')[0]?.endsWith(target) && (await ruleExists(ipt, rule))) return false;
  await removeRule(ipt, rule);
  return ensureRule(ipt, rule, 'first');
}
