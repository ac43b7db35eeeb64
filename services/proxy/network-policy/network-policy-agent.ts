import type { Logger } from 'pino';
import { DOCKER_USER_CHAIN } from '../iptables/guard.js';
import { describeRule, ensureChain, ensureRuleFirst, removeRule, type HostRule } from '../iptables/host-rules.js';
import { chainsIn, type IptablesRunner } from '../iptables/iptables.js';
import { isolatedPods, type PolicyInputs } from './policy-model.js';
import { isPolicyChain, POLICY_CHAIN, renderPolicyRules } from './render-policy-rules.js';

const JUMP_SPEC = ['-m', 'comment', '--comment', 'kubets: network policies', '-j', POLICY_CHAIN];

/**
 * The jumps into the policy chain, first in FORWARD (traffic between pods, on this node's bridge
 * or routed from other nodes) and first in DOCKER-USER, which Docker evaluates before its own
 * rules and where the pod network's ACCEPT rules live: a policy is checked before anything can
 * accept the packet. Traffic to the node itself (its DNS, its ports) is not forwarded and so not
 * subject to policies.
 */
const JUMPS: readonly HostRule[] = [
  { table: 'filter', chain: 'FORWARD', spec: JUMP_SPEC },
  { table: 'filter', chain: DOCKER_USER_CHAIN, spec: JUMP_SPEC },
];

export interface NetworkPolicyAgentOptions {
  nodeName: string;
  iptables: IptablesRunner;
  log: Logger;
  /**
   * A sync whose isolated pods are what the last written ruleset was made from is skipped unless
   * that write started this long ago (the proxy's sync period, when everything is written again to
   * repair what others changed). Without it every sync writes. Pods come and go all the time and
   * each change asks for a sync; with few or no policies almost none changes the ruleset, yet each
   * write is an iptables-save, an iptables-restore and a check of each jump.
   */
  rewriteUnchangedAfterMs?: number;
  clock?: () => number;
}

/**
 * Enforces NetworkPolicies for the pods of one node with iptables. Level-triggered: each sync
 * rewrites the whole policy ruleset from the policies, pods and namespaces it is given.
 */
export class NetworkPolicyAgent {
  /** What the last successful write was made from, and when it started. */
  #written: { pods: string; at: number } | undefined;

  constructor(private readonly options: NetworkPolicyAgentOptions) {}

  async sync(inputs: Omit<PolicyInputs, 'nodeName'>): Promise<{ isolatedPods: number }> {
    const { iptables, nodeName, log, rewriteUnchangedAfterMs } = this.options;
    const pods = isolatedPods({ ...inputs, nodeName });
    const model = JSON.stringify(pods);
    const now = (this.options.clock ?? Date.now)();
    const written = this.#written;
    if (rewriteUnchangedAfterMs !== undefined && written?.pods === model && now - written.at < rewriteUnchangedAfterMs) return { isolatedPods: pods.length };
    this.#written = undefined;
    await iptables.restore(renderPolicyRules(pods, chainsIn(await iptables.save('filter'))));
    await ensureChain(iptables, 'filter', DOCKER_USER_CHAIN);
    for (const jump of JUMPS) {
      if (await ensureRuleFirst(iptables, jump)) log.info({ rule: describeRule(jump) }, 'network policy jump installed');
    }
    this.#written = { pods: model, at: now };
    return { isolatedPods: pods.length };
  }

  /** Removes the jumps, then every policy chain. */
  async cleanup(): Promise<void> {
    const { iptables } = this.options;
    for (const jump of JUMPS) await removeRule(iptables, jump);
    const chains = chainsIn(await iptables.save('filter')).filter(isPolicyChain);
    if (chains.length === 0) return;
    await iptables.restore(['*filter', ...chains.map((c) => `:${c} - [0:0]`), ...chains.map((c) => `-X ${c}`), 'COMMIT', ''].join('\n'));
  }
}
