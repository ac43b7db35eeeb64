import type { DeleteOptions } from '../../../lib/api/generated/index.js';
import type { AnyObject } from '../../../lib/api/resources.js';
import { addSeconds } from '../../../lib/client/api-time.js';
import type { DeletionStrategy } from '../kinds/index.js';
import { rfc3339 } from './object-meta.js';

export type DeletionPlan =
  | { kind: 'now' }
  | { kind: 'unchanged' }
  | { kind: 'mark'; object: AnyObject };

function propagationFinalizer(options: DeleteOptions): string | undefined {
  if (options.propagationPolicy === 'Orphan') return 'orphan';
  if (options.propagationPolicy === 'Foreground') return 'foregroundDeletion';
  return undefined;
}

/**
 * Decides what a delete does: remove the object now, or mark it with deletionTimestamp and let
 * whoever holds it (a kubelet, a finalizer's controller, the namespace controller) finish.
 */
export function deletionPlan(strategy: DeletionStrategy<AnyObject> | undefined, object: AnyObject, options: DeleteOptions, now = new Date()): DeletionPlan {
  const meta = object.metadata ?? {};
  const finalizers = [...(meta.finalizers ?? [])];
  const added = propagationFinalizer(options);
  if (added && !finalizers.includes(added)) finalizers.push(added);
  const grace = strategy?.gracePeriodSeconds?.(object, options) ?? 0;
  const holdsForRunner = grace > 0;
  const finalizesItself = strategy?.finalize !== undefined;

  if (finalizers.length === 0 && !holdsForRunner && !finalizesItself) return { kind: 'now' };

  if (meta.deletionTimestamp) {
    // Already being deleted: only a shorter grace period changes anything.
    const current = meta.deletionGracePeriodSeconds ?? 0;
    if (grace >= current && finalizers.length === (meta.finalizers ?? []).length) return { kind: 'unchanged' };
    if (grace === 0 && finalizers.length === 0 && !finalizesItself) return { kind: 'now' };
  }
  const marked = structuredClone(object);
  const deadline = new Date(addSeconds(now.getTime(), grace));
  marked.metadata = {
    ...marked.metadata,
    finalizers,
    deletionTimestamp: rfc3339(deadline),
    deletionGracePeriodSeconds: grace,
  };
  strategy?.finalize?.(marked);
  return { kind: 'mark', object: marked };
}

/** An object being deleted whose last finalizer is gone, and that nothing else holds, is removed from storage. */
export function finishesDeletion(strategy: DeletionStrategy<AnyObject> | undefined, object: AnyObject): boolean {
  if (!object.metadata?.deletionTimestamp) return false;
  if ((object.metadata.finalizers ?? []).length > 0) return false;
  return !(strategy?.heldBeyondFinalizers?.(object) ?? false);
}
