import { setMaxListeners } from 'node:events';
import type { Logger } from 'pino';
import type { ApiClient } from '../client/client.js';
import type { EnvelopeField, KindTypes } from '../api/resources.js';
import { Informer, type InformerOptions } from './informer.js';

export interface InformerScope {
  /** '' (default): all namespaces. */
  namespace?: string;
  labelSelector?: string;
  fieldSelector?: string;
}

export interface SharedInformerFactoryOptions {
  /** Default resync period of the informers it makes; 0 (default) = off. */
  resyncMs?: number;
  pageSize?: number;
  log?: Logger;
}

/**
 * One informer per (kind, namespace, selectors), shared by every consumer that asks, so a process
 * holds one cache and one watch per distinct view however many controllers use it.
 */
export class SharedInformerFactory {
  private readonly informers = new Map<string, Informer<KindTypes[EnvelopeField]>>();
  private startSignal: AbortSignal | undefined;
  private started = false;

  constructor(
    private readonly client: ApiClient,
    private readonly options: SharedInformerFactoryOptions = {},
  ) {}

  /** The shared informer for this view; created on first request, and started at once if the factory already was. */
  informerFor<F extends EnvelopeField>(field: F, scope: InformerScope = {}): Informer<KindTypes[F]> {
    const key = [field, scope.namespace ?? '', scope.labelSelector ?? '', scope.fieldSelector ?? ''].join('\u0000');
    let informer = this.informers.get(key) as Informer<KindTypes[F]> | undefined;
    if (!informer) {
      const options: InformerOptions = { ...scope };
      if (this.options.resyncMs) options.resyncMs = this.options.resyncMs;
      if (this.options.pageSize) options.pageSize = this.options.pageSize;
      if (this.options.log) options.log = this.options.log;
      informer = new Informer(this.client.resource(field), options);
      this.informers.set(key, informer as unknown as Informer<KindTypes[EnvelopeField]>);
      if (this.started) informer.start(this.startSignal);
    }
    return informer;
  }

  /** Starts every informer made so far and every one made later. */
  start(signal?: AbortSignal): void {
    this.started = true;
    this.startSignal = relay(signal).signal;
    for (const informer of this.informers.values()) informer.start(this.startSignal);
  }

  /** True once every informer made so far has synced; false if the signal aborts first. */
  async waitForSync(signal?: AbortSignal): Promise<boolean> {
    const relayed = relay(signal);
    try {
      const results = await Promise.all([...this.informers.values()].map((i) => i.waitForSync(relayed.signal)));
      return results.every(Boolean);
    } finally {
      relayed.release();
    }
  }

  async stop(): Promise<void> {
    await Promise.all([...this.informers.values()].map((i) => i.stop()));
  }
}

/**
 * A signal that aborts with the caller's, for any number of informers to listen to: each informer
 * adds a listener, and more than ten on the caller's own signal would make Node warn of a leak.
 * `release` takes the relay's one listener off the caller's signal once it is no longer needed, so a
 * long-lived signal does not collect one per call.
 */
function relay(signal: AbortSignal | undefined): { signal: AbortSignal | undefined; release: () => void } {
  if (!signal) return { signal: undefined, release: () => {} };
  const relayed = new AbortController();
  setMaxListeners(0, relayed.signal);
  const forward = (): void => relayed.abort();
  if (signal.aborted) relayed.abort();
  else signal.addEventListener('abort', forward, { once: true });
  return { signal: relayed.signal, release: () => signal.removeEventListener('abort', forward) };
}
