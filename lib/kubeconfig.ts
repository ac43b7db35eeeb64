import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import writeFileAtomic from 'write-file-atomic';
import { parse, stringify } from 'yaml';

// Kubernetes' standard kubeconfig (clusters, users and contexts), which kubectl and Kubernetes
// client libraries read to reach the apiserver's HTTP API. kubets' own client config
// (lib/client-config.ts) stays the gRPC clients' file; this one points at the HTTP port.

export interface KubeconfigEntry {
  /** Names the cluster, the user and the context alike. */
  name: string;
  /** https://host:port of the HTTP API. */
  server: string;
  caPem: string;
  token: string;
  namespace?: string;
}

export interface Kubeconfig {
  apiVersion: 'v1';
  kind: 'Config';
  preferences: Record<string, never>;
  clusters: { name: string; cluster: { server: string; 'certificate-authority-data': string } }[];
  users: { name: string; user: { token: string } }[];
  contexts: { name: string; context: { cluster: string; user: string; namespace?: string } }[];
  'current-context': string;
}

/** A kubeconfig with one context per entry; the first is current. */
export function buildKubeconfig(entries: readonly KubeconfigEntry[]): Kubeconfig {
  return {
    apiVersion: 'v1',
    kind: 'Config',
    preferences: {},
    clusters: entries.map((e) => ({ name: e.name, cluster: { server: e.server, 'certificate-authority-data': Buffer.from(e.caPem).toString('base64') } })),
    users: entries.map((e) => ({ name: e.name, user: { token: e.token } })),
    contexts: entries.map((e) => ({ name: e.name, context: { cluster: e.name, user: e.name, ...(e.namespace ? { namespace: e.namespace } : {}) } })),
    'current-context': entries[0]?.name ?? '',
  };
}

/** The config with its secrets replaced, as `kubectl config view` prints it without --raw. */
export function redactKubeconfig(config: Kubeconfig): Kubeconfig {
  return {
    ...config,
    clusters: config.clusters.map((c) => ({ ...c, cluster: { ...c.cluster, 'certificate-authority-data': 'DATA+OMITTED' } })),
    users: config.users.map((u) => ({ ...u, user: { token: 'REDACTED' } })),
  };
}

/** Only the current context and the cluster and user it names, as `kubectl config view --minify`. */
export function minifyKubeconfig(config: Kubeconfig): Kubeconfig {
  const contexts = config.contexts.filter((c) => c.name === config['current-context']);
  const context = contexts[0]?.context;
  return {
    ...config,
    contexts,
    clusters: config.clusters.filter((c) => c.name === context?.cluster),
    users: config.users.filter((u) => u.name === context?.user),
  };
}

/** Where the kubeconfig of a kubets client config lives: beside it, named `kubeconfig`. */
export function kubeconfigBeside(clientConfigPath: string): string {
  return join(dirname(clientConfigPath), 'kubeconfig');
}

/** Writes the kubeconfig readable by its owner only: it holds a token. */
export async function writeKubeconfig(path: string, config: Kubeconfig): Promise<void> {
  await writeFileAtomic(path, stringify(config), { mode: 0o600 });
}

export async function readKubeconfig(path: string): Promise<Kubeconfig> {
  return parse(await readFile(path, 'utf8')) as Kubeconfig;
}
