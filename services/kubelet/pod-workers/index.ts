// Pod workers: one sync loop per pod, from Pod spec to PodStatus.
export { containerOptionsProvider, type ContainerOptionsInput } from './container-options.js';
export { expandCommandAndArgs, makeEnvironmentVariables, type EnvContext } from './env.js';
export { InMemoryObjectSource, type PodObjectSource } from './object-source.js';
export { PodWorkers, type PodWorkersOptions } from './pod-workers.js';
export { ProbeManager, type ProbeManagerOptions } from './probes/probe-manager.js';
export { serviceEnvMap, serviceEnvVars } from './service-env.js';
export { generatePodStatus, noProbes, rfc3339, type ContainerProbeState, type StatusInput, type WaitingReason } from './status.js';
