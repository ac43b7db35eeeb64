import type { AnyObject, ResourceInfo } from '../../../lib/api/resources.js';
import { strategyFor } from '../kinds/index.js';
import { fieldGetter } from './fields.js';
import type { WatchFilter } from './types.js';
import type { ObjectMatcher } from './watcher.js';

/**
 * The field whose `=` selectors index watchers, so an event only visits the watchers that can want
 * it: a kubelet watches `spec.nodeName=<its node>`, and a thousand kubelets must not make every
 * pod event cost a thousand selector checks.
 */
export function indexedField(info: ResourceInfo): string | undefined {
  return strategyFor(info).fields?.indexed;
}

/** Where a watcher is filed: by its indexed field value, else by namespace, else with everyone. */
export type WatcherBucket = { by: 'field'; value: string } | { by: 'namespace'; value: string } | { by: 'all' };

export function bucketFor(info: ResourceInfo, filter: WatchFilter): WatcherBucket {
  const field = indexedField(info);
  const exact = field ? filter.fields.find((r) => r.field === field && r.op === '=') : undefined;
  if (exact) return { by: 'field', value: exact.value };
  if (info.namespaced && filter.namespace) return { by: 'namespace', value: filter.namespace };
  return { by: 'all' };
}

/** The filter as one predicate, or undefined when it lets everything through. */
export function compileFilter(info: ResourceInfo, filter: WatchFilter): ObjectMatcher | undefined {
  const namespace = info.namespaced ? filter.namespace : '';
  const label = filter.label && !filter.label.empty() ? filter.label : undefined;
  const fields = filter.fields.map((r) => ({ get: fieldGetter(info, r.field), equal: r.op === '=', value: r.value }));
  if (!namespace && !label && fields.length === 0) return undefined;
  return (obj: AnyObject) => {
    if (namespace && obj.metadata?.namespace !== namespace) return false;
    if (label && !label.matches(obj.metadata?.labels)) return false;
    for (const f of fields) if ((f.get(obj) === f.value) !== f.equal) return false;
    return true;
  };
}
