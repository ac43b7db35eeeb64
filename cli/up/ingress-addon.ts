import { join } from 'node:path';
import { InvalidArgumentError } from 'commander';
import type { Logger } from 'pino';
import { ApiClient } from '../../lib/client/client.js';
import { loadClientConfig } from '../../lib/client-config.js';
import { CONTROLLER_NAME, DEFAULT_CLASS_ANNOTATION } from '../../services/ingress-controller/index.js';
import type { ClusterFiles } from './cluster-files.js';
import { createIfMissing } from './create-if-missing.js';
import type { Supervisor } from './supervisor.js';

// Optional parts of a local cluster, as `kubets up --addons ingress,monitoring,logging` turns them
// on (cli/up/monitoring-addon.ts, cli/up/logging-addon.ts). The ingress
// add-on is the HAProxy ingress controller and its IngressClass, made the default class as the
// install manifests of ingress controllers do, so Ingresses without a class are served too.

export const ADDONS = ['ingress', 'monitoring', 'logging'] as const;
export type Addon = (typeof ADDONS)[number];

/** --addons: a comma-separated list, repeatable. */
export function parseAddons(value: string, previous: Addon[] = []): Addon[] {
  const names = value.split(',').map((name) => name.trim()).filter(Boolean);
  for (const name of names) {
    if (!(ADDONS as readonly string[]).includes(name)) throw new InvalidArgumentError(`unknown add-on "${name}" (known: ${ADDONS.join(', ')})`);
  }
  return [...new Set([...previous, ...(names as Addon[])])];
}

export const INGRESS_CLASS_NAME = 'haproxy';

/** The ingress controller's identity (cli/up/cluster-files.ts) and the role it is bound to. */
const CONTROLLER_USER = 'system:kubets:ingress-controller';
const RBAC_GROUP = 'rbac.authorization.k8s.io';

/** What the controller reads and writes, and nothing more, as an ingress controller's install manifest grants it. */
const CONTROLLER_RULES = [
  { verbs: ['get', 'list', 'watch'], apiGroups: ['networking.k8s.io'], resources: ['ingresses', 'ingressclasses'] },
  { verbs: ['update', 'patch'], apiGroups: ['networking.k8s.io'], resources: ['ingresses/status'] },
  { verbs: ['get', 'list', 'watch'], apiGroups: [''], resources: ['services', 'secrets'] },
  { verbs: ['get', 'list', 'watch'], apiGroups: ['discovery.k8s.io'], resources: ['endpointslices'] },
  { verbs: ['create', 'patch', 'update'], apiGroups: ['', 'events.k8s.io'], resources: ['events'] },
];

/** The default IngressClass, and the controller's ClusterRole and its binding, created as the admin. */
async function ensureIngressObjects(files: ClusterFiles): Promise<void> {
  const client = ApiClient.fromConfig(await loadClientConfig({ path: files.configs.admin, env: {} }));
  try {
    await createIfMissing(() =>
      client.resource('ingressClass').create({
        metadata: { name: INGRESS_CLASS_NAME, annotations: { [DEFAULT_CLASS_ANNOTATION]: 'true' } },
        spec: { controller: CONTROLLER_NAME },
      }),
    );
    await createIfMissing(() => client.resource('clusterRole').create({ metadata: { name: CONTROLLER_USER }, rules: CONTROLLER_RULES }));
    await createIfMissing(() =>
      client.resource('clusterRoleBinding').create({
        metadata: { name: CONTROLLER_USER },
        roleRef: { apiGroup: RBAC_GROUP, kind: 'ClusterRole', name: CONTROLLER_USER },
        subjects: [{ kind: 'User', apiGroup: RBAC_GROUP, name: CONTROLLER_USER }],
      }),
    );
  } finally {
    client.close();
  }
}

export interface IngressAddonOptions {
  files: ClusterFiles;
  dataDir: string;
  logs: string;
  /** Written to the Ingresses' status: where the node answers. */
  nodeIP: string;
  httpPort: number;
  httpsPort: number;
  self(args: string[]): { command: string; args: string[] };
  log: Logger;
}

export async function startIngressAddon(supervisor: Supervisor, o: IngressAddonOptions): Promise<void> {
  await ensureIngressObjects(o.files);
  const controller = o.self([
    'ingress-controller', '--kubeconfig', o.files.configs['ingress-controller'], '--status-address', o.nodeIP,
    '--http-port', String(o.httpPort), '--https-port', String(o.httpsPort), '--data-dir', join(o.dataDir, 'ingress-controller'),
  ]);
  supervisor.start({ name: 'ingress-controller', ...controller, logFile: join(o.logs, 'ingress-controller.log') });
  o.log.info({ httpPort: o.httpPort, httpsPort: o.httpsPort, ingressClass: INGRESS_CLASS_NAME }, 'ingress add-on started');
}
