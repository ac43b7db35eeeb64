import type { Logger } from 'pino';
import type { ApiClient } from '../../../lib/client/client.js';
import type { KubeObject } from '../../../lib/client/keys.js';
import type { EventRecorder } from '../../../lib/events/event-recorder.js';
import type { SharedInformerFactory } from '../../../lib/informer/shared-informer-factory.js';
import { IndexError, type IndexFunc, type Indexer } from '../../../lib/informer/store.js';
import { runWorkers, type RateLimitingQueue } from '../../../lib/workqueue/index.js';

/** One control loop of the controller manager. */
export interface Controller {
  /** The name used in --controllers and in logs, e.g. `replicaset`. */
  readonly name: string;
  /** Works until the signal aborts; resolves once in-flight syncs have finished. */
  run(signal: AbortSignal): Promise<void>;
}

/** What every controller is built from; informers come from the shared factory so each kind is watched once. */
export interface ControllerContext {
  client: ApiClient;
  informers: SharedInformerFactory;
  log: Logger;
  /** The recorder for one event source, e.g. `replicaset-controller`. */
  recorder(component: string): EventRecorder;
  now(): number;
}

/** Adds an index to a shared informer's cache unless another controller already did. */
export function ensureIndex<T extends KubeObject>(store: Indexer<T>, name: string, fn: IndexFunc<T>): void {
  try {
    store.listByIndex(name, '');
  } catch (err) {
    if (!(err instanceof IndexError)) throw err;
    store.addIndexer(name, fn);
  }
}

export interface QueueLoop<K extends string> {
  queue: RateLimitingQueue<K>;
  workers: number;
  sync(key: K): Promise<void>;
  log: Logger;
  /** Registers informer handlers; each returns its unregister function. Called once workers may start. */
  register: (() => () => void)[];
}

/**
 * The shape of every controller's run: register handlers (informers replay their cache as adds,
 * so every existing object is visited once), run the workers until the signal aborts, then stop
 * enqueueing, shut the queue down and wait for the syncs in flight.
 */
export async function runQueueLoop<K extends string>(loop: QueueLoop<K>, signal: AbortSignal): Promise<void> {
  if (signal.aborted) return;
  const unregister = loop.register.map((add) => add());
  const stop = (): void => {
    for (const off of unregister) off();
    loop.queue.shutDown();
  };
  signal.addEventListener('abort', stop, { once: true });
  try {
    await runWorkers(loop.queue, loop.workers, loop.sync, loop.log);
  } finally {
    signal.removeEventListener('abort', stop);
  }
}
