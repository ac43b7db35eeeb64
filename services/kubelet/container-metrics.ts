import { Counter, Gauge, type Registry } from 'prom-client';
import type { ContainerUsage } from './stats/index.js';

// cAdvisor's container series, as the kubelet serves them to Prometheus: cumulative CPU seconds
// and the memory working set of every running app container, labelled with its namespace, pod and
// container. They are read from the stats collector's latest cgroup samples when scraped, so a
// scrape costs no engine call.

const LABELS = ['namespace', 'pod', 'container'] as const;

/**
 * Registers the series on `registry`, reading `usage()` at every scrape. Registered once per
 * registry; a later call points them at the new source (a kubelet restarted in the same process).
 */
export function exposeContainerMetrics(registry: Registry, usage: () => ContainerUsage[]): void {
  source = usage;
  if (registry.getSingleMetric(CPU)) return;
  new Counter({
    name: CPU,
    help: 'Cumulative cpu time consumed in seconds.',
    labelNames: LABELS,
    registers: [registry],
    collect() {
      this.reset();
      for (const u of source()) this.inc(labelsOf(u), u.cpuUsageSeconds);
    },
  });
  new Gauge({
    name: MEMORY,
    help: 'Current working set in bytes.',
    labelNames: LABELS,
    registers: [registry],
    collect() {
      this.reset();
      for (const u of source()) this.set(labelsOf(u), u.memoryWorkingSetBytes);
    },
  });
}

const CPU = 'container_cpu_usage_seconds_total';
const MEMORY = 'container_memory_working_set_bytes';
let source: () => ContainerUsage[] = () => [];

const labelsOf = (u: ContainerUsage): Record<(typeof LABELS)[number], string> => ({ namespace: u.pod.namespace, pod: u.pod.name, container: u.container });
