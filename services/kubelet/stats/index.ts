// The kubelet's resource statistics: cgroup and /proc readings sampled into rates for the summary API.
export { HOST_PATHS, locateCgroup, readCgroupUsage, type CgroupLocation, type CgroupPaths, type CgroupUsage } from './cgroups.js';
export { DEFAULT_STATS_INTERVAL_MS, StatsCollector, type ContainerUsage, type StatsCollectorOptions, type StatsRuntime } from './collector.js';
export { readHostUsage } from './host.js';
export { cpuNanoCores, type Sample } from './rate.js';
