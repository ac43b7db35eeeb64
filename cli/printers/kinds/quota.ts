import type { LimitRange, ResourceQuota } from '../../../lib/api/generated/index.js';
import { age } from '../duration.js';
import type { KindPrinter, RowContext } from './types.js';

/**
 * kubectl's quota row: `used/hard` per resource of spec.hard, sorted by name, `limits.*` under
 * LIMIT and the rest under REQUEST (`pods: 1/10, requests.cpu: 500m/2`); unknown amounts read 0.
 */
export const resourceQuotaPrinter: KindPrinter<ResourceQuota> = {
  columns: [{ name: 'Name' }, { name: 'Age' }, { name: 'Request' }, { name: 'Limit' }],
  cells(quota: ResourceQuota, { now }: RowContext): string[] {
    const requests: string[] = [];
    const limits: string[] = [];
    for (const name of Object.keys(quota.spec?.hard ?? {}).sort()) {
      const cell = `${name}: ${quota.status?.used?.[name] ?? '0'}/${quota.status?.hard?.[name] ?? '0'}`;
      (name.split('.')[0] === 'limits' && name.includes('.') ? limits : requests).push(cell);
    }
    return [quota.metadata?.name ?? '', age(quota.metadata?.creationTimestamp, now), requests.join(', '), limits.join(', ')];
  },
};

/** kubectl prints a LimitRange's creation time itself (RFC 3339, UTC), not its age. */
export const limitRangePrinter: KindPrinter<LimitRange> = {
  columns: [{ name: 'Name' }, { name: 'Created At' }],
  cells(limitRange: LimitRange): string[] {
    const created = limitRange.metadata?.creationTimestamp;
    return [limitRange.metadata?.name ?? '', created ? new Date(created).toISOString().replace(/\.\d{3}Z$/, 'Z') : ''];
  },
};
