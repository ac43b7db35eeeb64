import { isDeepStrictEqual } from 'node:util';
import { isApiError } from '../../../lib/api/errors.js';
import type { Endpoints, Pod, Service } from '../../../lib/api/generated/index.js';
import { keyOf, splitKey } from '../../../lib/client/keys.js';
import type { Informer } from '../../../lib/informer/informer.js';
import { NAMESPACE_INDEX } from '../../../lib/informer/store.js';
import { selectorFromSet } from '../../../lib/labels/selector.js';
import type { ControllerContext } from '../common/controller.js';
import { endpointLabels, hasSelector, servicesSelecting } from '../common/endpoint-util.js';
import { onEveryChange, onRelatedChange, QueueController, type HandlerRegistration } from '../common/queue-controller.js';
import { endpointSubsets } from './endpoint-subsets.js';

interface EndpointsControllerOptions {
  /** --concurrent-endpoint-syncs; default 5. */
  workers?: number;
}

/** The apiserver keeps default/kubernetes pointing at itself. */
function apiserverOwned(key: string): boolean {
  return key === 'default/kubernetes';
}

/**
 * Kubernetes' endpoints controller: for every Service with a selector, an Endpoints object of the
 * same name listing the selected pods' addresses (ready ones in `addresses`, others in
 * `notReadyAddresses`) and the ports their targetPorts resolve to. Services without a selector
 * are left to whoever writes their Endpoints; Endpoints whose Service is gone are deleted.
 */
export class EndpointsController extends QueueController {
  private readonly services: Informer<Service>;
  private readonly pods: Informer<Pod>;
  private readonly endpoints: Informer<Endpoints>;

  constructor(ctx: ControllerContext, options: EndpointsControllerOptions = {}) {
    super('endpoint', ctx, { workers: options.workers ?? 5 });
    this.services = ctx.informers.informerFor('service');
    this.pods = ctx.informers.informerFor('pod');
    this.endpoints = ctx.informers.informerFor('endpoints');
  }

  protected handlers(): HandlerRegistration[] {
    const enqueue = (obj: Service | Endpoints): void => this.queue.add(keyOf(obj));
    return [
      () => this.services.addEventHandler(onEveryChange(enqueue)),
      () => this.pods.addEventHandler(onRelatedChange((pod) => this.enqueueServicesOf(pod))),
      // Existing Endpoints are visited once (leftovers of deleted Services go), and deleted
      // ones are written again while their Service exists.
      () => this.endpoints.addEventHandler({ onAdd: enqueue, onDelete: enqueue }),
    ];
  }

  private enqueueServicesOf(pod: Pod): void {
    for (const service of servicesSelecting(this.services.store.listByIndex(NAMESPACE_INDEX, pod.metadata?.namespace ?? ''), pod)) this.queue.add(keyOf(service));
  }

  async sync(key: string): Promise<void> {
    if (apiserverOwned(key)) return;
    const service = this.services.store.get(key);
    if (!service) {
      await this.deleteLeftover(key);
      return;
    }
    if (!hasSelector(service) || service.spec?.type === 'ExternalName') return;
    const { namespace, name } = splitKey(key);
    const selector = selectorFromSet(service.spec?.selector);
    const pods = this.pods.store.listByIndex(NAMESPACE_INDEX, namespace).filter((p) => selector.matches(p.metadata?.labels));
    const subsets = endpointSubsets(service, pods);
    const labels = endpointLabels(service);
    const current = this.endpoints.store.get(key);
    if (current && isDeepStrictEqual(current.subsets ?? [], subsets) && isDeepStrictEqual(current.metadata?.labels ?? {}, labels)) return;
    const client = this.ctx.client.resource('endpoints');
    if (!current) {
      await client.create({ metadata: { name, namespace, labels }, subsets });
      return;
    }
    await client.update({ ...current, metadata: { ...current.metadata, labels }, subsets });
  }

  /** Endpoints without a Service: confirmed with the API first, since the service cache may lag behind. */
  private async deleteLeftover(key: string): Promise<void> {
    if (!this.endpoints.store.get(key)) return;
    const { namespace, name } = splitKey(key);
    try {
      await this.ctx.client.resource('service').get(namespace, name);
      return;
    } catch (err) {
      if (!isApiError(err, 'NotFound')) throw err;
    }
    try {
      await this.ctx.client.resource('endpoints').delete(namespace, name);
    } catch (err) {
      if (!isApiError(err, 'NotFound')) throw err;
    }
  }
}
