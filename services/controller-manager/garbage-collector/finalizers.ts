import type { ResourceClient } from '../../../lib/client/resource-client.js';
import type { KubeObject } from '../../../lib/client/keys.js';

/** Set by a Foreground delete: the owner waits until its blocking dependents are gone. */
export const FOREGROUND_FINALIZER = 'foregroundDeletion';
/** Set by an Orphan delete: the owner's dependents lose their reference to it instead of being deleted. */
export const ORPHAN_FINALIZER = 'orphan';

/**
 * Removes one finalizer with a JSON patch that first tests the uid and the current list, so a
 * finalizer someone else added meanwhile is never dropped (the patch fails and the sync retries).
 * Once the last finalizer is gone, the apiserver deletes the object.
 */
export async function removeFinalizer<T extends KubeObject>(client: ResourceClient<T>, obj: T, finalizer: string): Promise<void> {
  const meta = obj.metadata ?? {};
  const finalizers = meta.finalizers ?? [];
  if (!finalizers.includes(finalizer)) return;
  const remaining = finalizers.filter((f) => f !== finalizer);
  const patch = [
    { op: 'test', path: '/metadata/uid', value: meta.uid ?? '' },
    { op: 'test', path: '/metadata/finalizers', value: finalizers },
    remaining.length ? { op: 'replace', path: '/metadata/finalizers', value: remaining } : { op: 'remove', path: '/metadata/finalizers' },
  ];
  await client.patch(meta.namespace ?? '', meta.name ?? '', patch, { type: 'json' });
}
