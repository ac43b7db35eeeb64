import type { AnyObject, EnvelopeField, ResourceInfo } from '../../../lib/api/resources.js';
import { badRequest } from '../../../lib/api/errors.js';
import { fieldText as str, strategyFor, type FieldGetter, type FieldGetters } from '../kinds/index.js';

// The fields each kind can be selected on (Kubernetes' *ToSelectableFields functions): the
// metadata fields every kind has, and the kind's own from its strategy.

const namespacedMeta: FieldGetters<AnyObject> = {
  'metadata.name': (o) => str(o.metadata?.name),
  'metadata.namespace': (o) => str(o.metadata?.namespace),
};
const clusterMeta: FieldGetters<AnyObject> = {
  'metadata.name': (o) => str(o.metadata?.name),
};

const gettersByField = new Map<EnvelopeField, FieldGetters<AnyObject>>();

function gettersFor(info: ResourceInfo): FieldGetters<AnyObject> {
  let getters = gettersByField.get(info.field);
  if (!getters) {
    getters = { ...(info.namespaced ? namespacedMeta : clusterMeta), ...strategyFor(info).fields?.getters };
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

/**
 * The paths of an object that decide whether a watch or list selects it: name, namespace and
 * labels, each selectable field (whose name is its path) and what its getter reads besides.
 */
export function selectionPaths(info: ResourceInfo): string[] {
  return ['metadata.name', 'metadata.namespace', 'metadata.labels', ...Object.keys(gettersFor(info)), ...(strategyFor(info).fields?.reads ?? [])];
}
