// Where the autoscaler reads the resource usage of pods: the resource metrics API
// (metrics.k8s.io PodMetrics) in a cluster that serves it. The controller knows only this
// interface, so tests use an in-memory source and the controller manager picks the real one.

/** One pod's usage over a window ending at timestamp, per container. */
export interface PodUsage {
  name: string;
  timestamp: Date;
  windowSeconds: number;
  containers: { name: string; cpuMillis: number; memoryBytes: number }[];
}

export interface PodMetricsSource {
  /** The usage of the pods in namespace that match selector (a label selector string); pods without a sample are left out. */
  podMetrics(namespace: string, selector: string): Promise<PodUsage[]>;
}

/** A cluster without a resource metrics API: no pod has a sample, so every resource metric is unknown. */
export const noPodMetrics: PodMetricsSource = {
  async podMetrics() {
    return [];
  },
};
