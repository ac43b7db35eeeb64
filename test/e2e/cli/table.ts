import { expect } from 'vitest';

// Reading kubectl-style tables in tests: every cell must start exactly where its header starts
// (left-aligned columns, as Go's tabwriter lays them out), so values that vary between runs
// (cluster IPs, ages) can be checked loosely while the layout is checked exactly.

interface ParsedTable {
  header: string[];
  rows: Record<string, string>[];
}

export function parseTable(text: string): ParsedTable {
  const lines = text.split('\n').filter((l) => l !== '');
  const headerLine = lines[0] ?? '';
  const header = headerLine.split(/ {2,}/).filter(Boolean);
  let from = 0;
  const starts = header.map((h) => {
    const at = headerLine.indexOf(h, from);
    from = at + h.length;
    return at;
  });
  const rows = lines.slice(1).map((line) => {
    const row: Record<string, string> = {};
    header.forEach((h, i) => {
      const start = starts[i]!;
      const end = i + 1 < starts.length ? starts[i + 1]! : line.length;
      const cell = line.slice(start, end).trimEnd();
      // An empty cell is all padding; any other starts exactly under its header.
      if (cell !== '') expect(line.slice(start, start + 1), `cell ${h} of "${line}" starts at its header`).not.toBe(' ');
      if (start > 0) expect(line[start - 1], `cell ${h} of "${line}" is padded`).toBe(' ');
      row[h] = cell;
    });
    return row;
  });
  return { header, rows };
}

/** Replaces ages (`5s`, `3m`, `2m10s`) at the ends of lines, so tables of fixed objects can be compared whole. */
export function withoutAges(text: string): string {
  return text.replace(/\b(\d+[smhdy])+$/gm, '<age>');
}
