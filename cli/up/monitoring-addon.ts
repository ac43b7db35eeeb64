import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from 'pino';
import writeFileAtomic from 'write-file-atomic';
import type { Endpoints, Service } from '../../lib/api/generated/index.js';
import { ApiClient } from '../../lib/client/client.js';
import { isApiError } from '../../lib/api/errors.js';
import { loadClientConfig } from '../../lib/client-config.js';
import type { ClusterFiles } from './cluster-files.js';
import { createIfMissing } from './create-if-missing.js';
import type { MetricsComponent } from './metrics-ports.js';
import { prometheusConfig, prometheusRules } from './prometheus-config.js';
import type { Supervisor } from './supervisor.js';

// The monitoring add-on: Debian's Prometheus server, supervised, with its data under the data
// directory, fed its targets from the API by `kubets prometheus-discovery` under Prometheus' own
// narrow identity. The scheduler and controller-manager are published as annotated selector-less
// Services in kube-system (as monitoring stacks publish control-plane components), and Prometheus
// itself as the Service kube-system/prometheus, which the apiserver's services proxy reaches.

export const PROMETHEUS_BINARY = '/usr/bin/prometheus';
export const DEFAULT_PROMETHEUS_PORT = 9090;
export const PROMETHEUS_SERVICE = 'prometheus';
const NAMESPACE = 'kube-system';

/** Prometheus' identity (cli/up/cluster-files.ts) and the role it is bound to. */
const PROMETHEUS_USER = 'system:kubets:prometheus';
const RBAC_GROUP = 'rbac.authorization.k8s.io';

/** Discovery reads these; /metrics comes with the system:monitoring group the identity is in. */
const DISCOVERY_RULES = [{ verbs: ['get', 'list', 'watch'], apiGroups: [''], resources: ['nodes', 'services', 'endpoints', 'pods'] }];

export interface MonitoringAddonOptions {
  files: ClusterFiles;
  dataDir: string;
  logs: string;
  /** Where Prometheus and the components' metrics are served: the node's address, which Endpoints may name. */
  nodeIP: string;
  prometheusPort: number;
  metricsPorts: Record<MetricsComponent, number>;
  /** Go durations; tests shorten them. */
  scrapeInterval: string;
  alertFor?: string;
  self(args: string[]): { command: string; args: string[] };
  log: Logger;
}

/** The discovery server's port: the one after Prometheus'. */
export const discoveryPortOf = (prometheusPort: number): number => prometheusPort + 1;

/** A selector-less Service with its Endpoints at one address, created or brought up to date. */
async function publish(client: ApiClient, name: string, ip: string, port: number, annotations: Record<string, string>): Promise<void> {
  const service: Service = {
    metadata: { name, namespace: NAMESPACE, labels: { 'app.kubernetes.io/managed-by': 'kubets-up' }, annotations },
    spec: { ports: [{ name: 'http', port, protocol: 'TCP', targetPort: { intVal: port } }] },
  };
  await createIfMissing(() => client.resource('service').create(service));
  const endpoints: Endpoints = { metadata: { name, namespace: NAMESPACE }, subsets: [{ addresses: [{ ip }], ports: [{ name: 'http', port, protocol: 'TCP' }] }] };
  try {
    const current = await client.resource('endpoints').get(NAMESPACE, name);
    await client.resource('endpoints').update({ ...endpoints, metadata: { ...current.metadata, ...endpoints.metadata } });
  } catch (err) {
    if (!isApiError(err, 'NotFound')) throw err;
    await client.resource('endpoints').create(endpoints);
  }
}

async function ensureMonitoringObjects(client: ApiClient, o: MonitoringAddonOptions): Promise<void> {
  await createIfMissing(() => client.resource('clusterRole').create({ metadata: { name: PROMETHEUS_USER }, rules: DISCOVERY_RULES }));
  await createIfMissing(() =>
    client.resource('clusterRoleBinding').create({
      metadata: { name: PROMETHEUS_USER },
      roleRef: { apiGroup: RBAC_GROUP, kind: 'ClusterRole', name: PROMETHEUS_USER },
      subjects: [{ kind: 'User', apiGroup: RBAC_GROUP, name: PROMETHEUS_USER }],
    }),
  );
  // Endpoints may not name a loopback address (nor could the apiserver's proxy use one for pods).
  if (o.nodeIP.startsWith('127.')) {
    o.log.warn({ nodeIP: o.nodeIP }, 'the node IP is loopback: the scheduler, controller-manager and Prometheus are not published as Services');
    return;
  }
  const scrape = (port: number): Record<string, string> => ({ 'prometheus.io/scrape': 'true', 'prometheus.io/port': String(port) });
  await publish(client, 'kube-scheduler', o.nodeIP, o.metricsPorts.scheduler, scrape(o.metricsPorts.scheduler));
  await publish(client, 'kube-controller-manager', o.nodeIP, o.metricsPorts['controller-manager'], scrape(o.metricsPorts['controller-manager']));
  await publish(client, PROMETHEUS_SERVICE, o.nodeIP, o.prometheusPort, {});
}

export async function startMonitoringAddon(supervisor: Supervisor, o: MonitoringAddonOptions): Promise<string> {
  const dir = join(o.dataDir, 'prometheus');
  await mkdir(join(dir, 'data'), { recursive: true, mode: 0o700 });
  const identity = await loadClientConfig({ path: o.files.configs.prometheus, env: {} });
  const tokenFile = join(dir, 'token');
  await writeFileAtomic(tokenFile, identity.token ?? '', { mode: 0o600 });
  const rulesFile = join(dir, 'rules.yml');
  await writeFileAtomic(rulesFile, prometheusRules(o.alertFor ? { alertFor: o.alertFor } : {}));
  const configFile = join(dir, 'prometheus.yml');
  const listenAddress = `${o.nodeIP}:${o.prometheusPort}`;
  const discoveryPort = discoveryPortOf(o.prometheusPort);
  await writeFileAtomic(
    configFile,
    prometheusConfig({
      discoveryUrl: `http://127.0.0.1:${discoveryPort}`,
      caFile: o.files.caFile,
      tokenFile,
      kubeletMetricsPort: o.metricsPorts.kubelet,
      proxyMetricsPort: o.metricsPorts.proxy,
      rulesFile,
      listenAddress,
      scrapeInterval: o.scrapeInterval,
    }),
  );

  const admin = ApiClient.fromConfig(await loadClientConfig({ path: o.files.configs.admin, env: {} }));
  try {
    await ensureMonitoringObjects(admin, o);
  } finally {
    admin.close();
  }
  const discovery = o.self(['prometheus-discovery', '--kubeconfig', o.files.configs.prometheus, '--port', String(discoveryPort)]);
  supervisor.start({ name: 'prometheus-discovery', ...discovery, logFile: join(o.logs, 'prometheus-discovery.log') });
  supervisor.start({
    name: 'prometheus',
    command: PROMETHEUS_BINARY,
    args: [`--config.file=${configFile}`, `--storage.tsdb.path=${join(dir, 'data')}`, `--web.listen-address=${listenAddress}`, '--storage.tsdb.retention.time=7d'],
    logFile: join(o.logs, 'prometheus.log'),
  });
  const url = `http://${listenAddress}`;
  o.log.info({ url, service: `${NAMESPACE}/${PROMETHEUS_SERVICE}` }, 'monitoring add-on started');
  return url;
}
