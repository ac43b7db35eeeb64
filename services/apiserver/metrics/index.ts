// The resource metrics API (metrics.k8s.io): PodMetrics and NodeMetrics from the kubelets' summaries.
export { ResourceMetrics, type MetricsSource, type ResourceMetricsOptions, type SummaryFetcher } from './resource-metrics.js';
