/**
 * kubets' scheduler core: the framework, plugins, cache, queue and preemption, without the
 * process around them. The process wiring feeds `podHandlers()`/`nodeHandlers()` from
 * informers, runs `run(signal)` while it holds the leader lease, and implements
 * SchedulerCallbacks over the API. `schedulerCommand` is `kubets scheduler`, over SchedulerServer.
 */
export { schedulerCommand } from './command.js';
export { SchedulerServer, type SchedulerServerOptions } from './process/scheduler-server.js';
export {
  Scheduler,
  NoNodesAvailableError,
  PluginError,
  nodeUpdateActions,
  assignedPodUpdateActions,
  type SchedulerCallbacks,
  type SchedulerOptions,
  type ScheduleResult,
  type CycleOutcome,
} from './scheduler.js';
export { SchedulerCache, SchedulerCacheError } from './cache/cache.js';
export { Snapshot } from './cache/snapshot.js';
export { SchedulingQueue, type QueuedPodInfo, type SchedulingQueueOptions } from './queue/scheduling-queue.js';
export { Preemption, type Candidate, type PreemptionResult } from './preemption/preemption.js';
export { Framework, PluginConfigError, type PluginSpec } from './framework/framework.js';
export { CycleState, type StateData } from './framework/cycle-state.js';
export { Code, Status, type PluginResult } from './framework/status.js';
export { Diagnosis, FitError, NodeToStatus, fitErrorMessage } from './framework/fit-error.js';
export { NodeInfo } from './framework/node-info.js';
export { PodInfo, DEFAULT_SCHEDULER_NAME, podKey } from './framework/pod-info.js';
export { ActionType, clusterEvent, type ClusterEvent } from './framework/events.js';
export {
  MAX_NODE_SCORE,
  type EnqueueExtensions,
  type FilterPlugin,
  type FrameworkHandle,
  type NodeInfoLister,
  type Plugin,
  type PluginFactory,
  type PreFilterExtensions,
  type PreFilterPlugin,
  type PreScorePlugin,
  type ScorePlugin,
} from './framework/interfaces.js';
export { defaultPlugins } from './plugins/registry.js';
export * as pluginNames from './plugins/names.js';
