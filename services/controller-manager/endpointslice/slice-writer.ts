import type { EndpointSlice } from '../../../lib/api/generated/index.js';
import { MANAGED_BY_LABEL, SERVICE_NAME_LABEL } from '../../../lib/api/endpoint-slices.js';
import { isApiError } from '../../../lib/api/errors.js';
import type { ApiClient } from '../../../lib/client/client.js';
import { keyFor } from '../../../lib/client/keys.js';
import type { EventHandlers, Informer } from '../../../lib/informer/informer.js';
import { ensureIndex } from '../common/controller.js';
import type { SlicePlan } from './reconciler.js';
import { SliceTracker } from './slice-tracker.js';

/**
 * The slices one manager writes (the EndpointSlice controller, the mirroring controller): which
 * Service each belongs to, an index of them by Service, and the writes of a plan, remembered until
 * the cache shows them (SliceTracker).
 */
export class SliceWriter {
  readonly tracker = new SliceTracker();
  private readonly index: string;

  constructor(
    private readonly client: ApiClient,
    readonly slices: Informer<EndpointSlice>,
    private readonly managedBy: string,
  ) {
    this.index = `endpointslices-of:${managedBy}`;
    ensureIndex(slices.store, this.index, (slice) => {
      const key = this.serviceKeyOf(slice);
      return key ? [key] : [];
    });
  }

  /** The key of the Service a slice of this manager belongs to; undefined for other slices. */
  serviceKeyOf(slice: EndpointSlice): string | undefined {
    const labels = slice.metadata?.labels ?? {};
    const service = labels[SERVICE_NAME_LABEL];
    return service && labels[MANAGED_BY_LABEL] === this.managedBy ? keyFor(slice.metadata?.namespace ?? '', service) : undefined;
  }

  /**
   * Slice events for the manager's queue: its own writes arriving (see SliceTracker) and slices
   * someone else changed or deleted send the owning Service's key.
   */
  handlers(enqueue: (serviceKey: string) => void): EventHandlers<EndpointSlice> {
    const owner = (slice: EndpointSlice): void => {
      const key = this.serviceKeyOf(slice);
      if (key) enqueue(key);
    };
    return {
      onAdd: owner,
      onUpdate: (_old, cur) => owner(cur),
      onDelete: (slice) => {
        const key = this.serviceKeyOf(slice);
        if (!key) return;
        this.tracker.gone(key, slice);
        enqueue(key);
      },
    };
  }

  /** This manager's slices of one Service, as cached. */
  slicesOf(serviceKey: string): EndpointSlice[] {
    return this.slices.store.listByIndex(this.index, serviceKey);
  }

  /** Creates before updates before deletes, so an endpoint moving between slices is never missing. */
  async apply(serviceKey: string, namespace: string, plan: SlicePlan): Promise<void> {
    const client = this.client.resource('endpointSlice');
    for (const slice of plan.create) this.tracker.wrote(serviceKey, await client.create(slice));
    for (const slice of plan.update) this.tracker.wrote(serviceKey, await client.update(slice));
    for (const slice of plan.delete) {
      try {
        await client.delete(namespace, slice.metadata?.name ?? '');
      } catch (err) {
        if (!isApiError(err, 'NotFound')) throw err;
      }
      this.tracker.deleted(serviceKey, slice);
    }
  }
}
