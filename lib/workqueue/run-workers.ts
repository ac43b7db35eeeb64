import type { Logger } from 'pino';
import type { RateLimitingQueue } from './rate-limiting-queue.js';

export type SyncFn<K extends string> = (key: K) => Promise<void>;

/**
 * Runs `workers` loops of get → sync → forget (success) or addRateLimited (failure) → done.
 * Resolves once the queue is shut down and every in-flight sync has finished.
 */
export async function runWorkers<K extends string>(
  queue: RateLimitingQueue<K>,
  workers: number,
  sync: SyncFn<K>,
  log: Logger,
): Promise<void> {
  const loops = Array.from({ length: workers }, () => workerLoop(queue, sync, log));
  await Promise.all(loops);
}

async function workerLoop<K extends string>(queue: RateLimitingQueue<K>, sync: SyncFn<K>, log: Logger): Promise<void> {
  for (;;) {
    const item = await queue.get();
    if (item.shutdown) return;
    const { key } = item;
    try {
      await sync(key);
      queue.forget(key);
    } catch (err) {
      queue.addRateLimited(key);
      log.warn({ key, err, requeues: queue.numRequeues(key) }, 'sync failed; retrying with backoff');
    } finally {
      queue.done(key);
    }
  }
}
