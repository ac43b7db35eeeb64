import { describe, expect, it } from 'vitest';
import { renderTable, type ColumnDefinition, type TableRow } from './table.js';

const columns: ColumnDefinition[] = [
  { name: 'Name' },
  { name: 'Ready' },
  { name: 'Age' },
  { name: 'IP', wide: true },
  { name: 'Nominated Node', wide: true },
];
const rows: TableRow[] = [
  { cells: ['mysql-x7k2p', '1/1', '5m', '172.17.0.2', '<none>'], namespace: 'default', labels: { app: 'mysql' } },
  { cells: ['web', '0/1', '12s', '172.17.0.3', '<none>'], namespace: 'kube-system', labels: {} },
];

describe('renderTable', () => {
  it('prints upper-case headers and left-aligned columns three spaces apart', () => {
    expect(renderTable(columns, rows)).toBe(
      'NAME          READY   AGE\n' + //
        'mysql-x7k2p   1/1     5m\n' +
        'web           0/1     12s\n',
    );
  });

  it('adds the wide columns with -o wide', () => {
    expect(renderTable(columns, rows, { wide: true })).toBe(
      'NAME          READY   AGE   IP           NOMINATED NODE\n' +
        'mysql-x7k2p   1/1     5m    172.17.0.2   <none>\n' +
        'web           0/1     12s   172.17.0.3   <none>\n',
    );
  });

  it('leads with NAMESPACE and ends with LABELS when asked', () => {
    expect(renderTable(columns, rows, { withNamespace: true, showLabels: true })).toBe(
      'NAMESPACE     NAME          READY   AGE   LABELS\n' +
        'default       mysql-x7k2p   1/1     5m    app=mysql\n' +
        'kube-system   web           0/1     12s   <none>\n',
    );
  });

  it('adds label columns headed by the last segment of the key', () => {
    expect(renderTable([{ name: 'Name' }], rows, { labelColumns: ['example.com/app', 'tier'] })).toBe(
      'NAME          APP   TIER\n' + //
        `mysql-x7k2p${' '.repeat(9)}\n` +
        `web${' '.repeat(17)}\n`,
    );
  });

  it('omits headers with --no-headers, keeping the minimal column width', () => {
    expect(renderTable([{ name: 'Name' }, { name: 'Age' }], [{ cells: ['a', '5s'] }], { noHeaders: true })).toBe('a     5s\n');
  });

  it('prints nothing, not even headers, for no rows', () => {
    expect(renderTable(columns, [])).toBe('');
  });

  it('truncates a multi-line cell at its first line', () => {
    expect(renderTable([{ name: 'Message' }, { name: 'Age' }], [{ cells: ['first\nsecond', '1s'] }])).toBe(
      'MESSAGE    AGE\n' + //
        'first...   1s\n',
    );
  });
});
