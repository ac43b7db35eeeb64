import { ApiError, badRequest } from '../../../lib/api/errors.js';
import type { Pod } from '../../../lib/api/generated/index.js';
import { podIdentity } from '../runtime/container-config.js';
import { containerIdFor } from '../runtime/pod-actions.js';
import type { ContainerRuntime } from '../runtime/types.js';

/** Finds the pod this node runs under a name (a static pod under its mirror pod's name). */
export type PodFinder = (namespace: string, name: string) => Pod | undefined;

interface ContainerTarget {
  pod: Pod;
  container: string;
  containerId: string;
}

/**
 * The runtime container behind `pod/container` (or the one before it, for `logs --previous`),
 * with kubectl's wording when there is none.
 */
export async function resolveContainer(
  findPod: PodFinder,
  runtime: ContainerRuntime,
  request: { namespace?: string; name?: string; container?: string },
  previous = false,
): Promise<ContainerTarget> {
  const namespace = request.namespace || 'default';
  const podName = request.name ?? '';
  const pod = findPod(namespace, podName);
  if (!pod) throw new ApiError('NotFound', `pod "${podName}" not found on this node`, { name: podName, kind: 'pods' });
  const containers = (pod.spec?.containers ?? []).map((c) => c.name ?? '');
  const all = [...(pod.spec?.initContainers ?? []).map((c) => c.name ?? ''), ...containers];
  let container = request.container ?? '';
  if (!container) {
    if (containers.length !== 1) {
      throw badRequest(`a container name must be specified for pod ${podName}, choose one of: [${containers.join(' ')}]`);
    }
    container = containers[0] ?? '';
  }
  if (!all.includes(container)) throw badRequest(`container ${container} is not valid for pod ${podName}`);
  const status = await runtime.getPodStatus(podIdentity(pod));
  const containerId = containerIdFor(status, container, previous);
  if (!containerId) {
    if (previous) throw badRequest(`previous terminated container "${container}" in pod "${podName}" not found`);
    const waiting = [...(pod.status?.containerStatuses ?? []), ...(pod.status?.initContainerStatuses ?? [])].find((c) => c.name === container)?.state
      ?.waiting?.reason;
    throw badRequest(`container "${container}" in pod "${podName}" is waiting to start: ${waiting || 'ContainerCreating'}`);
  }
  return { pod, container, containerId };
}
