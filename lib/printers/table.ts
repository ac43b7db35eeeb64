import { formatLabels } from './labels.js';
import { alignTabs } from './tabwriter.js';

// kubectl's human-readable table: upper-case headers, left-aligned columns padded by three spaces
// (Go tabwriter, minimal width 6), `-o wide` columns, a leading NAMESPACE column for
// --all-namespaces, label columns for -L and a trailing LABELS column for --show-labels.

export interface ColumnDefinition {
  /** The column's name as kubectl defines it ("Nominated Node"); headers print it upper-case. */
  name: string;
  /** Shown only with `-o wide` (kubectl's priority-1 columns). */
  wide?: boolean;
}

export interface TableRow {
  /** One cell per column definition, wide columns included. */
  cells: string[];
  namespace?: string;
  labels?: Record<string, string>;
}

export interface TableOptions {
  wide?: boolean;
  noHeaders?: boolean;
  /** Prepend NAMESPACE (kubectl does for namespaced kinds with --all-namespaces). */
  withNamespace?: boolean;
  /** Append LABELS with every label of the object (--show-labels). */
  showLabels?: boolean;
  /** Append one column per label key (-L/--label-columns), headed by the key's last path segment. */
  labelColumns?: string[];
}

export const TABLE_LAYOUT = { minWidth: 6, padding: 3 } as const;

/** A cell shows only its first line, as kubectl truncates multi-line values ("line one..."). */
function firstLine(cell: string): string {
  const newline = cell.indexOf('\n');
  return newline < 0 ? cell : `${cell.slice(0, newline)}...`;
}

function labelColumnHeader(key: string): string {
  const parts = key.split('/');
  return parts[parts.length - 1]!.toUpperCase();
}

/** Renders rows as kubectl prints them; empty when there are no rows (kubectl prints no header then). */
export function renderTable(columns: readonly ColumnDefinition[], rows: readonly TableRow[], options: TableOptions = {}): string {
  if (rows.length === 0) return '';
  const shown = columns.map((c, i) => ({ c, i })).filter(({ c }) => options.wide || !c.wide);
  const labelColumns = options.labelColumns ?? [];
  const lines: string[][] = [];
  if (!options.noHeaders) {
    lines.push([
      ...(options.withNamespace ? ['NAMESPACE'] : []),
      ...shown.map(({ c }) => c.name.toUpperCase()),
      ...labelColumns.map(labelColumnHeader),
      ...(options.showLabels ? ['LABELS'] : []),
    ]);
  }
  for (const row of rows) {
    lines.push([
      ...(options.withNamespace ? [row.namespace ?? ''] : []),
      ...shown.map(({ i }) => firstLine(row.cells[i] ?? '')),
      ...labelColumns.map((key) => row.labels?.[key] ?? ''),
      ...(options.showLabels ? [formatLabels(row.labels)] : []),
    ]);
  }
  return alignTabs(lines.map((cells) => `${cells.join('\t')}\n`).join(''), TABLE_LAYOUT);
}
