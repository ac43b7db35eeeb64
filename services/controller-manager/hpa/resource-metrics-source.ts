import type { PodMetrics } from '../../../lib/api/generated/index.js';
import type { ApiClient } from '../../../lib/client/client.js';
import { usageBytes, usageMillicores } from '../../../lib/printers/kinds/metrics.js';
import type { PodMetricsSource, PodUsage } from './metrics-source.js';

// The autoscaler's view of the cluster's resource metrics API: metrics.k8s.io PodMetrics, which the
// apiserver gathers from the kubelets of the nodes running the selected pods.

const DURATION_UNITS_MS: Record<string, number> = { ns: 1e-6, us: 1e-3, µs: 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** Seconds of a Go duration such as "10s", "1m30s" or "10.5s"; 0 when it cannot be read. */
export function goDurationSeconds(text: string | undefined): number {
  let ms = 0;
  let rest = text ?? '';
  while (rest !== '') {
    const m = /^(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/.exec(rest);
    if (!m) return 0;
    ms += Number(m[1]) * DURATION_UNITS_MS[m[2]!]!;
    rest = rest.slice(m[0].length);
  }
  return ms / 1000;
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
