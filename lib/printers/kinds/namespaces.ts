import type { Namespace } from '../../api/generated/index.js';
import { age } from '../duration.js';
import type { KindPrinter, RowContext } from './types.js';

export const namespacePrinter: KindPrinter<Namespace> = {
  columns: [{ name: 'Name' }, { name: 'Status' }, { name: 'Age' }],
  cells(ns: Namespace, { now }: RowContext): string[] {
    return [ns.metadata?.name ?? '', ns.status?.phase ?? '', age(ns.metadata?.creationTimestamp, now)];
  },
};
