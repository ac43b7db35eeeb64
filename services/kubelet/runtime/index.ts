// The container runtime side of the kubelet: pods in, containers out, and back.
export { Backoff, formatGoDuration, type BackoffOptions } from './backoff.js';
export { DEFAULT_GRACE_PERIOD_SECONDS, podGracePeriodSeconds, podIdentity } from './container-config.js';
export { DEFAULT_CONTAINER_LOG_ROTATION, type ContainerLogRotation } from './log-rotation.js';
export { DockerRuntime, listPodContainers, DEFAULT_PAUSE_IMAGE, DEFAULT_POD_NETWORK, type DockerRuntimeOptions } from './docker-runtime.js';
export { podDNS, type ClusterDNSConfig, type PodDNS } from './dns.js';
export { ContainerConfigError, ContainerNotFoundError, ContainerStartError, SandboxError } from './errors.js';
export { containerFieldPath, discardEvents, type EventRecorder, type EventType } from './events.js';
export { HollowRuntime, HollowRuntimeError } from './hollow-runtime.js';
export { ImagePuller, type ImagePullerOptions } from './image-puller.js';
export { defaultPullPolicy, effectivePullPolicy, type PullPolicy } from './image-reference.js';
export * from './labels.js';
export { computePodActions, containerIdFor, type PodActions } from './pod-actions.js';
export { podQOSClass, type QOSClass } from './qos.js';
export type * from './types.js';
export {
  defaultRootDir,
  noVolumes,
  PodVolumesError,
  VolumeCleanupError,
  VolumeManager,
  VolumeSetupError,
  type PodVolumePaths,
  type PodVolumes,
  type VolumeManagerOptions,
} from './volumes/volume-manager.js';
