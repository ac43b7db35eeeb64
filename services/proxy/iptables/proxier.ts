import type { Logger } from 'pino';
import { countRules, type RuleCounts } from '../metrics.js';
import type { ServicePortInfo } from '../service-ports.js';
import { describeRule } from './host-rules.js';
import { ensureGuard, removeGuard } from './guard.js';
import { chainsIn, type IptablesRunner } from './iptables.js';
import { ensureJumps, removeJumps } from './jumps.js';
import { renderCleanup, renderRules, type ExistingChains } from './render-rules.js';

interface ProxierOptions {
  runner: IptablesRunner;
  /** The whole ClusterIP range (`--service-cluster-ip-range`), guarded by REJECT rules. */
  serviceCidr: string;
  /** Local addresses that answer on node ports. */
  nodePortAddresses: string[];
  log: Logger;
}

/** kube-proxy's iptables mode: the whole ruleset rewritten on every sync, in one iptables-restore. */
export class IptablesProxier {
  constructor(private readonly options: ProxierOptions) {}

  /**
   * Converges the host's rules on these service ports. The service range guard is checked (and
   * restored if Docker or anyone removed it) before anything that forwards is written. Returns the
   * rules it wrote per table.
   */
  async sync(ports: readonly ServicePortInfo[]): Promise<RuleCounts> {
    const { runner, serviceCidr, nodePortAddresses, log } = this.options;
    const reinserted = await ensureGuard(runner, serviceCidr);
    for (const rule of reinserted) log.warn({ rule: describeRule(rule) }, 'service range guard rule was missing; inserted it');
    await ensureJumps(runner);
    const rules = renderRules(ports, { nodePortAddresses }, await this.existingChains());
    await runner.restore(rules);
    return countRules(rules);
  }

  /** Removes every rule and chain we add: jumps first, so nothing enters a chain as it goes, the guard last. */
  async cleanup(): Promise<void> {
    const { runner, serviceCidr } = this.options;
    await removeJumps(runner);
    await runner.restore(renderCleanup(await this.existingChains()));
    await removeGuard(runner, serviceCidr);
  }

  private async existingChains(): Promise<ExistingChains> {
    const [nat, filter] = await Promise.all([this.options.runner.save('nat'), this.options.runner.save('filter')]);
    return { nat: chainsIn(nat), filter: chainsIn(filter) };
  }
}
