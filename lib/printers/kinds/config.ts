import type { ConfigMap, Secret } from '../../api/generated/index.js';
import { age } from '../duration.js';
import type { KindPrinter, RowContext } from './types.js';

const size = (map: object | undefined): number => Object.keys(map ?? {}).length;

export const configMapPrinter: KindPrinter<ConfigMap> = {
  columns: [{ name: 'Name' }, { name: 'Data' }, { name: 'Age' }],
  cells(cm: ConfigMap, { now }: RowContext): string[] {
    return [cm.metadata?.name ?? '', String(size(cm.data) + size(cm.binaryData)), age(cm.metadata?.creationTimestamp, now)];
  },
};

export const secretPrinter: KindPrinter<Secret> = {
  columns: [{ name: 'Name' }, { name: 'Type' }, { name: 'Data' }, { name: 'Age' }],
  cells(secret: Secret, { now }: RowContext): string[] {
    return [secret.metadata?.name ?? '', secret.type ?? '', String(size(secret.data)), age(secret.metadata?.creationTimestamp, now)];
  },
};
