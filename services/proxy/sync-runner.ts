import type { Logger } from 'pino';
import { Backoff } from '../../lib/informer/backoff.js';

interface SyncRunnerOptions {
  /** Runs start at least this far apart, however many requests arrive (kube-proxy's minSyncPeriod). */
  minIntervalMs: number;
  /** A run happens at least this often even without requests (kube-proxy's syncPeriod). */
  periodMs: number;
  /** Pacing of retries after a failed run; capped by periodMs. */
  retryInitialMs?: number;
  log: Logger;
}

interface Waiter {
  /** Resolved by the first run that starts after this run number. */
  after: number;
  resolve: () => void;
  reject: (err: unknown) => void;
}

/**
 * kube-proxy's BoundedFrequencyRunner: a level-triggered sync that may be requested any number of
 * times but runs one at a time, at most once per minIntervalMs, at least once per periodMs, and
 * again (with backoff) after a failure. Each run converges on the current state, so coalescing
 * requests loses nothing.
 */
export class SyncRunner {
  private running = false;
  private pending = false;
  private stopped = false;
  private lastStartMs = Number.NEGATIVE_INFINITY;
  private runCount = 0;
  private timer: NodeJS.Timeout | undefined;
  private timerDueMs = Number.POSITIVE_INFINITY;
  private periodTimer: NodeJS.Timeout | undefined;
  private current: Promise<void> | undefined;
  private readonly waiters: Waiter[] = [];
  private readonly backoff: Backoff;

  constructor(
    private readonly fn: () => Promise<void>,
    private readonly options: SyncRunnerOptions,
  ) {
    this.backoff = new Backoff({ initialMs: options.retryInitialMs ?? 1000, maxMs: options.periodMs });
  }

  /** Asks for a run as soon as the minimum interval allows. */
  request(): void {
    if (this.stopped) return;
    this.pending = true;
    this.schedule(Math.max(0, this.lastStartMs + this.options.minIntervalMs - Date.now()));
  }

  /** Requests a run and resolves when one that started after this call has succeeded (rejects if it failed). */
  sync(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.waiters.push({ after: this.runCount, resolve, reject });
      this.request();
    });
  }

  /** Stops scheduling and waits for a run in progress; pending sync() calls are rejected. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    clearTimeout(this.periodTimer);
    await this.current;
    for (const w of this.waiters.splice(0)) w.reject(new Error('sync runner stopped'));
  }

  private schedule(delayMs: number): void {
    if (this.stopped || this.running) return;
    const due = Date.now() + delayMs;
    if (this.timer && this.timerDueMs <= due) return;
    clearTimeout(this.timer);
    this.timerDueMs = due;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.timerDueMs = Number.POSITIVE_INFINITY;
      this.current = this.run();
    }, delayMs);
  }

  private async run(): Promise<void> {
    if (this.stopped) return;
    this.running = true;
    this.pending = false;
    this.lastStartMs = Date.now();
    const number = ++this.runCount;
    clearTimeout(this.periodTimer);
    let failure: { err: unknown } | undefined;
    try {
      await this.fn();
      this.backoff.reset();
    } catch (err) {
      failure = { err };
      this.options.log.error({ err: (err as Error).message }, 'sync failed; retrying');
    } finally {
      this.running = false;
    }
    this.settleWaiters(number, failure);
    if (this.stopped) return;
    if (failure) {
      this.pending = true;
      this.schedule(Math.max(this.options.minIntervalMs, this.backoff.next()));
    } else if (this.pending) {
      this.schedule(Math.max(0, this.lastStartMs + this.options.minIntervalMs - Date.now()));
    }
    this.periodTimer = setTimeout(() => this.request(), this.options.periodMs);
  }

  private settleWaiters(number: number, failure: { err: unknown } | undefined): void {
    for (let i = this.waiters.length - 1; i >= 0; i--) {
      const w = this.waiters[i]!;
      if (w.after >= number) continue;
      this.waiters.splice(i, 1);
      if (failure) w.reject(failure.err);
      else w.resolve();
    }
  }
}
