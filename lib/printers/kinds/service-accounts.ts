import type { ServiceAccount } from '../../api/generated/index.js';
import { age } from '../duration.js';
import type { KindPrinter, RowContext } from './types.js';

export const serviceAccountPrinter: KindPrinter<ServiceAccount> = {
  columns: [{ name: 'Name' }, { name: 'Secrets' }, { name: 'Age' }],
  cells(sa: ServiceAccount, { now }: RowContext): string[] {
    return [sa.metadata?.name ?? '', String(sa.secrets?.length ?? 0), age(sa.metadata?.creationTimestamp, now)];
  },
};
