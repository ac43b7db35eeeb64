import type { Pod } from '../../../lib/api/generated/index.js';

/**
 * Whether an update of a pod means anything to the kubelet: a new spec, labels, annotations or
 * deletion mark. The kubelet's own status writes come back as updates too; like kubelet's pod
 * config source, those are not a reason to sync the pod again.
 */
export function podChangedForKubelet(before: Pod, after: Pod): boolean {
  return desired(before) !== desired(after);
}

function desired(pod: Pod): string {
  const { resourceVersion: _rv, ...metadata } = pod.metadata ?? {};
  return JSON.stringify([metadata, pod.spec ?? {}]);
}
