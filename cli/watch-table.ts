import type { AnyObject } from '../lib/api/resources.js';
import type { KindPrinter } from './printers/kinds/types.js';
import { formatLabels } from './printers/labels.js';
import { renderTable, type TableOptions, type TableRow } from './printers/table.js';

// `kubets get -w` prints one row per change, aligned with what it printed before, as kubectl's
// tabwriter does by remembering column widths across flushes: a column only ever grows. Rendering
// the header, the rows that set each column's width so far and the new row, then printing only
// the new row's line, gives exactly those widths while keeping a bounded number of rows.

function firstLine(cell: string): string {
  const newline = cell.indexOf('\n');
  return newline < 0 ? cell : `${cell.slice(0, newline)}...`;
}

export class WatchTable {
  /** For each printed column, the widest row so far. */
  private widest: { width: number; row: TableRow }[] = [];
  private headerPrinted = false;

  constructor(
    private readonly printer: KindPrinter<AnyObject>,
    private readonly options: TableOptions,
  ) {}

  private rowOf(object: AnyObject, now: number): TableRow {
    return {
      cells: this.printer.cells(object, { now }),
      namespace: object.metadata?.namespace ?? '',
      labels: object.metadata?.labels ?? {},
    };
  }

  /** The texts renderTable prints for a row, column by column. */
  private printedCells(row: TableRow): string[] {
    const shown = this.printer.columns.map((c, i) => ({ c, i })).filter(({ c }) => this.options.wide || !c.wide);
    return [
      ...(this.options.withNamespace ? [row.namespace ?? ''] : []),
      ...shown.map(({ i }) => firstLine(row.cells[i] ?? '')),
      ...(this.options.labelColumns ?? []).map((key) => row.labels?.[key] ?? ''),
      ...(this.options.showLabels ? [formatLabels(row.labels)] : []),
    ];
  }

  /** The lines to print for these objects: the header the first time, then one line per object. */
  print(objects: readonly AnyObject[], now: number = Date.now()): string {
    let out = '';
    for (const object of objects) {
      const row = this.rowOf(object, now);
      const witnesses = [...new Set(this.widest.map((w) => w.row))];
      const rendered = renderTable(this.printer.columns, [...witnesses, row], { ...this.options, noHeaders: Boolean(this.options.noHeaders) });
      const lines = rendered.split('\n').filter((l, i, all) => i < all.length - 1 || l !== '');
      if (!this.headerPrinted && !this.options.noHeaders) out += `${lines[0]}\n`;
      this.headerPrinted = true;
      out += `${lines[lines.length - 1]}\n`;
      this.printedCells(row).forEach((cell, i) => {
        const width = [...cell].length;
        if (!this.widest[i] || width > this.widest[i]!.width) this.widest[i] = { width, row };
      });
    }
    return out;
  }
}
