// Kubernetes writes metav1.Time as RFC3339 with whole seconds and metav1.MicroTime with six
// fractional digits, always in UTC.

/** metav1.Time: `2006-01-02T15:04:05Z`. */
export function formatTime(epochMs: number = Date.now()): string {
  return new Date(Math.floor(epochMs / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

/** metav1.MicroTime: `2006-01-02T15:04:05.000000Z`; sub-millisecond digits come from the high-resolution clock. */
export function formatMicroTime(epochMs: number = performance.timeOrigin + performance.now()): string {
  const totalMicros = Math.round(epochMs * 1000);
  const wholeMs = Math.floor(totalMicros / 1000);
  const micros = totalMicros - wholeMs * 1000;
  const iso = new Date(wholeMs).toISOString();
  return `${iso.slice(0, -1)}${String(micros).padStart(3, '0')}Z`;
}

/** Milliseconds since the epoch for an RFC3339 time with any number of fractional digits; NaN if unparseable or empty. */
export function parseTime(value: string | undefined): number {
  if (!value) return NaN;
  const match = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d+))?(Z|[+-]\d{2}:\d{2})$/.exec(value);
  if (!match) return NaN;
  const [, base, fraction = '', zone] = match;
  const whole = Date.parse(`${base}${zone}`);
  return whole + Number(`0.${fraction || '0'}`) * 1000;
}

/** The latest time RFC3339 can write (four-digit years); later deadlines are held here. */
const LATEST_API_TIME_MS = Date.UTC(9999, 11, 31, 23, 59, 59);

/**
 * A time `seconds` after `epochMs`, never past what RFC3339 can write: a grace period or timeout of
 * any size (up to 2^53 seconds) must give a valid deletionTimestamp, not "Invalid time value".
 */
export function addSeconds(epochMs: number, seconds: number): number {
  return Math.min(epochMs + Math.max(0, seconds) * 1000, LATEST_API_TIME_MS);
}
