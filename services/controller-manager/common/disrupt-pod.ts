import { isGoneOrReplaced } from '../../../lib/api/errors.js';
import type { Pod } from '../../../lib/api/generated/index.js';
import type { ApiClient } from '../../../lib/client/client.js';

export interface Disruption {
  /** The DisruptionTarget condition's reason, e.g. DeletionByTaintManager. */
  reason: string;
  message: string;
  /** Delete at once instead of with the pod's own grace period. */
  force?: boolean;
}

/**
 * Deletes a pod a controller removes against its owner's will, as Kubernetes does: first the
 * DisruptionTarget condition saying why (skipped for a finished pod), then the delete, both tied
 * to the pod's uid so a new pod of the same name is never touched. A pod already gone, or
 * replaced, counts as done. Returns whether this call deleted it.
 */
export async function disruptPod(client: ApiClient, pod: Pod, disruption: Disruption): Promise<boolean> {
  const meta = pod.metadata ?? {};
  const namespace = meta.namespace ?? '';
  const name = meta.name ?? '';
  const pods = client.resource('pod');
  const phase = pod.status?.phase;
  try {
    if (phase !== 'Succeeded' && phase !== 'Failed') {
      const condition = { type: 'DisruptionTarget', status: 'True', reason: disruption.reason, message: disruption.message };
      await pods.patch(namespace, name, { metadata: { uid: meta.uid }, status: { conditions: [condition] } }, { type: 'strategic', status: true });
    }
    await pods.delete(namespace, name, { preconditions: { uid: meta.uid ?? '' }, ...(disruption.force ? { gracePeriodSeconds: 0 } : {}) });
    return true;
  } catch (err) {
    if (isGoneOrReplaced(err)) return false;
    throw err;
  }
}
