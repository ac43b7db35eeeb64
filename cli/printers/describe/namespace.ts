import type { LimitRange, Namespace, ResourceQuota } from '../../../lib/api/generated/index.js';
import { compareStrings } from '../../../lib/printers/order.js';
import { scopeHelp, writeLimitRangeRows, writeQuotaRows } from './quota.js';
import { writeAnnotations, writeLabels } from './sections.js';
import { DescribeWriter, formatTime } from './writer.js';

export interface DescribeNamespaceOptions {
  /** The namespace's ResourceQuotas and LimitRanges; undefined leaves the section out. */
  resourceQuotas?: readonly ResourceQuota[];
  limitRanges?: readonly LimitRange[];
}

const byName = <T extends { metadata?: { name?: string } | null }>(items: readonly T[]): T[] =>
  [...items].sort((a, b) => compareStrings(a.metadata?.name ?? '', b.metadata?.name ?? ''));

function writeResourceQuotas(w: DescribeWriter, quotas: readonly ResourceQuota[]): void {
  if (quotas.length === 0) {
    w.write(0, 'No resource quota.\n');
    return;
  }
  w.write(0, 'Resource Quotas\n');
  for (const quota of byName(quotas)) {
    w.write(1, `Name:\t${quota.metadata?.name ?? ''}\n`);
    const scopes = [...(quota.spec?.scopes ?? [])].sort(compareStrings);
    if (scopes.length > 0) {
      w.write(1, `Scopes:\t${scopes.join(', ')}\n`);
      for (const scope of scopes) {
        const help = scopeHelp(scope);
        if (help) w.write(1, `* ${help}\n`);
      }
    }
    w.write(1, 'Resource\tUsed\tHard\n');
    w.write(1, '--------\t---\t---\n');
    writeQuotaRows(w, 1, quota);
  }
}

function writeLimitRanges(w: DescribeWriter, limitRanges: readonly LimitRange[]): void {
  if (limitRanges.length === 0) {
    w.write(0, 'No LimitRange resource.\n');
    return;
  }
  w.write(0, 'Resource Limits\n Type\tResource\tMin\tMax\tDefault Request\tDefault Limit\tMax Limit/Request Ratio\n');
  w.write(0, ' ----\t--------\t---\t---\t---------------\t-------------\t-----------------------\n');
  for (const limitRange of limitRanges) writeLimitRangeRows(w, ' ', limitRange);
}

/** `kubectl describe namespace`: status, conditions, then the quotas and limit ranges inside it. */
export function describeNamespace(namespace: Namespace, options: DescribeNamespaceOptions): string {
  const w = new DescribeWriter();
  w.write(0, `Name:\t${namespace.metadata?.name ?? ''}\n`);
  writeLabels(w, 'Labels', namespace.metadata?.labels);
  writeAnnotations(w, 'Annotations', namespace.metadata?.annotations);
  w.write(0, `Status:\t${namespace.status?.phase ?? ''}\n`);
  const conditions = namespace.status?.conditions ?? [];
  if (conditions.length > 0) {
    w.write(0, 'Conditions:\n');
    w.write(1, 'Type\tStatus\tLastTransitionTime\tReason\tMessage\n');
    w.write(1, '----\t------\t------------------\t------\t-------\n');
    for (const c of conditions) w.write(1, `${c.type ?? ''}\t${c.status ?? ''}\t${formatTime(c.lastTransitionTime)}\t${c.reason ?? ''}\t${c.message ?? ''}\n`);
  }
  if (options.resourceQuotas) {
    w.write(0, '\n');
    writeResourceQuotas(w, options.resourceQuotas);
  }
  if (options.limitRanges) {
    w.write(0, '\n');
    writeLimitRanges(w, options.limitRanges);
  }
  return w.toString();
}
