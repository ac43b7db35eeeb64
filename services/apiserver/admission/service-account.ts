import type { Container, Pod, ServiceAccount, Volume } from '../../../lib/api/generated/index.js';
import type { KindHooks } from '../kinds/index.js';
import { generatedName } from '../registry/object-meta.js';
import { admissionForbidden } from './forbidden.js';

// Kubernetes' ServiceAccount admission: every pod runs as a ServiceAccount of its namespace
// (`default` unless it names one), which must exist, and gets the account's API credentials as a
// projected volume in every container, unless the pod or the account opts out of automounting.

export const SERVICE_ACCOUNT_MOUNT_PATH = '/var/run/secrets/kubernetes.io/serviceaccount';
export const ROOT_CA_CONFIG_MAP = 'kube-root-ca.crt';
const DEFAULT_SERVICE_ACCOUNT = 'default';
const MIRROR_ANNOTATION = 'kubernetes.io/config.mirror';
/** Kubernetes' odd default: an hour and 7 seconds, so the token is told apart from other one-hour tokens. */
const TOKEN_EXPIRATION_SECONDS = 3607;
const API_ACCESS_VOLUME_PREFIX = 'kube-api-access-';
/** The controller creates `default` moments after its namespace: a pod created in between waits for it a little. */
const DEFAULT_ACCOUNT_ATTEMPTS = 10;
const RETRY_MS = 150;

/** The volume that carries a pod's token, the cluster CA and its namespace. */
export function apiAccessVolume(name: string): Volume {
  return {
    name,
    projected: {
      defaultMode: 0o644,
      sources: [
        { serviceAccountToken: { expirationSeconds: TOKEN_EXPIRATION_SECONDS, path: 'token' } },
        { configMap: { name: ROOT_CA_CONFIG_MAP, items: [{ key: 'ca.crt', path: 'ca.crt' }] } },
        { downwardAPI: { items: [{ path: 'namespace', fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' } }] } },
      ],
    },
  };
}

function mountInto(container: Container, volume: string): void {
  if ((container.volumeMounts ?? []).some((m) => m.mountPath === SERVICE_ACCOUNT_MOUNT_PATH)) return;
  container.volumeMounts = [...(container.volumeMounts ?? []), { name: volume, readOnly: true, mountPath: SERVICE_ACCOUNT_MOUNT_PATH }];
}

export class ServiceAccountAdmission implements KindHooks<Pod> {
  /** `lookup` reads the account as the caches hold it, falling back to storage for one just created. */
  constructor(private readonly lookup: (namespace: string, name: string) => Promise<ServiceAccount | undefined>) {}

  async admit(op: 'create' | 'update', pod: Pod): Promise<void> {
    // Mirror pods are the kubelet's copies of static pods: they may name no account (NodeRestriction).
    if (op !== 'create' || pod.metadata?.annotations?.[MIRROR_ANNOTATION] !== undefined) return;
    const spec = (pod.spec ??= {});
    spec.serviceAccountName ||= DEFAULT_SERVICE_ACCOUNT;
    const namespace = pod.metadata?.namespace ?? '';
    const attempts = spec.serviceAccountName === DEFAULT_SERVICE_ACCOUNT ? DEFAULT_ACCOUNT_ATTEMPTS : 1;
    let sa: ServiceAccount | undefined;
    for (let i = 0; i < attempts && !sa; i++) {
      if (i > 0) await new Promise((resolve) => setTimeout(resolve, RETRY_MS));
      sa = await this.lookup(namespace, spec.serviceAccountName);
    }
    if (!sa) {
      throw admissionForbidden('pods', pod, `error looking up service account ${namespace}/${spec.serviceAccountName}: serviceaccount "${spec.serviceAccountName}" not found`);
    }
    if (!(spec.automountServiceAccountToken ?? sa.automountServiceAccountToken ?? true)) return;
    const containers = [...(spec.initContainers ?? []), ...(spec.containers ?? [])];
    // A pod that mounts something of its own there in every container keeps it.
    if (containers.every((c) => (c.volumeMounts ?? []).some((m) => m.mountPath === SERVICE_ACCOUNT_MOUNT_PATH))) return;
    let name = generatedName(API_ACCESS_VOLUME_PREFIX);
    while ((spec.volumes ?? []).some((v) => v.name === name)) name = generatedName(API_ACCESS_VOLUME_PREFIX);
    spec.volumes = [...(spec.volumes ?? []), apiAccessVolume(name)];
    for (const container of containers) mountInto(container, name);
  }
}
