import type { Deployment } from '../../../lib/api/generated/index.js';
import { scaledValue } from '../common/int-or-percent.js';

export function isRollingUpdate(deployment: Deployment): boolean {
  return (deployment.spec?.strategy?.type || 'RollingUpdate') === 'RollingUpdate';
}

/**
 * Kubernetes' ResolveFenceposts: maxSurge rounds up, maxUnavailable rounds down, and both zero
 * would block every rollout, so maxUnavailable becomes 1 then.
 */
export function resolveFenceposts(deployment: Deployment): { maxSurge: number; maxUnavailable: number } {
  const desired = deployment.spec?.replicas ?? 1;
  const rolling = deployment.spec?.strategy?.rollingUpdate;
  const maxSurge = scaledValue(rolling?.maxSurge ?? { strVal: '25%' }, desired, true);
  let maxUnavailable = scaledValue(rolling?.maxUnavailable ?? { strVal: '25%' }, desired, false);
  if (maxSurge === 0 && maxUnavailable === 0) maxUnavailable = 1;
  return { maxSurge, maxUnavailable };
}

export function maxSurge(deployment: Deployment): number {
  if (!isRollingUpdate(deployment)) return 0;
  return resolveFenceposts(deployment).maxSurge;
}

export function maxUnavailable(deployment: Deployment): number {
  const desired = deployment.spec?.replicas ?? 1;
  if (!isRollingUpdate(deployment) || desired === 0) return 0;
  return Math.min(resolveFenceposts(deployment).maxUnavailable, desired);
}
