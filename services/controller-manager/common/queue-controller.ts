import type { Logger } from 'pino';
import type { KubeObject } from '../../../lib/client/keys.js';
import type { EventHandlers } from '../../../lib/informer/informer.js';
import { RateLimitingQueue, runWorkers } from '../../../lib/workqueue/index.js';
import type { Controller, ControllerContext } from './controller.js';

/** Adds informer handlers when the workers start; returns the function that removes them. */
export type HandlerRegistration = () => () => void;

interface QueueLoopOptions {
  /** Concurrent syncs (the --concurrent-*-syncs flags). */
  workers: number;
  /**
   * For controllers whose input changes without an event on what they watch (a scale target, a
   * silent node): every period, resyncKeys() is enqueued as well.
   */
  resyncPeriodMs?: number;
}

/**
 * The shape of every controller here, as in Kubernetes' sample-controller: informer handlers only
 * enqueue keys, workers take keys off a rate-limited queue and sync(key) converges that object
 * from the caches. A sync that throws is retried with backoff.
 */
export abstract class QueueController<K extends string = string> implements Controller {
  protected readonly queue: RateLimitingQueue<K>;
  protected readonly log: Logger;

  protected constructor(
    readonly name: string,
    protected readonly ctx: ControllerContext,
    private readonly loop: QueueLoopOptions,
  ) {
    this.log = ctx.log.child({ controller: name });
    this.queue = new RateLimitingQueue<K>({ name });
  }

  abstract sync(key: K): Promise<void>;

  /** The informer handlers, registered once the workers may start. */
  protected abstract handlers(): HandlerRegistration[];

  /** The keys enqueued every resyncPeriodMs. */
  protected resyncKeys(): Iterable<K> {
    return [];
  }

  /**
   * Registers the handlers (informers replay their cache as adds, so every existing object is
   * visited once), runs the workers until the signal aborts, then stops enqueueing, shuts the
   * queue down and waits for the syncs in flight.
   */
  async run(signal: AbortSignal): Promise<void> {
    if (signal.aborted) return;
    const { workers, resyncPeriodMs } = this.loop;
    const ticker =
      resyncPeriodMs === undefined
        ? undefined
        : setInterval(() => {
            for (const key of this.resyncKeys()) this.queue.add(key);
          }, resyncPeriodMs);
    const unregister = this.handlers().map((add) => add());
    const stop = (): void => {
      for (const off of unregister) off();
      this.queue.shutDown();
    };
    signal.addEventListener('abort', stop, { once: true });
    try {
      await runWorkers(this.queue, workers, (key) => this.sync(key), this.log);
    } finally {
      signal.removeEventListener('abort', stop);
      clearInterval(ticker);
    }
  }
}

/** Handlers that pass the object to fn when it is added, updated (the new version) or deleted. */
export function onEveryChange<T>(fn: (obj: T) => void): EventHandlers<T> {
  return { onAdd: fn, onUpdate: (_old, cur) => fn(cur), onDelete: fn };
}

/** Handlers that pass the object to fn when it is added or updated (the new version). */
export function onAddOrUpdate<T>(fn: (obj: T) => void): EventHandlers<T> {
  return { onAdd: fn, onUpdate: (_old, cur) => fn(cur) };
}

/**
 * Handlers for objects that lead to the ones a controller syncs (pods to their ReplicaSet, pods to
 * their Services): a real change passes both versions, since the old one may have led elsewhere;
 * a resync (same resourceVersion) passes nothing.
 */
export function onRelatedChange<T extends KubeObject>(fn: (obj: T) => void): EventHandlers<T> {
  return {
    onAdd: fn,
    onUpdate: (old, cur) => {
      if (old.metadata?.resourceVersion === cur.metadata?.resourceVersion) return;
      fn(old);
      fn(cur);
    },
    onDelete: fn,
  };
}
