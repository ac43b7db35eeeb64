import { queueMetrics, type QueueMetrics } from './metrics.js';

export type QueueItem<K extends string> = { key: K; shutdown: false } | { key: undefined; shutdown: true };

const SHUTDOWN = Object.freeze({ key: undefined, shutdown: true as const });

/**
 * A FIFO of keys to reconcile, with client-go's two guarantees:
 * - a key added many times before a worker takes it is handed out once (the dirty set);
 * - a key is never handed to two workers at once: one added while it is being processed
 *   waits until that worker calls `done` (the processing set).
 *
 * Unlike client-go, `shutDown` stops handing out keys at once, even if some are queued:
 * controllers are level-triggered, so whoever runs next relists and finds the same work.
 */
export class WorkQueue<K extends string = string> {
  /** Keys ready to hand out, in order; each is also dirty and none is processing. */
  private queue: K[] = [];
  private head = 0;
  private readonly dirty = new Set<K>();
  private readonly processing = new Set<K>();
  private readonly waiters: ((item: QueueItem<K>) => void)[] = [];
  private stopped = false;
  /** Reported only for a named queue (client-go's workqueue metrics). */
  protected readonly metrics: QueueMetrics<K> | undefined;

  constructor(options: { name?: string } = {}) {
    this.metrics = options.name ? queueMetrics<K>(options.name, () => this.len()) : undefined;
  }

  add(key: K): void {
    if (this.stopped || this.dirty.has(key)) return;
    this.metrics?.added(key);
    this.dirty.add(key);
    if (this.processing.has(key)) return;
    this.enqueue(key);
  }

  /** Resolves with the next key, waiting for one if the queue is empty, or with `shutdown: true`. */
  get(): Promise<QueueItem<K>> {
    if (this.stopped) return Promise.resolve(SHUTDOWN);
    const key = this.dequeue();
    if (key !== undefined) return Promise.resolve(this.startProcessing(key));
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /** Marks the key as finished; if it was added again meanwhile, it goes back in the queue. */
  done(key: K): void {
    if (!this.processing.delete(key)) return;
    this.metrics?.finished(key);
    if (this.dirty.has(key) && !this.stopped) this.enqueue(key);
  }

  /** Keys waiting to be handed out (not those being processed). */
  len(): number {
    return this.queue.length - this.head;
  }

  shutDown(): void {
    this.stopped = true;
    this.metrics?.close();
    for (const resolve of this.waiters.splice(0)) resolve(SHUTDOWN);
  }

  shuttingDown(): boolean {
    return this.stopped;
  }

  private enqueue(key: K): void {
    const waiter = this.waiters.shift();
    if (waiter) waiter(this.startProcessing(key));
    else this.queue.push(key);
  }

  private dequeue(): K | undefined {
    if (this.head === this.queue.length) return undefined;
    const key = this.queue[this.head++];
    // Drop the consumed prefix now and then instead of shifting on every get.
    if (this.head > 1024 && this.head * 2 > this.queue.length) {
      this.queue = this.queue.slice(this.head);
      this.head = 0;
    }
    return key;
  }

  private startProcessing(key: K): QueueItem<K> {
    this.dirty.delete(key);
    this.processing.add(key);
    this.metrics?.started(key);
    return { key, shutdown: false };
  }
}
