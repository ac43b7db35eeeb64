import { createHash } from 'node:crypto';
import type { Pod } from '../../lib/api/generated/index.js';
import { parseTime } from '../../lib/client/api-time.js';

// The arithmetic of kubectl's client-side rolling update (kubectl 1.10 RollingUpdater with
// maxSurge 1 and maxUnavailable 0): how far the new controller may grow and the old one shrink
// in one step without exceeding the surge limit or dropping below the available minimum.

interface Fenceposts {
  desired: number;
  maxSurge: number;
  maxUnavailable: number;
  minAvailable: number;
}

export function fenceposts(desired: number, oldReplicas: number): Fenceposts {
  const maxSurge = 1;
  if (desired === 0) return { desired, maxSurge, maxUnavailable: oldReplicas, minAvailable: 0 };
  const maxUnavailable = 0;
  return { desired, maxSurge, maxUnavailable, minAvailable: Math.max(0, desired - maxUnavailable) };
}

/** The new controller's next size, or undefined when it must not grow now. */
export function scaleUpTarget(newReplicas: number, oldReplicas: number, f: Fenceposts): number | undefined {
  if (newReplicas === f.desired) return undefined;
  const increment = oldReplicas === 0 ? f.desired - newReplicas : f.desired + f.maxSurge - (oldReplicas + newReplicas);
  if (increment <= 0) return undefined;
  return Math.min(newReplicas + increment, f.desired);
}

/** The old controller's next size given how many new pods are available, or undefined when it must not shrink now. */
export function scaleDownTarget(newReplicas: number, oldReplicas: number, newAvailable: number, f: Fenceposts): number | undefined {
  if (oldReplicas === 0) return undefined;
  const decrement = oldReplicas + newReplicas - f.minAvailable - (newReplicas - newAvailable);
  if (decrement <= 0) return undefined;
  if (newReplicas === f.desired && newAvailable === f.desired) return 0;
  return Math.max(0, oldReplicas - decrement);
}

/** kubectl's util.HashObject: the hex MD5 of the object's serialization. */
export function hashObject(object: unknown): string {
  return createHash('md5').update(JSON.stringify(object)).digest('hex');
}

/** Ready (and ready for minReadySeconds), and not being deleted: kubectl's podutil.IsPodAvailable. */
export function isPodAvailable(pod: Pod, minReadySeconds: number, now: number): boolean {
  if (pod.metadata?.deletionTimestamp) return false;
  const ready = (pod.status?.conditions ?? []).find((c) => c.type === 'Ready');
  if (ready?.status !== 'True') return false;
  if (minReadySeconds === 0) return true;
  const since = parseTime(ready.lastTransitionTime);
  return !Number.isNaN(since) && since + minReadySeconds * 1000 <= now;
}
