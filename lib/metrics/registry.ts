import { collectDefaultMetrics, Registry } from 'prom-client';

/**
 * The one registry of this process. Every component's metrics register here when their module
 * loads (one instance per process, as a component is one process), and the metrics endpoint
 * serves it. Library modules that several components share (the workqueue) register here too, so
 * each process exposes exactly the series of the code it runs.
 */
export const processRegistry = new Registry();

let processMetricsOn = false;

/**
 * Adds prom-client's process and runtime metrics (process_cpu_seconds_total,
 * process_resident_memory_bytes, nodejs_*). Started with the metrics endpoint rather than at
 * import, since their event-loop monitor costs a little in processes that serve no metrics.
 */
export function collectProcessMetrics(): void {
  if (processMetricsOn) return;
  processMetricsOn = true;
  collectDefaultMetrics({ register: processRegistry });
}

/** Seconds since `startNs` (a process.hrtime.bigint() reading), for histograms. */
export function secondsSince(startNs: bigint): number {
  return Number(process.hrtime.bigint() - startNs) / 1e9;
}
