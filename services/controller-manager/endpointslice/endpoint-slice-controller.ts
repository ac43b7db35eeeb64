import type { EndpointSlice, Pod, Service } from '../../../lib/api/generated/index.js';
import { keyOf, splitKey } from '../../../lib/client/keys.js';
import type { Informer } from '../../../lib/informer/informer.js';
import { NAMESPACE_INDEX } from '../../../lib/informer/store.js';
import { selectorFromSet } from '../../../lib/labels/selector.js';
import type { ControllerContext } from '../common/controller.js';
import { hasSelector, servicesSelecting } from '../common/endpoint-util.js';
import { onEveryChange, onRelatedChange, QueueController, type HandlerRegistration } from '../common/queue-controller.js';
import { desiredPortGroups } from './desired-endpoints.js';
import { CONTROLLER_NAME, planSlices, serviceSliceOwner } from './reconciler.js';
import { SliceWriter } from './slice-writer.js';

interface EndpointSliceControllerOptions {
  /** --concurrent-service-endpoint-syncs; default 5. */
  workers?: number;
  /** --max-endpoints-per-slice; default 100. */
  maxEndpointsPerSlice?: number;
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
  private readonly writer: SliceWriter;
  private readonly maxEndpointsPerSlice: number;

  constructor(ctx: ControllerContext, options: EndpointSliceControllerOptions = {}) {
    super('endpointslice', ctx, { workers: options.workers ?? 5 });
    this.maxEndpointsPerSlice = options.maxEndpointsPerSlice ?? 100;
    this.services = ctx.informers.informerFor('service');
    this.pods = ctx.informers.informerFor('pod');
    this.slices = ctx.informers.informerFor('endpointSlice');
    this.writer = new SliceWriter(ctx.client, this.slices, CONTROLLER_NAME);
  }

  protected handlers(): HandlerRegistration[] {
    return [
      () => this.services.addEventHandler(onEveryChange((service) => this.queue.add(keyOf(service)))),
      () => this.pods.addEventHandler(onRelatedChange((pod) => this.enqueueServicesOf(pod))),
      () => this.slices.addEventHandler(this.writer.handlers((key) => this.queue.add(key))),
    ];
  }

  private enqueueServicesOf(pod: Pod): void {
    for (const service of servicesSelecting(this.services.store.listByIndex(NAMESPACE_INDEX, pod.metadata?.namespace ?? ''), pod)) this.queue.add(keyOf(service));
  }

  async sync(key: string): Promise<void> {
    const service = this.services.store.get(key);
    if (!service) {
      // Its slices are owned by it: the garbage collector deletes them.
      this.writer.tracker.forget(key);
      return;
    }
    if (!hasSelector(service)) return;
    const existing = this.writer.slicesOf(key);
    if (this.writer.tracker.isStale(key, existing)) {
      this.log.debug({ service: key }, 'waiting for the cache to show our last slice writes');
      return;
    }
    const { namespace } = splitKey(key);
    // An ExternalName Service is a DNS alias: no endpoints.
    const plan =
      service.spec?.type === 'ExternalName'
        ? { create: [], update: [], delete: [...existing] }
        : planSlices(serviceSliceOwner(service), desiredPortGroups(service, this.selectedPods(service, namespace)), existing, this.maxEndpointsPerSlice);
    await this.writer.apply(key, namespace, plan);
  }

  private selectedPods(service: Service, namespace: string): Pod[] {
    const selector = selectorFromSet(service.spec?.selector);
    return this.pods.store.listByIndex(NAMESPACE_INDEX, namespace).filter((pod) => selector.matches(pod.metadata?.labels));
  }
}
