import type { DeleteOptions, Pod, PodStatus } from '../../../lib/api/generated/index.js';
import { qosClass } from '../../../lib/api/pod-qos.js';
import { defaultPod } from '../defaults/pod.js';
import { validatePod, validatePodStatusUpdate, validatePodUpdate } from '../validation/pod.js';
import { fieldText as str, selectableFields, type KindStrategy } from './types.js';

const DEFAULT_POD_GRACE_SECONDS = 30;

/** Grace period for a pod: none when no kubelet has it or it already finished, as Kubernetes does. */
function podGrace(pod: Pod, options: DeleteOptions): number {
  if (!pod.spec?.nodeName) return 0;
  if (pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed') return 0;
  return Math.max(0, options.gracePeriodSeconds ?? pod.spec.terminationGracePeriodSeconds ?? DEFAULT_POD_GRACE_SECONDS);
}

export const podStrategy: KindStrategy<Pod> = {
  defaults: defaultPod,
  validateCreate: validatePod,
  validateUpdate: validatePodUpdate,
  status: {
    initial: (pod): PodStatus => ({ phase: 'Pending', qosClass: qosClass(pod.spec) }),
    validateUpdate: validatePodStatusUpdate,
  },
  tracksGeneration: false,
  fields: selectableFields(
    {
      'spec.nodeName': (p) => str(p.spec?.nodeName),
      'spec.restartPolicy': (p) => str(p.spec?.restartPolicy),
      'spec.schedulerName': (p) => str(p.spec?.schedulerName),
      'spec.serviceAccountName': (p) => str(p.spec?.serviceAccountName),
      'spec.hostNetwork': (p) => String(p.spec?.hostNetwork ?? false),
      'status.phase': (p) => str(p.status?.phase),
      'status.podIP': (p) => str(p.status?.podIPs?.[0]?.ip || p.status?.podIP),
      'status.nominatedNodeName': (p) => str(p.status?.nominatedNodeName),
    },
    'spec.nodeName',
    ['status.podIPs'],
  ),
  deletion: {
    gracePeriodSeconds: podGrace,
    // A pod on a node stays until its kubelet confirms the delete (with no grace), even when its last finalizer goes.
    heldBeyondFinalizers: (pod) => pod.metadata?.deletionGracePeriodSeconds !== 0 && Boolean(pod.spec?.nodeName),
  },
  hooks: (plugins) => [plugins.limitRanger.pods, plugins.serviceAccount, plugins.priority, plugins.defaultTolerationSeconds],
};
