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

  add(key: K): void {
    if (this.stopped || this.dirty.has(key)) return;
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
    if (this.dirty.has(key) && !this.stopped) this.enqueue(key);
  }

  /** Keys waiting to be handed out (not those being processed). */
  len(): number {
    return this.queue.length - this.head;
  }

  shutDown(): void {
    this.stopped = true;
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
    return { key, shutdown: false };
  }
}
