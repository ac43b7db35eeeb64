// Human-readable durations exactly as kubectl prints them (apimachinery's util/duration):
// HumanDuration keeps two or three significant figures (3m25s, 2d5h, 2y30d) and is what AGE,
// LAST SEEN and "(5m ago)" use; ShortHumanDuration keeps one unit (3m, 2d, 2y).

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;

// Go converts durations to whole units by truncating toward zero.
const whole = (ms: number, unit: number): number => Math.trunc(ms / unit);

/** Up to a two-second clock skew into the future still reads as "0s"; more is "<invalid>". */
function skewed(ms: number): string | undefined {
  const seconds = whole(ms, SECOND);
  if (seconds < -1) return '<invalid>';
  if (seconds < 0) return '0s';
  return undefined;
}

export function humanDuration(ms: number): string {
  const early = skewed(ms);
  if (early !== undefined) return early;
  const seconds = whole(ms, SECOND);
  if (seconds < 2 * 60) return `${seconds}s`;
  const minutes = whole(ms, MINUTE);
  if (minutes < 10) {
    const s = seconds % 60;
    return s === 0 ? `${minutes}m` : `${minutes}m${s}s`;
  }
  if (minutes < 3 * 60) return `${minutes}m`;
  const hours = whole(ms, HOUR);
  if (hours < 8) {
    const m = minutes % 60;
    return m === 0 ? `${hours}h` : `${hours}h${m}m`;
  }
  if (hours < 48) return `${hours}h`;
  const days = whole(hours, 24);
  if (hours < 24 * 8) {
    const h = hours % 24;
    return h === 0 ? `${days}d` : `${days}d${h}h`;
  }
  if (hours < 24 * 365 * 2) return `${days}d`;
  const years = whole(days, 365);
  if (hours < 24 * 365 * 8) {
    const d = days % 365;
    return d === 0 ? `${years}y` : `${years}y${d}d`;
  }
  return `${years}y`;
}

/** Milliseconds since the epoch of an RFC 3339 timestamp, or undefined when absent or unparsable. */
export function parseTimestamp(timestamp: string | undefined): number | undefined {
  if (!timestamp) return undefined;
  const ms = Date.parse(timestamp);
  return Number.isNaN(ms) ? undefined : ms;
}

/** How long ago `timestamp` was, as kubectl's AGE column prints it; `<unknown>` when unset. */
export function age(timestamp: string | undefined, now: Date | number): string {
  const then = parseTimestamp(timestamp);
  if (then === undefined) return '<unknown>';
  return humanDuration(Number(now) - then);
}
