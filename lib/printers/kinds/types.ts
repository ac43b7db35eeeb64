import type { ColumnDefinition } from '../table.js';

export interface RowContext {
  /** The clock AGE and other "how long ago" cells are measured against. */
  now: Date | number;
}

/** kubectl's table printer for one kind: its column definitions and how one object fills them. */
export interface KindPrinter<T> {
  columns: readonly ColumnDefinition[];
  /** One cell per column, wide columns included (the table drops them without -o wide). */
  cells(object: T, context: RowContext): string[];
}
