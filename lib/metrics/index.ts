export { collectProcessMetrics, processRegistry, secondsSince } from './registry.js';
export { startMetricsServer, writeMetrics, type MetricsServerOptions, type RunningMetricsServer } from './server.js';
export { addMetricsOptions, DEFAULT_METRICS_BIND_ADDRESS, METRICS_PORTS, type MetricsFlags, serveMetrics } from './flags.js';
