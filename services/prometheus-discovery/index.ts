/**
 * Prometheus' Kubernetes service discovery for kubets: the `kubets prometheus-discovery` command,
 * which serves the cluster's nodes, endpoints and pods as HTTP SD target groups.
 */
export { DEFAULT_DISCOVERY_PORT, prometheusDiscoveryCommand } from './command.js';
export { startDiscoveryServer, type DiscoveryServerOptions, type RunningDiscoveryServer } from './discovery-server.js';
export { ROLES, sanitizeLabelName, targetGroups, type Role, type TargetGroup } from './target-groups.js';
