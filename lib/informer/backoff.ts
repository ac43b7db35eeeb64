export interface BackoffOptions {
  initialMs?: number;
  maxMs?: number;
  factor?: number;
  /** Each delay is stretched by up to this fraction at random, so clients that failed together do not retry together. */
  jitter?: number;
  random?: () => number;
}

/** Exponential backoff with jitter, capped at maxMs (jitter included). */
export class Backoff {
  private readonly initialMs: number;
  private readonly maxMs: number;
  private readonly factor: number;
  private readonly jitter: number;
  private readonly random: () => number;
  private currentMs: number;

  constructor(options: BackoffOptions = {}) {
    this.initialMs = options.initialMs ?? 500;
    this.maxMs = options.maxMs ?? 30_000;
    this.factor = options.factor ?? 2;
    this.jitter = options.jitter ?? 0.5;
    this.random = options.random ?? Math.random;
    this.currentMs = this.initialMs;
  }

  /** The delay to wait now; the following one is longer. */
  next(): number {
    const delay = Math.min(this.maxMs, this.currentMs * (1 + this.jitter * this.random()));
    this.currentMs = Math.min(this.maxMs, this.currentMs * this.factor);
    return Math.round(delay);
  }

  reset(): void {
    this.currentMs = this.initialMs;
  }
}

/** Resolves after ms, or early (without an error) when the signal aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const done = (): void => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}
