import { ApiError, badRequest } from '../../lib/api/errors.js';
import { resourceByName, type ResourceInfo } from '../../lib/api/resources.js';
import { LabelSelectorError, parseSelector, type Selector } from '../../lib/labels/selector.js';
import { FieldSelectorError, parseFieldSelector, type FieldRequirement } from '../../lib/labels/field-selector.js';
import { validateFieldSelector, type WatchFilter } from './watch/index.js';

/** Resolves the resource a request names, with kubectl's wording for an unknown one. */
export function resolveResource(resource: string): ResourceInfo {
  const info = resourceByName(resource);
  if (!info) throw new ApiError('NotFound', `the server doesn't have a resource type "${resource}"`);
  return info;
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
