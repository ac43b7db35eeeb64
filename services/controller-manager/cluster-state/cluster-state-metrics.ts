import { Counter, Gauge, type Registry } from 'prom-client';
import type { Node, Pod } from '../../../lib/api/generated/index.js';

// Cluster state as kube-state-metrics names it, for alerting rules: node conditions and container
// restarts and waiting reasons. The controller-manager already watches every node and pod for its
// controllers, so these are read from its informers' caches at each scrape: no extra watch, no
// extra process. A standby replica's caches are warm too, so every replica answers the same.

export interface ClusterStateSource {
  nodes(): readonly Node[];
  pods(): readonly Pod[];
}

const NODE_CONDITION = 'kube_node_status_condition';
const RESTARTS = 'kube_pod_container_status_restarts_total';
const WAITING = 'kube_pod_container_status_waiting_reason';
const CONTAINER_LABELS = ['namespace', 'pod', 'container'] as const;
/** kube-state-metrics writes one series per possible status, 1 for the current one. */
const CONDITION_STATUSES = ['true', 'false', 'unknown'] as const;

let source: ClusterStateSource = { nodes: () => [], pods: () => [] };

/** Registers the series on `registry` once; a later call points them at the new source. */
export function exposeClusterStateMetrics(registry: Registry, from: ClusterStateSource): void {
  source = from;
  if (registry.getSingleMetric(NODE_CONDITION)) return;
  new Gauge({
    name: NODE_CONDITION,
    help: 'The condition of a cluster node.',
    labelNames: ['node', 'condition', 'status'],
    registers: [registry],
    collect() {
      this.reset();
      for (const node of source.nodes()) {
        for (const c of node.status?.conditions ?? []) {
          const current = (c.status ?? 'Unknown').toLowerCase();
          for (const status of CONDITION_STATUSES) this.set({ node: node.metadata?.name ?? '', condition: c.type ?? '', status }, status === current ? 1 : 0);
        }
      }
    },
  });
  new Counter({
    name: RESTARTS,
    help: 'The number of container restarts per container.',
    labelNames: CONTAINER_LABELS,
    registers: [registry],
    collect() {
      this.reset();
      for (const { labels, status } of containerStatuses()) this.inc(labels, status.restartCount ?? 0);
    },
  });
  new Gauge({
    name: WAITING,
    help: 'Describes the reason the container is currently in waiting state.',
    labelNames: [...CONTAINER_LABELS, 'reason'],
    registers: [registry],
    collect() {
      this.reset();
      for (const { labels, status } of containerStatuses()) {
        const reason = status.state?.waiting?.reason;
        if (reason) this.set({ ...labels, reason }, 1);
      }
    },
  });
}

type ContainerStatus = NonNullable<NonNullable<Pod['status']>['containerStatuses']>[number];

function* containerStatuses(): Generator<{ labels: Record<(typeof CONTAINER_LABELS)[number], string>; status: ContainerStatus }> {
  for (const pod of source.pods()) {
    for (const status of pod.status?.containerStatuses ?? []) {
      yield { labels: { namespace: pod.metadata?.namespace ?? '', pod: pod.metadata?.name ?? '', container: status.name ?? '' }, status };
    }
  }
}
