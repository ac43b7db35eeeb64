import { alignTabs } from '../../../lib/printers/tabwriter.js';

// kubectl describe writes tab-separated text at indentation levels of two spaces each and aligns
// it with a Go tabwriter (no minimal width, two spaces of padding) when done.

const DESCRIBE_LAYOUT = { minWidth: 0, padding: 2 } as const;

export class DescribeWriter {
  private readonly parts: string[] = [];

  /** Writes text indented by `level` steps of two spaces; include "\n" to end the line. */
  write(level: number, text: string): void {
    this.parts.push('  '.repeat(level) + text);
  }

  /** Finishes the current line with `text` and no indentation. */
  line(text: string): void {
    this.parts.push(`${text}\n`);
  }

  toString(): string {
    return alignTabs(this.parts.join(''), DESCRIBE_LAYOUT);
  }
}

const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const pad2 = (n: number): string => String(n).padStart(2, '0');

/**
 * A timestamp in Go's RFC1123Z layout in local time, as kubectl describe prints times
 * ("Fri, 10 May 2024 14:00:00 +0200"). An unset time prints as Go's zero time, as kubectl does.
 */
export function formatTime(timestamp: string | undefined): string {
  const ms = timestamp ? Date.parse(timestamp) : Number.NaN;
  if (Number.isNaN(ms)) return 'Mon, 01 Jan 0001 00:00:00 +0000';
  const d = new Date(ms);
  const offset = -d.getTimezoneOffset();
  const sign = offset < 0 ? '-' : '+';
  const zone = `${sign}${pad2(Math.floor(Math.abs(offset) / 60))}${pad2(Math.abs(offset) % 60)}`;
  const clock = `${pad2(d.getHours())}:${pad2(d.getMinutes())}:${pad2(d.getSeconds())}`;
  return `${WEEKDAYS[d.getDay()]}, ${pad2(d.getDate())} ${MONTHS[d.getMonth()]} ${d.getFullYear()} ${clock} ${zone}`;
}
