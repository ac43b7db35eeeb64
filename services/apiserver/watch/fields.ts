import type { Event, Namespace, Node, Pod, ReplicaSet, ReplicationController, Secret } from '../../../lib/api/generated/index.js';
import type { AnyObject, EnvelopeField, KindTypes, ResourceInfo } from '../../../lib/api/resources.js';
import { badRequest } from '../../../lib/api/errors.js';

// The fields each kind can be selected on, with the string value Kubernetes compares against
// (its *ToSelectableFields functions): booleans as "true"/"false", numbers in decimal, absent as "".

type FieldGetter<T> = (obj: T) => string;
type FieldGetters<T> = Readonly<Record<string, FieldGetter<T>>>;

const str = (value: string | undefined): string => value ?? '';

const namespacedMeta: FieldGetters<AnyObject> = {
  'metadata.name': (o) => str(o.metadata?.name),
  'metadata.namespace': (o) => str(o.metadata?.namespace),
};
const clusterMeta: FieldGetters<AnyObject> = {
  'metadata.name': (o) => str(o.metadata?.name),
};

const pod: FieldGetters<Pod> = {
  'spec.nodeName': (p) => str(p.spec?.nodeName),
  'spec.restartPolicy': (p) => str(p.spec?.restartPolicy),
  'spec.schedulerName': (p) => str(p.spec?.schedulerName),
  'spec.serviceAccountName': (p) => str(p.spec?.serviceAccountName),
  'spec.hostNetwork': (p) => String(p.spec?.hostNetwork ?? false),
  'status.phase': (p) => str(p.status?.phase),
  'status.podIP': (p) => str(p.status?.podIPs?.[0]?.ip || p.status?.podIP),
  'status.nominatedNodeName': (p) => str(p.status?.nominatedNodeName),
};

const node: FieldGetters<Node> = {
  'spec.unschedulable': (n) => String(n.spec?.unschedulable ?? false),
};

const event: FieldGetters<Event> = {
  'involvedObject.kind': (e) => str(e.involvedObject?.kind),
  'involvedObject.namespace': (e) => str(e.involvedObject?.namespace),
  'involvedObject.name': (e) => str(e.involvedObject?.name),
  'involvedObject.uid': (e) => str(e.involvedObject?.uid),
  'involvedObject.apiVersion': (e) => str(e.involvedObject?.apiVersion),
  'involvedObject.resourceVersion': (e) => str(e.involvedObject?.resourceVersion),
  'involvedObject.fieldPath': (e) => str(e.involvedObject?.fieldPath),
  reason: (e) => str(e.reason),
  reportingComponent: (e) => str(e.reportingComponent),
  source: (e) => str(e.source?.component || e.reportingComponent),
  type: (e) => str(e.type),
};

const secret: FieldGetters<Secret> = { type: (s) => str(s.type) };
const namespace: FieldGetters<Namespace> = { 'status.phase': (n) => str(n.status?.phase) };
const replicas: FieldGetters<ReplicaSet | ReplicationController> = {
  'status.replicas': (r) => String(r.status?.replicas ?? 0),
};

const kindFields: { [F in EnvelopeField]?: FieldGetters<KindTypes[F]> } = {
  pod,
  node,
  event,
  secret,
  namespace,
  replicaSet: replicas,
  replicationController: replicas,
};

const gettersByField = new Map<EnvelopeField, FieldGetters<AnyObject>>();

function gettersFor(info: ResourceInfo): FieldGetters<AnyObject> {
  let getters = gettersByField.get(info.field);
  if (!getters) {
    const specific = (kindFields[info.field] ?? {}) as FieldGetters<AnyObject>;
    getters = { ...(info.namespaced ? namespacedMeta : clusterMeta), ...specific };
    gettersByField.set(info.field, getters);
  }
  return getters;
}

const absent: FieldGetter<AnyObject> = () => '';

/** Reads one selectable field; a field the kind does not have reads as "" (validate selectors first). */
export function fieldGetter(info: ResourceInfo, field: string): FieldGetter<AnyObject> {
  return Object.hasOwn(gettersFor(info), field) ? gettersFor(info)[field]! : absent;
}

/** Every selectable field of obj with its value, as Kubernetes' field selectors see it. */
export function objectFields(info: ResourceInfo, obj: AnyObject): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [field, getter] of Object.entries(gettersFor(info))) out[field] = getter(obj);
  return out;
}

/** Rejects a field selector on a field the kind cannot be selected on, with Kubernetes' message. */
export function validateFieldSelector(info: ResourceInfo, requirements: readonly { field: string }[]): void {
  const getters = gettersFor(info);
  for (const r of requirements) {
    if (!Object.hasOwn(getters, r.field)) throw badRequest(`field label not supported: ${r.field}`);
  }
}
