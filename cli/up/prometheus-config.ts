import { stringify } from 'yaml';

// The Prometheus configuration `kubets up --addons monitoring` writes. Targets come from the
// cluster's API: Debian's Prometheus is built without its Kubernetes discovery, so
// `kubets prometheus-discovery` watches the API and serves the same target groups and
// `__meta_kubernetes_*` labels to Prometheus' HTTP discovery, and the relabelling below is the
// usual one for Kubernetes: the apiserver from the `kubernetes` Service's endpoints (its HTTPS API,
// scraped with Prometheus' token), every node's kubelet and proxy from the Node objects (their
// metrics ports on the node's InternalIP), and Services or pods annotated
// `prometheus.io/scrape: "true"` (the scheduler and controller-manager are published that way in
// kube-system). Nothing lists a target by hand: a node that joins is scraped once discovered.

export interface PrometheusConfigInput {
  /** Where `kubets prometheus-discovery` serves (http://host:port). */
  discoveryUrl: string;
  caFile: string;
  /** Prometheus' own token, for the apiserver's /metrics. */
  tokenFile: string;
  kubeletMetricsPort: number;
  proxyMetricsPort: number;
  rulesFile: string;
  /** Where Prometheus serves (host:port): it scrapes itself there. */
  listenAddress: string;
  /** Go durations (`15s`). */
  scrapeInterval: string;
}

/** The Prometheus recording and alerting rules; `alertFor` overrides every alert's `for:` (tests). */
export interface RulesInput {
  alertFor?: string;
}

const SCRAPE_ANNOTATION = '__meta_kubernetes_service_annotation_prometheus_io_scrape';

export function prometheusConfig(o: PrometheusConfigInput): string {
  const sd = (role: string): object => ({ url: `${o.discoveryUrl}/targets/${role}`, refresh_interval: o.scrapeInterval });
  const nodePort = (port: number): object[] => [
    { source_labels: ['__meta_kubernetes_node_address_InternalIP'], target_label: '__address__', replacement: `$1:${port}` },
    { source_labels: ['__meta_kubernetes_node_name'], target_label: 'node' },
    { action: 'labelmap', regex: '__meta_kubernetes_node_label_(.+)' },
  ];
  const config = {
    global: { scrape_interval: o.scrapeInterval, evaluation_interval: o.scrapeInterval },
    rule_files: [o.rulesFile],
    scrape_configs: [
      { job_name: 'prometheus', static_configs: [{ targets: [o.listenAddress] }] },
      {
        job_name: 'apiserver',
        scheme: 'https',
        http_sd_configs: [sd('endpoints')],
        tls_config: { ca_file: o.caFile },
        authorization: { credentials_file: o.tokenFile },
        relabel_configs: [
          {
            source_labels: ['__meta_kubernetes_namespace', '__meta_kubernetes_service_name', '__meta_kubernetes_endpoint_port_name'],
            action: 'keep',
            regex: 'default;kubernetes;https',
          },
        ],
      },
      { job_name: 'kubelet', http_sd_configs: [sd('node')], relabel_configs: nodePort(o.kubeletMetricsPort) },
      { job_name: 'kube-proxy', http_sd_configs: [sd('node')], relabel_configs: nodePort(o.proxyMetricsPort) },
      {
        job_name: 'kubernetes-service-endpoints',
        http_sd_configs: [sd('endpoints')],
        relabel_configs: [
          { source_labels: [SCRAPE_ANNOTATION], action: 'keep', regex: 'true' },
          {
            source_labels: ['__address__', '__meta_kubernetes_service_annotation_prometheus_io_port'],
            action: 'replace',
            regex: '([^:]+)(?::\\d+)?;(\\d+)',
            replacement: '$1:$2',
            target_label: '__address__',
          },
          { source_labels: ['__meta_kubernetes_service_annotation_prometheus_io_path'], action: 'replace', regex: '(.+)', target_label: '__metrics_path__' },
          { source_labels: ['__meta_kubernetes_namespace'], target_label: 'kubernetes_namespace' },
          { source_labels: ['__meta_kubernetes_service_name'], target_label: 'kubernetes_name' },
        ],
      },
      {
        job_name: 'kubernetes-pods',
        http_sd_configs: [sd('pod')],
        relabel_configs: [
          { source_labels: ['__meta_kubernetes_pod_annotation_prometheus_io_scrape'], action: 'keep', regex: 'true' },
          {
            source_labels: ['__address__', '__meta_kubernetes_pod_annotation_prometheus_io_port'],
            action: 'replace',
            regex: '([^:]+)(?::\\d+)?;(\\d+)',
            replacement: '$1:$2',
            target_label: '__address__',
          },
          { source_labels: ['__meta_kubernetes_pod_annotation_prometheus_io_path'], action: 'replace', regex: '(.+)', target_label: '__metrics_path__' },
          { source_labels: ['__meta_kubernetes_namespace'], target_label: 'kubernetes_namespace' },
          { source_labels: ['__meta_kubernetes_pod_name'], target_label: 'kubernetes_pod_name' },
        ],
      },
    ],
  };
  return `# Written by kubets up --addons monitoring; rewritten at every start.\n${stringify(config)}`;
}

/**
 * Recording rules for the charts (per-container CPU rates, the apiserver's request rate by code)
 * and three alerts, with the expressions and `for:` of the kube-prometheus mixin.
 */
export function prometheusRules(o: RulesInput = {}): string {
  const rules = {
    groups: [
      {
        name: 'kubets.rules',
        rules: [
          {
            record: 'namespace_pod_container:container_cpu_usage_seconds_total:rate1m',
            expr: 'sum by (namespace, pod, container) (rate(container_cpu_usage_seconds_total[1m]))',
          },
          { record: 'namespace_pod:container_memory_working_set_bytes:sum', expr: 'sum by (namespace, pod) (container_memory_working_set_bytes)' },
          { record: 'code:apiserver_request_total:rate1m', expr: 'sum by (code) (rate(apiserver_request_total[1m]))' },
        ],
      },
      {
        name: 'kubets.alerts',
        rules: [
          {
            alert: 'KubeNodeNotReady',
            expr: 'kube_node_status_condition{condition="Ready",status="true"} == 0',
            for: o.alertFor ?? '15m',
            labels: { severity: 'warning' },
            annotations: { summary: 'Node {{ $labels.node }} is not ready.' },
          },
          {
            alert: 'KubePodCrashLooping',
            expr: 'max_over_time(kube_pod_container_status_waiting_reason{reason="CrashLoopBackOff"}[5m]) >= 1',
            for: o.alertFor ?? '15m',
            labels: { severity: 'warning' },
            annotations: { summary: 'Pod {{ $labels.namespace }}/{{ $labels.pod }} ({{ $labels.container }}) is in waiting state (reason: "CrashLoopBackOff").' },
          },
          {
            alert: 'KubeAPIErrorsHigh',
            expr: 'sum(rate(apiserver_request_total{code=~"5.."}[5m])) / sum(rate(apiserver_request_total[5m])) > 0.03',
            for: o.alertFor ?? '10m',
            labels: { severity: 'critical' },
            annotations: { summary: 'More than 3% of the apiserver\'s requests fail with a server error.' },
          },
        ],
      },
    ],
  };
  return `# Written by kubets up --addons monitoring; rewritten at every start.\n${stringify(rules)}`;
}
