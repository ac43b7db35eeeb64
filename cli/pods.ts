import type { DaemonSet, Pod, StatefulSet } from '../lib/api/generated/index.js';
import type { AnyObject, ResourceInfo } from '../lib/api/resources.js';
import type { Deployment, Job, ReplicaSet, ReplicationController, Service } from '../lib/api/generated/index.js';
import { selectorFromLabelSelector, selectorFromSet } from '../lib/labels/selector.js';
import { CliError } from './errors.js';

// Pods from the point of view of a verb: which pods a workload selects, and which container of a
// pod a command means when none is named.

/** The annotation naming the container kubectl logs/exec use when -c is not given. */
const DEFAULT_CONTAINER_ANNOTATION = 'kubectl.kubernetes.io/default-container';

/** The label selector (as a string) of the pods a replication controller, replica set, deployment or job manages. */
export function podSelectorOf(info: ResourceInfo, object: AnyObject): string | undefined {
  switch (info.field) {
    case 'replicationController':
      return selectorFromSet((object as ReplicationController).spec?.selector ?? {}).toString();
    case 'replicaSet':
      return selectorFromLabelSelector((object as ReplicaSet).spec?.selector).toString();
    case 'deployment':
      return selectorFromLabelSelector((object as Deployment).spec?.selector).toString();
    case 'service':
      return selectorFromSet((object as Service).spec?.selector ?? {}).toString();
    case 'job':
      return selectorFromLabelSelector((object as Job).spec?.selector).toString();
    case 'daemonSet':
      return selectorFromLabelSelector((object as DaemonSet).spec?.selector).toString();
    case 'statefulSet':
      return selectorFromLabelSelector((object as StatefulSet).spec?.selector).toString();
    default:
      return undefined;
  }
}

/**
 * The container a command means: the named one (which must exist), else the pod's default-container
 * annotation, else the first; `note` hears kubectl's "Defaulted container" line when there was a choice.
 */
export function chooseContainer(pod: Pod, requested: string | undefined, note: (text: string) => void): string {
  const containers = pod.spec?.containers ?? [];
  const init = pod.spec?.initContainers ?? [];
  const name = pod.metadata?.name ?? '';
  if (requested) {
    if ([...containers, ...init].some((c) => c.name === requested)) return requested;
    throw new CliError(`container ${requested} is not valid for pod ${name}`);
  }
  const annotated = pod.metadata?.annotations?.[DEFAULT_CONTAINER_ANNOTATION];
  const chosen = (annotated && containers.find((c) => c.name === annotated)?.name) || containers[0]?.name;
  if (!chosen) throw new CliError(`pod ${name} has no containers`);
  if (containers.length + init.length > 1 && !annotated) {
    const all = [...containers.map((c) => c.name ?? ''), ...init.map((c) => `${c.name ?? ''} (init)`)];
    note(`Defaulted container "${chosen}" out of: ${all.join(', ')}\n`);
  }
  return chosen;
}
