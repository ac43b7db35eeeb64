import type { Pod } from '../../../lib/api/generated/index.js';

/**
 * Whether an update of a pod means anything to the kubelet: a new spec, labels, annotations or
 * deletion mark (Kubernetes' podsDifferSemantically). The kubelet's own status writes come back as
 * updates too, with a new resourceVersion and the status writer's metadata.managedFields entry (its
 * time changes with every write); like kubelet's pod config source, those are not a reason to sync
 * the pod again, which would list and inspect its containers once more for every status write.
 */
export function podChangedForKubelet(before: Pod, after: Pod): boolean {
  return desired(before) !== desired(after);
}

function desired(pod: Pod): string {
  const meta = pod.metadata ?? {};
  return JSON.stringify([meta.labels ?? {}, meta.annotations ?? {}, meta.deletionTimestamp ?? '', meta.deletionGracePeriodSeconds ?? null, pod.spec ?? {}]);
}
