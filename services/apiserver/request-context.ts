import { ApiError, badRequest } from '../../lib/api/errors.js';
import { unwrap, type Envelope } from '../../lib/api/envelope.js';
import { isStoredVersion, resourceByRequestName, resourceForApiVersion, type ResourceInfo } from '../../lib/api/resources.js';
import { LabelSelectorError, parseSelector, type Selector } from '../../lib/labels/selector.js';
import { FieldSelectorError, parseFieldSelector, type FieldRequirement } from '../../lib/labels/field-selector.js';
import { validateFieldSelector, type WatchFilter } from './watch/index.js';

/**
 * Resolves the resource a request names (plural, singular or kind), with kubectl's wording for an
 * unknown one. A request that carries an object may leave the resource empty: the object's
 * envelope field already says its kind.
 */
export function resolveResource(resource: string, carried?: Envelope): ResourceInfo {
  const named = resource ? resourceByRequestName(resource) : undefined;
  if (resource && !named) throw new ApiError('NotFound', `the server doesn't have a resource type "${resource}"`);
  const object = unwrap(carried);
  const info = named ?? object?.info;
  if (!info) throw badRequest('resource: Required value');
  // An object written in another served version (autoscaling/v1) is read in that version, unless the name chose one.
  const apiVersion = object?.object.apiVersion;
  if (!apiVersion || !isStoredVersion(info) || object.info.field !== info.field) return info;
  return resourceForApiVersion(info, apiVersion) ?? info;
}

/** The namespace a request addresses: ignored for cluster-scoped kinds. */
export function requestNamespace(info: ResourceInfo, namespace: string | undefined): string {
  return info.namespaced ? (namespace ?? '') : '';
}

function parseLabels(text: string | undefined): Selector | undefined {
  if (!text) return undefined;
  try {
    return parseSelector(text);
  } catch (err) {
    if (err instanceof LabelSelectorError) throw badRequest(`unable to parse requirement: ${err.message}`);
    throw err;
  }
}

/** Parses and checks the selectors of a list or watch. */
export function buildFilter(info: ResourceInfo, namespace: string, labelSelector?: string, fieldSelector?: string): WatchFilter {
  let fields: FieldRequirement[] = [];
  try {
    fields = fieldSelector ? [...parseFieldSelector(fieldSelector).requirements] : [];
  } catch (err) {
    if (err instanceof FieldSelectorError) throw badRequest(err.message);
    throw err;
  }
  validateFieldSelector(info, fields);
  return { namespace, label: parseLabels(labelSelector), fields };
}
