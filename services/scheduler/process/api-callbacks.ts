import { bulkhead } from 'cockatiel';
import { isApiError } from '../../../lib/api/errors.js';
import type { Condition, Pod } from '../../../lib/api/generated/index.js';
import type { ApiClient } from '../../../lib/client/client.js';
import type { EventRecorder } from '../../../lib/events/event-recorder.js';
import { SELECTED_NODE_ANNOTATION } from '../../../lib/storage/annotations.js';
import { NO_VOLUMES, type VolumeLister } from '../framework/interfaces.js';
import { claimsToSelectNode } from '../plugins/volume-binding/index.js';
import type { SchedulerCallbacks } from '../scheduler.js';

/** The node chosen for a pod was deleted before the binding was sent. */
class NodeGoneError extends Error {
  override readonly name = 'NodeGoneError';
  constructor(nodeName: string) {
    super(`node "${nodeName}" not found`);
  }
}

interface ApiCallbacksOptions {
  client: ApiClient;
  recorder: EventRecorder;
  /** Whether the node is still in the node informer's cache. */
  nodeExists(nodeName: string): boolean;
  /** Claims and classes, for the claims to annotate with the chosen node before binding. */
  volumes?: VolumeLister;
  /** Bindings sent at once; more wait their turn (assumed in the cache meanwhile). Default 64. */
  maxBindingsInFlight?: number;
  now?: () => number;
}

const DEFAULT_BINDINGS_IN_FLIGHT = 64;

/**
 * The scheduler's writes over the API, as kube-scheduler makes them: a Binding (with the pod's
 * uid as precondition), events about the pod, status patches for PodScheduled and the nomination,
 * and a plain delete (the victim's own grace period) for preemption victims.
 */
export function apiCallbacks(options: ApiCallbacksOptions): SchedulerCallbacks {
  const { client, recorder, nodeExists } = options;
  const pods = client.resource('pod');
  const claimClient = client.resource('persistentVolumeClaim');
  // A cycle takes a fraction of a millisecond, a binding a round trip: a backlog of pending pods
  // would otherwise put thousands of calls in flight at once, swelling memory here and in the apiserver.
  const bindings = bulkhead(options.maxBindingsInFlight ?? DEFAULT_BINDINGS_IN_FLIGHT, Number.POSITIVE_INFINITY);
  return {
    bind(pod: Pod, nodeName: string): Promise<void> {
      return bindings.execute(async () => {
        // The apiserver binds to any name, so a pod bound to a node deleted since the cycle's
        // snapshot would wait for the pod garbage collector; failing here retries it instead.
        if (!nodeExists(nodeName)) throw new NodeGoneError(nodeName);
        const meta = pod.metadata ?? {};
        // VolumeBinding's PreBind: the binder binds or provisions these for the chosen node.
        for (const claim of claimsToSelectNode(pod, nodeName, options.volumes ?? NO_VOLUMES)) {
          const annotations = { [SELECTED_NODE_ANNOTATION]: nodeName };
          await claimClient.patch(meta.namespace ?? '', claim.metadata?.name ?? '', { metadata: { annotations } }, { type: 'merge' });
        }
        await client.bind(meta.namespace ?? '', {
          metadata: { name: meta.name, namespace: meta.namespace, uid: meta.uid },
          target: { kind: 'Node', apiVersion: 'v1', name: nodeName },
        });
      });
    },

    recordEvent(pod: Pod, type: 'Normal' | 'Warning', reason: string, message: string): void {
      const meta = pod.metadata ?? {};
      recorder.event(
        { kind: 'Pod', apiVersion: 'v1', namespace: meta.namespace ?? '', name: meta.name ?? '', uid: meta.uid ?? '', resourceVersion: meta.resourceVersion ?? '' },
        type,
        reason,
        message,
      );
    },

    async updatePodCondition(pod: Pod, condition: Condition | null, nominatedNodeName?: string): Promise<void> {
      const status: { conditions?: Condition[]; nominatedNodeName?: string | null } = {};
      // Conditions merge by type, so this replaces PodScheduled (or adds DisruptionTarget) alone.
      if (condition) status.conditions = [condition];
      if (nominatedNodeName !== undefined) status.nominatedNodeName = nominatedNodeName === '' ? null : nominatedNodeName;
      if (Object.keys(status).length === 0) return;
      const meta = pod.metadata ?? {};
      await pods.patch(meta.namespace ?? '', meta.name ?? '', { status }, { type: 'strategic', status: true });
    },

    async deletePod(pod: Pod): Promise<void> {
      const meta = pod.metadata ?? {};
      try {
        await pods.delete(meta.namespace ?? '', meta.name ?? '', meta.uid ? { preconditions: { uid: meta.uid } } : {});
      } catch (err) {
        if (!isApiError(err, 'NotFound')) throw err;
      }
    },

    now: options.now ?? Date.now,
  };
}
