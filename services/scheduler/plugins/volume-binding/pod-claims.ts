import type { PersistentVolume, PersistentVolumeClaim, Pod } from '../../../../lib/api/generated/index.js';
import { SELECTED_NODE_ANNOTATION } from '../../../../lib/storage/annotations.js';
import { claimClassName } from '../../../../lib/storage/classes.js';
import type { VolumeLister } from '../../framework/interfaces.js';

export const ERR_UNBOUND_IMMEDIATE = 'pod has unbound immediate PersistentVolumeClaims';
export const ERR_BOUND_TO_MISSING_PV = 'node(s) unavailable due to one or more pvc(s) bound to non-existent pv(s)';

/** The claims of a pod split as the VolumeBinding plugin sees them, or why the pod cannot be placed at all. */
export type PodClaims =
  | { ok: true; bound: PersistentVolume[]; delayed: PersistentVolumeClaim[] }
  | { ok: false; reason: string };

/**
 * Kubernetes' GetPodVolumeClaims: bound claims with their volumes, unbound claims of a
 * WaitForFirstConsumer class (bound once a node is chosen), and a refusal for a missing claim,
 * a claim being deleted, a claim bound to a missing volume or an unbound claim of any other
 * class (the binder binds those on its own; the pod waits).
 */
export function podClaims(pod: Pod, volumes: VolumeLister): PodClaims {
  const namespace = pod.metadata?.namespace ?? '';
  const bound: PersistentVolume[] = [];
  const delayed: PersistentVolumeClaim[] = [];
  for (const v of pod.spec?.volumes ?? []) {
    const name = v.persistentVolumeClaim?.claimName;
    if (!name) continue;
    const claim = volumes.claim(namespace, name);
    if (!claim) return { ok: false, reason: `persistentvolumeclaim "${name}" not found` };
    if (claim.metadata?.deletionTimestamp) return { ok: false, reason: `persistentvolumeclaim "${name}" is being deleted` };
    const volumeName = claim.spec?.volumeName;
    if (volumeName) {
      const pv = volumes.volume(volumeName);
      if (!pv) return { ok: false, reason: ERR_BOUND_TO_MISSING_PV };
      bound.push(pv);
      continue;
    }
    const className = claimClassName(claim);
    const sc = className ? volumes.storageClass(className) : undefined;
    if (sc?.volumeBindingMode !== 'WaitForFirstConsumer') return { ok: false, reason: ERR_UNBOUND_IMMEDIATE };
    delayed.push(claim);
  }
  return { ok: true, bound, delayed };
}

/**
 * The claims to annotate with the chosen node before the pod is bound (the plugin's PreBind):
 * its unbound WaitForFirstConsumer claims that do not name that node yet. The binder then binds
 * or provisions them for that node, and the kubelet mounts them once they are bound.
 */
export function claimsToSelectNode(pod: Pod, nodeName: string, volumes: VolumeLister): PersistentVolumeClaim[] {
  const claims = podClaims(pod, volumes);
  if (!claims.ok) return [];
  return claims.delayed.filter((c) => c.metadata?.annotations?.[SELECTED_NODE_ANNOTATION] !== nodeName);
}
