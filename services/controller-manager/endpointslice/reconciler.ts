import { isDeepStrictEqual } from 'node:util';
import type { Endpoint, EndpointSlice, EndpointSlicePort, OwnerReference, Service } from '../../../lib/api/generated/index.js';
import { MANAGED_BY_LABEL, SERVICE_NAME_LABEL } from '../../../lib/api/endpoint-slices.js';
import { endpointLabels } from '../common/endpoint-util.js';
import { endpointKey, portSetKey, type PortGroup } from './desired-endpoints.js';

// Kubernetes' EndpointSlice reconciler: turns the desired endpoints of one Service into the
// fewest writes to its existing slices. Endpoints stay in the slice that holds them (updated in
// place when their conditions change), new ones fill slices that are written anyway, then slices
// with room, then new slices; slices left empty go, except one placeholder for a Service without
// endpoints.

export const CONTROLLER_NAME = 'endpointslice-controller.k8s.io';
const ADDRESS_TYPE = 'IPv4';

export interface SlicePlan {
  create: EndpointSlice[];
  update: EndpointSlice[];
  delete: EndpointSlice[];
}

/** Who a set of slices belongs to: the labels they all carry and the object that owns them. */
export interface SliceOwner {
  namespace: string;
  /** The Service's name: slices are named after it. */
  serviceName: string;
  labels: Record<string, string>;
  owner: OwnerReference;
}

function ownerRef(kind: string, meta: { name?: string; uid?: string } | undefined): OwnerReference {
  return { apiVersion: 'v1', kind, name: meta?.name ?? '', uid: meta?.uid ?? '', controller: true, blockOwnerDeletion: true };
}

/** The slices of a Service with a selector: the Service's labels, its name and this controller; owned by the Service. */
export function serviceSliceOwner(service: Service): SliceOwner {
  const meta = service.metadata ?? {};
  return {
    namespace: meta.namespace ?? '',
    serviceName: meta.name ?? '',
    labels: { ...endpointLabels(service), [SERVICE_NAME_LABEL]: meta.name ?? '', [MANAGED_BY_LABEL]: CONTROLLER_NAME },
    owner: ownerRef('Service', meta),
  };
}

/** Slices that mirror another object's endpoints (an Endpoints written by hand), owned by that object. */
export function mirroredSliceOwner(kind: string, meta: { name?: string; namespace?: string; uid?: string; labels?: Record<string, string> } | undefined, managedBy: string): SliceOwner {
  return {
    namespace: meta?.namespace ?? '',
    serviceName: meta?.name ?? '',
    labels: { ...meta?.labels, [SERVICE_NAME_LABEL]: meta?.name ?? '', [MANAGED_BY_LABEL]: managedBy },
    owner: ownerRef(kind, meta),
  };
}

function ownedBy(slice: EndpointSlice, owner: SliceOwner): boolean {
  return (slice.metadata?.ownerReferences ?? []).some((ref) => ref.controller === true && ref.uid === owner.owner.uid);
}

function newSlice(owner: SliceOwner, ports: EndpointSlicePort[]): EndpointSlice {
  return {
    metadata: { generateName: `${owner.serviceName}-`, namespace: owner.namespace, labels: owner.labels, ownerReferences: [owner.owner] },
    addressType: ADDRESS_TYPE,
    endpoints: [],
    ports,
  };
}

/** A slice being reconciled: its new endpoints and whether it must be written. */
interface Draft {
  slice: EndpointSlice;
  endpoints: Endpoint[];
  changed: boolean;
  isNew: boolean;
}

/** Keeps each still-desired endpoint where it is (its new version), drops the rest. */
function keepDesired(slice: EndpointSlice, remaining: Map<string, Endpoint>, labels: Record<string, string>): Draft {
  const endpoints: Endpoint[] = [];
  let changed = !isDeepStrictEqual(slice.metadata?.labels ?? {}, labels);
  for (const endpoint of slice.endpoints ?? []) {
    const key = endpointKey(endpoint);
    const wanted = remaining.get(key);
    // Gone, or already kept by another slice: each endpoint is in one slice only.
    if (!wanted) {
      changed = true;
      continue;
    }
    remaining.delete(key);
    endpoints.push(wanted);
    if (!isDeepStrictEqual(endpoint, wanted)) changed = true;
  }
  return { slice, endpoints, changed, isNew: false };
}

/** Places the endpoints no slice holds yet: slices written anyway first, then any with room, then new ones. */
function placeRemaining(drafts: Draft[], remaining: Endpoint[], newDraft: () => Draft, max: number): void {
  const withRoom = [...drafts.filter((d) => d.changed), ...drafts.filter((d) => !d.changed)];
  for (const endpoint of remaining) {
    let draft = withRoom.find((d) => d.endpoints.length < max);
    if (!draft) {
      draft = newDraft();
      drafts.push(draft);
      withRoom.push(draft);
    }
    draft.endpoints.push(endpoint);
    draft.changed = true;
  }
}

function reconcileGroup(owner: SliceOwner, group: PortGroup, existing: EndpointSlice[], max: number, plan: SlicePlan): void {
  const labels = owner.labels;
  const remaining = new Map(group.endpoints);
  const drafts = existing.map((slice) => keepDesired(slice, remaining, labels));
  placeRemaining(drafts, [...remaining.values()], () => ({ slice: newSlice(owner, group.ports), endpoints: [], changed: true, isNew: true }), max);
  // A Service without endpoints keeps one empty placeholder slice, as Kubernetes does.
  const placeholder = group.endpoints.size === 0 ? (drafts[0] ?? { slice: newSlice(owner, group.ports), endpoints: [], changed: true, isNew: true }) : undefined;
  if (placeholder && !drafts.includes(placeholder)) drafts.push(placeholder);
  for (const draft of drafts) {
    if (draft.endpoints.length === 0 && draft !== placeholder) {
      if (!draft.isNew) plan.delete.push(draft.slice);
      continue;
    }
    if (!draft.changed) continue;
    const slice: EndpointSlice = { ...draft.slice, metadata: { ...draft.slice.metadata, labels }, endpoints: draft.endpoints };
    (draft.isNew ? plan.create : plan.update).push(slice);
  }
}

/**
 * The writes that bring `existing` (the slices labelled as this Service's and managed by the
 * owner's controller) to the desired port groups, at most `maxEndpointsPerSlice` endpoints per slice.
 */
export function planSlices(owner: SliceOwner, desired: Map<string, PortGroup>, existing: readonly EndpointSlice[], maxEndpointsPerSlice: number): SlicePlan {
  const plan: SlicePlan = { create: [], update: [], delete: [] };
  const groups = desired.size > 0 ? desired : new Map([['', { ports: [], endpoints: new Map() }]]);
  const byGroup = new Map<string, EndpointSlice[]>();
  for (const slice of existing) {
    const key = portSetKey(slice.ports);
    // Another owner of the same name (deleted and recreated) or another address family: not ours to keep.
    if (!ownedBy(slice, owner) || slice.addressType !== ADDRESS_TYPE || !groups.has(key)) {
      plan.delete.push(slice);
      continue;
    }
    byGroup.set(key, [...(byGroup.get(key) ?? []), slice]);
  }
  for (const [key, group] of groups) reconcileGroup(owner, group, byGroup.get(key) ?? [], maxEndpointsPerSlice, plan);
  return plan;
}
