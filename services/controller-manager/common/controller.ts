import type { Logger } from 'pino';
import type { ApiClient } from '../../../lib/client/client.js';
import type { KubeObject } from '../../../lib/client/keys.js';
import type { EventRecorder } from '../../../lib/events/event-recorder.js';
import type { SharedInformerFactory } from '../../../lib/informer/shared-informer-factory.js';
import { IndexError, type IndexFunc, type Indexer } from '../../../lib/informer/store.js';

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
