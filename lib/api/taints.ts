import type { Taint, Toleration } from './generated/index.js';

export const TAINT_NO_SCHEDULE = 'NoSchedule';
export const TAINT_PREFER_NO_SCHEDULE = 'PreferNoSchedule';
export const TAINT_NO_EXECUTE = 'NoExecute';

/** Kubernetes' well-known taints for nodes that are cordoned, not ready, or unreachable. */
export const TAINT_NODE_UNSCHEDULABLE = 'node.kubernetes.io/unschedulable';
export const TAINT_NODE_NOT_READY = 'node.kubernetes.io/not-ready';
export const TAINT_NODE_UNREACHABLE = 'node.kubernetes.io/unreachable';

/** Kubernetes' Toleration.ToleratesTaint: an empty key with Exists tolerates every key. */
export function toleratesTaint(t: Toleration, taint: Taint): boolean {
  if (t.effect && t.effect !== taint.effect) return false;
  if (t.key && t.key !== taint.key) return false;
  switch (t.operator ?? '') {
    case '':
    case 'Equal':
      return (t.value ?? '') === (taint.value ?? '');
    case 'Exists':
      return true;
    default:
      return false;
  }
}

export function tolerationsTolerateTaint(tolerations: readonly Toleration[], taint: Taint): boolean {
  for (const t of tolerations) if (toleratesTaint(t, taint)) return true;
  return false;
}

/** The first taint selected by `applies` that no toleration tolerates, in node order. */
export function findUntoleratedTaint(
  taints: readonly Taint[],
  tolerations: readonly Toleration[],
  applies: (taint: Taint) => boolean,
): Taint | undefined {
  for (const taint of taints) {
    if (applies(taint) && !tolerationsTolerateTaint(tolerations, taint)) return taint;
  }
  return undefined;
}
