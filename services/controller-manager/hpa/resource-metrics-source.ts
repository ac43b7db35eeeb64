import type { PodMetrics } from '../../../lib/api/generated/index.js';
import type { ApiClient } from '../../../lib/client/client.js';
import { duration } from '../../../lib/flags.js';
import { usageBytes, usageMillicores } from '../../../lib/printers/kinds/metrics.js';
import type { PodMetricsSource, PodUsage } from './metrics-source.js';

// The autoscaler's view of the cluster's resource metrics API: metrics.k8s.io PodMetrics, which the
// apiserver gathers from the kubelets of the nodes running the selected pods.

/** Seconds of a window such as "10s" or "10.5s" (a Go duration); 0 when it cannot be read. */
export function goDurationSeconds(text: string | undefined): number {
  try {
    return duration(text ?? '') / 1000;
  } catch {
    return 0;
  }
}

export function podUsageOf(metrics: PodMetrics): PodUsage {
  return {
    name: metrics.metadata?.name ?? '',
    timestamp: new Date(metrics.timestamp ?? 0),
    windowSeconds: goDurationSeconds(metrics.window),
    containers: (metrics.containers ?? []).map((c) => ({ name: c.name ?? '', cpuMillis: usageMillicores(c.usage?.cpu), memoryBytes: usageBytes(c.usage?.memory) })),
  };
}

export function resourceMetricsSource(client: ApiClient): PodMetricsSource {
  return {
    async podMetrics(namespace, selector) {
      const { items } = await client.resource('podMetrics').list(namespace, selector ? { labelSelector: selector } : {});
      return items.map(podUsageOf);
    },
  };
}
