import type { Container, Pod } from '../../../lib/api/generated/index.js';
import type { EventRecorder } from '../runtime/events.js';
import type { ContainerOptions, ContainerOptionsProvider } from '../runtime/types.js';
import type { PodVolumePaths, PodVolumes } from '../runtime/volumes/volume-manager.js';
import { expandCommandAndArgs, makeEnvironmentVariables } from './env.js';
import type { PodObjectSource } from './object-source.js';

export interface ContainerOptionsInput {
  objects: PodObjectSource;
  volumes: PodVolumes;
  /** The pod's volumes as set up for this sync (the runtime asks for options only once they are). */
  volumePaths: Promise<PodVolumePaths>;
  hostIP: string;
  events: EventRecorder;
  nodeAllocatable?: Record<string, string>;
}

/** The kubelet's RuntimeHelper: env, mounts and the `$(VAR)`-expanded command for one container. */
export function containerOptionsProvider(input: ContainerOptionsInput): ContainerOptionsProvider {
  return {
    async containerOptions(pod: Pod, container: Container, podIP: string): Promise<ContainerOptions> {
      const env = await makeEnvironmentVariables({
        pod,
        container,
        // A host-network pod's IP is the node's.
        podIP: pod.spec?.hostNetwork ? input.hostIP : podIP,
        hostIP: input.hostIP,
        objects: input.objects,
        ...(input.nodeAllocatable && { nodeAllocatable: input.nodeAllocatable }),
        onInvalidKeys: (message) => input.events.event(pod, 'Warning', 'InvalidEnvironmentVariableNames', message),
      });
      const mounts = await input.volumes.mountsFor(pod, container, await input.volumePaths);
      return { env, mounts, ...expandCommandAndArgs(container, env) };
    },
  };
}
