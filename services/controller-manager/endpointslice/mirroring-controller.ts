import { isIPv4 } from 'node:net';
import type { Endpoint, EndpointAddress, Endpoints, Service } from '../../../lib/api/generated/index.js';
import { SKIP_MIRROR_LABEL } from '../../../lib/api/endpoint-slices.js';
import { keyOf, splitKey } from '../../../lib/client/keys.js';
import type { Informer } from '../../../lib/informer/informer.js';
import type { ControllerContext } from '../common/controller.js';
import { hasSelector } from '../common/endpoint-util.js';
import { onEveryChange, QueueController, type HandlerRegistration } from '../common/queue-controller.js';
import { endpointKey, portSetKey, type PortGroup } from './desired-endpoints.js';
import { mirroredSliceOwner, planSlices } from './reconciler.js';
import { SliceWriter } from './slice-writer.js';

const MIRRORING_CONTROLLER_NAME = 'endpointslicemirroring-controller.k8s.io';

function addressToEndpoint(address: EndpointAddress, ready: boolean): Endpoint {
  const endpoint: Endpoint = { addresses: [address.ip ?? ''], conditions: { ready } };
  if (address.targetRef) endpoint.targetRef = address.targetRef;
  if (address.nodeName) endpoint.nodeName = address.nodeName;
  if (address.hostname) endpoint.hostname = address.hostname;
  return endpoint;
}

/** An Endpoints object's subsets as port groups of slice endpoints (IPv4 only: this cluster is single-stack). */
function mirroredPortGroups(endpoints: Endpoints): Map<string, PortGroup> {
  const groups = new Map<string, PortGroup>();
  for (const subset of endpoints.subsets ?? []) {
    const ports = (subset.ports ?? []).map((p) => ({ name: p.name ?? '', port: p.port ?? 0, protocol: p.protocol || 'TCP' }));
    const key = portSetKey(ports);
    let group = groups.get(key);
    if (!group) groups.set(key, (group = { ports, endpoints: new Map() }));
    const listed: Array<[EndpointAddress, boolean]> = [...(subset.addresses ?? []).map((a) => [a, true] as [EndpointAddress, boolean]), ...(subset.notReadyAddresses ?? []).map((a) => [a, false] as [EndpointAddress, boolean])];
    for (const [address, ready] of listed) {
      if (!isIPv4(address.ip ?? '')) continue;
      const endpoint = addressToEndpoint(address, ready);
      group.endpoints.set(endpointKey(endpoint), endpoint);
    }
  }
  return groups;
}

interface MirroringOptions {
  workers?: number;
  maxEndpointsPerSlice?: number;
}

/**
 * Kubernetes' EndpointSlice mirroring controller: a Service without a selector gets its endpoints
 * from an Endpoints object someone writes by hand (an external database, say); this controller
 * mirrors that object into EndpointSlices (owned by it), which is what the proxy reads. Endpoints
 * of Services with a selector, and those labelled skip-mirror, are left alone.
 */
export class EndpointSliceMirroringController extends QueueController {
  private readonly services: Informer<Service>;
  private readonly endpoints: Informer<Endpoints>;
  private readonly writer: SliceWriter;
  private readonly maxEndpointsPerSlice: number;

  constructor(ctx: ControllerContext, options: MirroringOptions = {}) {
    super('endpointslicemirroring', ctx, { workers: options.workers ?? 5 });
    this.maxEndpointsPerSlice = options.maxEndpointsPerSlice ?? 1000;
    this.services = ctx.informers.informerFor('service');
    this.endpoints = ctx.informers.informerFor('endpoints');
    this.writer = new SliceWriter(ctx.client, ctx.informers.informerFor('endpointSlice'), MIRRORING_CONTROLLER_NAME);
  }

  protected handlers(): HandlerRegistration[] {
    const enqueue = (obj: Service | Endpoints): void => this.queue.add(keyOf(obj));
    return [
      () => this.services.addEventHandler(onEveryChange(enqueue)),
      () => this.endpoints.addEventHandler(onEveryChange(enqueue)),
      () => this.writer.slices.addEventHandler(this.writer.handlers((key) => this.queue.add(key))),
    ];
  }

  async sync(key: string): Promise<void> {
    const existing = this.writer.slicesOf(key);
    if (this.writer.tracker.isStale(key, existing)) return;
    const { namespace } = splitKey(key);
    const service = this.services.store.get(key);
    const endpoints = this.endpoints.store.get(key);
    const mirrored = service && endpoints && !hasSelector(service) && endpoints.metadata?.labels?.[SKIP_MIRROR_LABEL] !== 'true';
    if (!mirrored) {
      // Nothing to mirror (any more): our slices go.
      await this.writer.apply(key, namespace, { create: [], update: [], delete: existing });
      return;
    }
    const owner = mirroredSliceOwner('Endpoints', endpoints.metadata, MIRRORING_CONTROLLER_NAME);
    await this.writer.apply(key, namespace, planSlices(owner, mirroredPortGroups(endpoints), existing, this.maxEndpointsPerSlice));
  }
}
