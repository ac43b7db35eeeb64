import { parse, stringify } from 'yaml';

// kubeadm's discovery object: the `cluster-info` ConfigMap of kube-public holds a kubeconfig with
// the cluster's CA and server and nothing secret, so anyone may read it; a joining node trusts the
// CA in it only once it matches the hash it was given.

export const CLUSTER_INFO_NAMESPACE = 'kube-public';
export const CLUSTER_INFO_NAME = 'cluster-info';
export const ANONYMOUS_USER = 'system:anonymous';
export const UNAUTHENTICATED_GROUP = 'system:unauthenticated';

/** The kubeconfig kept under the ConfigMap's `kubeconfig` key, as kubeadm writes it. */
export function clusterInfoKubeconfig(caPem: string, server: string): string {
  return stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: '', cluster: { 'certificate-authority-data': Buffer.from(caPem).toString('base64'), server } }],
    contexts: null,
    'current-context': '',
    preferences: {},
    users: null,
  });
}

/** The CA (PEM) and server of cluster-info's kubeconfig; throws with what is missing. */
export function readClusterInfo(kubeconfig: string | undefined): { caPem: string; server: string } {
  if (!kubeconfig) throw new Error('the cluster-info ConfigMap has no "kubeconfig" key');
  const doc = parse(kubeconfig) as { clusters?: { cluster?: { 'certificate-authority-data'?: string; server?: string } }[] } | null;
  const cluster = doc?.clusters?.[0]?.cluster;
  const caData = cluster?.['certificate-authority-data'];
  if (!caData) throw new Error('the cluster-info kubeconfig has no certificate-authority-data');
  return { caPem: Buffer.from(caData, 'base64').toString('utf8'), server: cluster?.server ?? '' };
}
