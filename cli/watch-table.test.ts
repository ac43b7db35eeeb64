import { describe, expect, it } from 'vitest';
import type { Pod } from '../lib/api/generated/index.js';
import { resourceByName } from '../lib/api/resources.js';
import { printerFor } from './printers/kinds/registry.js';
import { WatchTable } from './watch-table.js';

const pods = printerFor(resourceByName('pods')!);
const now = Date.parse('2024-05-10T12:00:00Z');
const pod = (name: string, phase: string): Pod => ({
  metadata: { name, namespace: 'default', creationTimestamp: '2024-05-10T11:59:00Z' },
  spec: { containers: [{ name: 'c', image: 'i' }] },
  status: { phase },
});

describe('WatchTable', () => {
  it('prints the header once and keeps columns aligned as they grow', () => {
    const table = new WatchTable(pods, {});
    expect(table.print([pod('a', 'Pending')], now)).toBe('NAME   READY   STATUS    RESTARTS   AGE\na      0/1     Pending   0          60s\n');
    expect(table.print([pod('a-much-longer-name', 'Running')], now)).toBe('a-much-longer-name   0/1     Running   0          60s\n');
    expect(table.print([pod('b', 'Running')], now)).toBe('b                    0/1     Running   0          60s\n');
  });

  it('prints no header with --no-headers', () => {
    expect(new WatchTable(pods, { noHeaders: true }).print([pod('a', 'Pending')], now)).toBe('a     0/1   Pending   0     60s\n');
  });
});
