import type { DeleteOptions, Namespace, Pod } from '../../../lib/api/generated/index.js';
import type { AnyObject, ResourceInfo } from '../../../lib/api/resources.js';
import { addSeconds } from '../../../lib/client/api-time.js';
import { rfc3339 } from './object-meta.js';

export type DeletionPlan =
  | { kind: 'now' }
  | { kind: 'unchanged' }
  | { kind: 'mark'; object: AnyObject };

const DEFAULT_POD_GRACE_SECONDS = 30;

/** Grace period for a pod: none when no kubelet has it or it already finished, as Kubernetes does. */
function podGrace(pod: Pod, options: DeleteOptions): number {
  if (!pod.spec?.nodeName) return 0;
  if (pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed') return 0;
  return Math.max(0, options.gracePeriodSeconds ?? pod.spec.terminationGracePeriodSeconds ?? DEFAULT_POD_GRACE_SECONDS);
}

function propagationFinalizer(options: DeleteOptions): string | undefined {
  if (options.propagationPolicy === 'Orphan') return 'orphan';
  if (options.propagationPolicy === 'Foreground') return 'foregroundDeletion';
  return undefined;
}

/**
 * Decides what a delete does: remove the object now, or mark it with deletionTimestamp and let
 * whoever holds it (a kubelet, a finalizer's controller, the namespace controller) finish.
 */
export function deletionPlan(info: ResourceInfo, object: AnyObject, options: DeleteOptions, now = new Date()): DeletionPlan {
  const meta = object.metadata ?? {};
  const finalizers = [...(meta.finalizers ?? [])];
  const added = propagationFinalizer(options);
  if (added && !finalizers.includes(added)) finalizers.push(added);
  const grace = info.field === 'pod' ? podGrace(object as Pod, options) : 0;
  const holdsForKubelet = info.field === 'pod' && grace > 0;
  const holdsForNamespace = info.field === 'namespace';

  if (finalizers.length === 0 && !holdsForKubelet && !holdsForNamespace) return { kind: 'now' };

  if (meta.deletionTimestamp) {
    // Already being deleted: only a shorter grace period changes anything.
    const current = meta.deletionGracePeriodSeconds ?? 0;
    if (grace >= current && finalizers.length === (meta.finalizers ?? []).length) return { kind: 'unchanged' };
    if (grace === 0 && finalizers.length === 0 && !holdsForNamespace) return { kind: 'now' };
  }
  const marked = structuredClone(object);
  const deadline = new Date(addSeconds(now.getTime(), grace));
  marked.metadata = {
    ...marked.metadata,
    finalizers,
    deletionTimestamp: rfc3339(deadline),
    deletionGracePeriodSeconds: grace,
  };
  if (holdsForNamespace) {
    const ns = marked as Namespace;
    ns.status = { ...ns.status, phase: 'Terminating' };
  }
  return { kind: 'mark', object: marked };
}
