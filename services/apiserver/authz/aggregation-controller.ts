import type { Logger } from 'pino';
import { isApiError } from '../../../lib/api/errors.js';
import type { ClusterRole, PolicyRule } from '../../../lib/api/generated/index.js';
import { resourceByField } from '../../../lib/api/resources.js';
import { selectorFromLabelSelector } from '../../../lib/labels/selector.js';
import { compareStrings } from '../../../lib/printers/order.js';
import type { Registry } from '../registry/registry.js';
import type { WatchCache } from '../watch/index.js';

const ALL = { namespace: '', label: undefined, fields: [] };
/** Changes that arrive together (a bootstrap pass, an apply of many roles) are folded into one sync. */
const SYNC_DELAY_MS = 50;
const RETRY_DELAY_MS = 1_000;

/**
 * The rules an aggregated role should hold: those of every other role its selectors match, each
 * once, in the byte order of their names, as Kubernetes sorts them (and without the locale's
 * collation, whose data cost a process about 2 MB of memory once touched).
 */
export function aggregatedRules(role: ClusterRole, all: readonly ClusterRole[]): PolicyRule[] {
  const selectors = (role.aggregationRule?.clusterRoleSelectors ?? []).map((s) => selectorFromLabelSelector(s));
  const rules: PolicyRule[] = [];
  const seen = new Set<string>();
  const sources = all
    .filter((other) => other.metadata?.name !== role.metadata?.name && selectors.some((s) => s.matches(other.metadata?.labels ?? {})))
    .sort((a, b) => compareStrings(a.metadata?.name ?? '', b.metadata?.name ?? ''));
  for (const source of sources) {
    for (const rule of source.rules ?? []) {
      const key = JSON.stringify(rule);
      if (seen.has(key)) continue;
      seen.add(key);
      rules.push(rule);
    }
  }
  return rules;
}

/**
 * Kubernetes' clusterrole-aggregation controller, in the apiserver: each ClusterRole with an
 * aggregationRule holds the union of the rules of the ClusterRoles its selectors match. Level-
 * triggered: any ClusterRole change re-reads all of them from the watch cache and writes each
 * aggregated role whose rules differ, so chains (view into edit into admin) settle pass by pass.
 */
export class ClusterRoleAggregator {
  private readonly abort = new AbortController();
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;

  constructor(
    private readonly opts: { registry: Registry; clusterRoles: WatchCache; log: Logger },
  ) {}

  start(): void {
    this.running = this.follow();
  }

  async stop(): Promise<void> {
    this.abort.abort();
    clearTimeout(this.timer);
    await this.running;
  }

  private async follow(): Promise<void> {
    const { signal } = this.abort;
    while (!signal.aborted) {
      try {
        for await (const ev of this.opts.clusterRoles.watch(ALL, { resourceVersion: 0, bookmarks: false, signal })) {
          if (ev.type !== 'BOOKMARK') this.schedule(SYNC_DELAY_MS);
        }
      } catch (err) {
        if (!signal.aborted) this.opts.log.warn({ err: (err as Error).message }, 'cluster role watch ended; starting over');
      }
      if (!signal.aborted) await new Promise((resolve) => setTimeout(resolve, RETRY_DELAY_MS));
    }
  }

  private schedule(delayMs: number): void {
    if (this.timer || this.abort.signal.aborted) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.sync().catch((err: unknown) => {
        this.opts.log.warn({ err: (err as Error).message }, 'cluster role aggregation failed; retrying');
        this.schedule(RETRY_DELAY_MS);
      });
    }, delayMs);
  }

  private async sync(): Promise<void> {
    const info = resourceByField('clusterRole');
    const all = this.opts.clusterRoles.list(ALL).items as ClusterRole[];
    for (const role of all) {
      if (!role.aggregationRule) continue;
      const rules = aggregatedRules(role, all);
      if (JSON.stringify(rules) === JSON.stringify(role.rules ?? [])) continue;
      const name = role.metadata?.name ?? '';
      try {
        // Against the stored object: the cache may lag, and a stale write would be refused anyway.
        await this.opts.registry.modify(info, '', name, (current) => {
          const stored = current as ClusterRole;
          return { ...stored, rules: aggregatedRules(stored, all) };
        });
        this.opts.log.info({ clusterRole: name, rules: rules.length }, 'aggregated cluster role');
      } catch (err) {
        if (!isApiError(err, 'NotFound')) throw err;
      }
    }
  }
}
