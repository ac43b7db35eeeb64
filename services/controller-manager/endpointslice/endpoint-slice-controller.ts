import type { EndpointSlice, Pod, Service } from '../../../lib/api/generated/index.js';
import { MANAGED_BY_LABEL, SERVICE_NAME_LABEL } from '../../../lib/api/endpoint-slices.js';
import { isApiError } from '../../../lib/api/errors.js';
import { keyFor, keyOf, splitKey } from '../../../lib/client/keys.js';
import type { Informer } from '../../../lib/informer/informer.js';
import { NAMESPACE_INDEX } from '../../../lib/informer/store.js';
import { selectorFromSet } from '../../../lib/labels/selector.js';
import { ensureIndex, type ControllerContext } from '../shared/controller.js';
import { hasSelector, servicesSelecting } from '../shared/endpoint-util.js';
import { onEveryChange, onRelatedChange, QueueController, type HandlerRegistration } from '../shared/queue-controller.js';
import { desiredPortGroups } from './desired-endpoints.js';
import { CONTROLLER_NAME, planSlices } from './reconciler.js';
import { SliceTracker } from './slice-tracker.js';

interface EndpointSliceControllerOptions {
  /** --concurrent-service-endpoint-syncs; default 5. */
  workers?: number;
  /** --max-endpoints-per-slice; default 100. */
  maxEndpointsPerSlice?: number;
}

const SERVICE_INDEX = 'endpointslice-service';

/** The key of the Service a slice of this controller belongs to; undefined for other slices. */
function serviceKeyOf(slice: EndpointSlice): string | undefined {
  const labels = slice.metadata?.labels ?? {};
  const service = labels[SERVICE_NAME_LABEL];
  return service && labels[MANAGED_BY_LABEL] === CONTROLLER_NAME ? keyFor(slice.metadata?.namespace ?? '', service) : undefined;
}

/**
 * Kubernetes' EndpointSlice controller, beside the Endpoints controller: for every Service with a
 * selector, EndpointSlices (owned by the Service, so the garbage collector removes them with it)
 * listing the selected pods with their ready, serving and terminating conditions. Slices of
 * other managers, and Services without a selector, are left alone.
 */
export class EndpointSliceController extends QueueController {
  private readonly services: Informer<Service>;
  private readonly pods: Informer<Pod>;
  private readonly slices: Informer<EndpointSlice>;
  private readonly tracker = new SliceTracker();
  private readonly maxEndpointsPerSlice: number;

  constructor(ctx: ControllerContext, options: EndpointSliceControllerOptions = {}) {
    super('endpointslice', ctx, { workers: options.workers ?? 5 });
    this.maxEndpointsPerSlice = options.maxEndpointsPerSlice ?? 100;
    this.services = ctx.informers.informerFor('service');
    this.pods = ctx.informers.informerFor('pod');
    this.slices = ctx.informers.informerFor('endpointSlice');
    ensureIndex(this.slices.store, SERVICE_INDEX, (slice) => {
      const key = serviceKeyOf(slice);
      return key ? [key] : [];
    });
  }

  protected handlers(): HandlerRegistration[] {
    const enqueueOwner = (slice: EndpointSlice): void => {
      const key = serviceKeyOf(slice);
      if (key) this.queue.add(key);
    };
    return [
      () => this.services.addEventHandler(onEveryChange((service) => this.queue.add(keyOf(service)))),
      () => this.pods.addEventHandler(onRelatedChange((pod) => this.enqueueServicesOf(pod))),
      // Our own writes arriving (see SliceTracker), and slices someone else changed or deleted.
      () =>
        this.slices.addEventHandler({
          ...onEveryChange(enqueueOwner),
          onDelete: (slice) => {
            const key = serviceKeyOf(slice);
            if (key) this.tracker.gone(key, slice);
            enqueueOwner(slice);
          },
        }),
    ];
  }

  private enqueueServicesOf(pod: Pod): void {
    for (const service of servicesSelecting(this.services.store.listByIndex(NAMESPACE_INDEX, pod.metadata?.namespace ?? ''), pod)) this.queue.add(keyOf(service));
  }

  async sync(key: string): Promise<void> {
    const service = this.services.store.get(key);
    if (!service) {
      // Its slices are owned by it: the garbage collector deletes them.
      this.tracker.forget(key);
      return;
    }
    if (!hasSelector(service)) return;
    const existing = this.slices.store.listByIndex(SERVICE_INDEX, key);
    if (this.tracker.isStale(key, existing)) {
      this.log.debug({ service: key }, 'waiting for the cache to show our last slice writes');
      return;
    }
    const { namespace } = splitKey(key);
    // An ExternalName Service is a DNS alias: no endpoints.
    const plan =
      service.spec?.type === 'ExternalName'
        ? { create: [], update: [], delete: [...existing] }
        : planSlices(service, desiredPortGroups(service, this.selectedPods(service, namespace)), existing, this.maxEndpointsPerSlice);
    const client = this.ctx.client.resource('endpointSlice');
    // Creates before updates before deletes, so an endpoint moving between slices is never missing.
    for (const slice of plan.create) this.tracker.wrote(key, await client.create(slice));
    for (const slice of plan.update) this.tracker.wrote(key, await client.update(slice));
    for (const slice of plan.delete) {
      try {
        await client.delete(namespace, slice.metadata?.name ?? '');
      } catch (err) {
        if (!isApiError(err, 'NotFound')) throw err;
      }
      this.tracker.deleted(key, slice);
    }
  }

  private selectedPods(service: Service, namespace: string): Pod[] {
    const selector = selectorFromSet(service.spec?.selector);
    return this.pods.store.listByIndex(NAMESPACE_INDEX, namespace).filter((pod) => selector.matches(pod.metadata?.labels));
  }
}
