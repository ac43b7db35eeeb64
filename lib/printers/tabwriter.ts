// Column alignment with the semantics of Go's text/tabwriter, which kubectl uses for every table
// and for describe output. Cells are tab-terminated; the text after a line's last tab is not part
// of any column. A column's width is set per *column block* (a run of consecutive lines that all
// have a cell in that column), not across the whole text. describe relies on this: "Port:\t<unset>\t80/TCP"
// lines align among themselves, and a line without tabs ("Containers:") restarts alignment below it.
// Table libraries such as text-table or columnify size columns over all rows, so they cannot
// reproduce describe's layout; this small aligner serves both tables and describe.

interface TabwriterOptions {
  /** Minimal width of a column, padding included (kubectl's tables use 6, describe 0). */
  minWidth: number;
  /** Spaces added after the widest cell of a column (kubectl's tables use 3, describe 2). */
  padding: number;
}

/** Width as Go's tabwriter counts it: in code points, not bytes or display cells. */
function textWidth(text: string): number {
  let n = 0;
  for (const _ of text) n++;
  return n;
}

class Aligner {
  private readonly out: string[] = [];

  constructor(
    private readonly lines: string[][],
    private readonly options: TabwriterOptions,
  ) {}

  run(): string {
    this.format([], 0, this.lines.length);
    return this.out.join('\n');
  }

  private format(widths: number[], line0: number, line1: number): void {
    const column = widths.length;
    let pending = line0;
    let i = line0;
    while (i < line1) {
      if (column >= this.cellCount(i)) {
        i++;
        continue;
      }
      this.writeLines(widths, pending, i);
      let width = this.options.minWidth;
      let end = i;
      for (; end < line1 && column < this.cellCount(end); end++) {
        width = Math.max(width, textWidth(this.lines[end]![column]!) + this.options.padding);
      }
      this.format([...widths, width], i, end);
      pending = end;
      i = end;
    }
    this.writeLines(widths, pending, line1);
  }

  /** Number of tab-terminated cells on a line (its last element is trailing text). */
  private cellCount(line: number): number {
    return this.lines[line]!.length - 1;
  }

  private writeLines(widths: number[], from: number, to: number): void {
    for (let i = from; i < to; i++) {
      const cells = this.lines[i]!;
      this.out.push(
        cells.map((cell, j) => (j < widths.length ? cell + ' '.repeat(Math.max(0, widths[j]! - textWidth(cell))) : cell)).join(''),
      );
    }
  }
}

/** Aligns tab-separated text as a Go tabwriter with the given options would print it. */
export function alignTabs(text: string, options: TabwriterOptions): string {
  const lines = text.split('\n').map((line) => line.split('\t'));
  return new Aligner(lines, options).run();
}
