import type { LimitRange, ResourceQuota } from '../../../lib/api/generated/index.js';
import { compareStrings } from '../../../lib/printers/order.js';
import { DescribeWriter } from './writer.js';

const SCOPE_HELP: Record<string, string> = {
  Terminating: 'Matches all pods that have an active deadline. These pods have a limited lifespan on a node before being actively terminated by the system.',
  NotTerminating: 'Matches all pods that do not have an active deadline. These pods usually include long running pods whose container command is not expected to terminate.',
  BestEffort: 'Matches all pods that do not have resource requirements set. These pods have a best effort quality of service.',
  NotBestEffort: 'Matches all pods that have at least one resource requirement set. These pods have a burstable or guaranteed quality of service.',
};

const sortedKeys = (...maps: (object | undefined)[]): string[] => [...new Set(maps.flatMap((m) => Object.keys(m ?? {})))].sort(compareStrings);

/** `kubectl describe quota`: its scopes explained, then used against hard per resource of status.hard. */
export function describeResourceQuota(quota: ResourceQuota): string {
  const w = new DescribeWriter();
  w.write(0, `Name:\t${quota.metadata?.name ?? ''}\n`);
  w.write(0, `Namespace:\t${quota.metadata?.namespace ?? ''}\n`);
  const scopes = [...(quota.spec?.scopes ?? [])].sort(compareStrings);
  if (scopes.length > 0) {
    w.write(0, `Scopes:\t${scopes.join(', ')}\n`);
    for (const scope of scopes) if (SCOPE_HELP[scope]) w.write(0, ` * ${SCOPE_HELP[scope]}\n`);
  }
  w.write(0, 'Resource\tUsed\tHard\n');
  w.write(0, '--------\t----\t----\n');
  writeQuotaRows(w, 0, quota);
  return w.toString();
}

/** One row per resource of status.hard: its name, what is used and the hard limit. */
export function writeQuotaRows(w: DescribeWriter, level: number, quota: ResourceQuota): void {
  for (const name of sortedKeys(quota.status?.hard)) w.write(level, `${name}\t${quota.status?.used?.[name] ?? '0'}\t${quota.status!.hard![name]}\n`);
}

/** Helper text kubectl prints under a quota's scopes. */
export function scopeHelp(scope: string): string | undefined {
  return SCOPE_HELP[scope];
}

/** `kubectl describe limitrange`: one row per item and resource, `-` where the item sets nothing. */
export function describeLimitRange(limitRange: LimitRange): string {
  const w = new DescribeWriter();
  w.write(0, `Name:\t${limitRange.metadata?.name ?? ''}\n`);
  w.write(0, `Namespace:\t${limitRange.metadata?.namespace ?? ''}\n`);
  w.write(0, 'Type\tResource\tMin\tMax\tDefault Request\tDefault Limit\tMax Limit/Request Ratio\n');
  w.write(0, '----\t--------\t---\t---\t---------------\t-------------\t-----------------------\n');
  writeLimitRangeRows(w, '', limitRange);
  return w.toString();
}

/** One row per item and resource, `-` where the item sets nothing; each row starts with `prefix`. */
export function writeLimitRangeRows(w: DescribeWriter, prefix: string, limitRange: LimitRange): void {
  for (const item of limitRange.spec?.limits ?? []) {
    for (const name of sortedKeys(item.min, item.max, item.defaultRequest, item.default, item.maxLimitRequestRatio)) {
      const cells = [item.min, item.max, item.defaultRequest, item.default, item.maxLimitRequestRatio].map((list) => list?.[name] ?? '-');
      w.write(0, `${prefix}${item.type ?? ''}\t${name}\t${cells.join('\t')}\n`);
    }
  }
}
