/**
 * Per-key exponential backoff with Kubernetes' flowcontrol.Backoff semantics (no jitter, as the
 * kubelet configures it): the first failure waits `initialMs`, each further one doubles up to
 * `maxMs`, and a key whose last failure is more than twice `maxMs` old starts over. The kubelet uses
 * one instance for crash loops (keyed by pod and container) and one for image pulls.
 */
export interface BackoffOptions {
  initialMs?: number;
  maxMs?: number;
  now?: () => number;
}

interface Entry {
  backoffMs: number;
  lastUpdate: number;
}

const DEFAULT_BACKOFF_INITIAL_MS = 10_000;
const DEFAULT_BACKOFF_MAX_MS = 300_000;

export class Backoff {
  readonly initialMs: number;
  readonly maxMs: number;
  readonly #now: () => number;
  readonly #entries = new Map<string, Entry>();

  constructor(options: BackoffOptions = {}) {
    this.initialMs = options.initialMs ?? DEFAULT_BACKOFF_INITIAL_MS;
    this.maxMs = options.maxMs ?? DEFAULT_BACKOFF_MAX_MS;
    this.#now = options.now ?? Date.now;
  }

  now(): number {
    return this.#now();
  }

  /** The current window for `id`, 0 when it has none. */
  get(id: string): number {
    return this.#entries.get(id)?.backoffMs ?? 0;
  }

  /** Records a failure at `eventTime`: starts or doubles the window. */
  next(id: string, eventTime: number = this.#now()): void {
    const entry = this.#entries.get(id);
    const backoffMs =
      !entry || this.#hasExpired(eventTime, entry.lastUpdate) ? this.initialMs : Math.min(entry.backoffMs * 2, this.maxMs);
    this.#entries.set(id, { backoffMs, lastUpdate: this.#now() });
  }

  /** True while less than the window has passed since `eventTime` (e.g. a container's exit). */
  isInBackOffSince(id: string, eventTime: number): boolean {
    const entry = this.#entries.get(id);
    if (!entry || this.#hasExpired(eventTime, entry.lastUpdate)) return false;
    return this.#now() - eventTime < entry.backoffMs;
  }

  /** True while less than the window has passed since the last recorded failure. */
  isInBackOffSinceUpdate(id: string, eventTime: number = this.#now()): boolean {
    const entry = this.#entries.get(id);
    if (!entry || this.#hasExpired(eventTime, entry.lastUpdate)) return false;
    return eventTime - entry.lastUpdate < entry.backoffMs;
  }

  /** Milliseconds until the window that started at `eventTime` closes (0 if already closed). */
  remainingSince(id: string, eventTime: number): number {
    const entry = this.#entries.get(id);
    if (!entry) return 0;
    return Math.max(0, eventTime + entry.backoffMs - this.#now());
  }

  /** Milliseconds until the window that started at the last failure closes. */
  remainingSinceUpdate(id: string): number {
    const entry = this.#entries.get(id);
    if (!entry) return 0;
    return Math.max(0, entry.lastUpdate + entry.backoffMs - this.#now());
  }

  reset(id: string): void {
    this.#entries.delete(id);
  }

  /** Drops entries that would start over anyway, so the map does not grow without bound. */
  gc(): void {
    const now = this.#now();
    for (const [id, entry] of this.#entries) if (this.#hasExpired(now, entry.lastUpdate)) this.#entries.delete(id);
  }

  // "Consider stable if it's ok for twice the maxDuration."
  #hasExpired(eventTime: number, lastUpdate: number): boolean {
    return eventTime - lastUpdate > this.maxMs * 2;
  }
}

/** Go's time.Duration formatting for whole and fractional seconds: `10s`, `1m20s`, `5m0s`, `1.5s`. */
export function formatGoDuration(ms: number): string {
  if (ms === 0) return '0s';
  if (ms < 1000) return `${ms}ms`;
  const totalSeconds = ms / 1000;
  const hours = Math.floor(totalSeconds / 3600);
  const minutes = Math.floor((totalSeconds - hours * 3600) / 60);
  const seconds = Number((totalSeconds - hours * 3600 - minutes * 60).toFixed(3));
  if (hours > 0) return `${hours}h${minutes}m${seconds}s`;
  if (minutes > 0) return `${minutes}m${seconds}s`;
  return `${seconds}s`;
}
