import type { Logger } from 'pino';
import { isApiError } from '../../lib/api/errors.js';
import type * as t from '../../lib/api/generated/index.js';
import { resourceByField, type AnyObject, type EnvelopeField } from '../../lib/api/resources.js';
import { SYSTEM_PRIORITY_CLASSES } from './admission/priority.js';
import { Ipv4Range } from './allocators/ranges.js';
import type { Registry } from './registry/registry.js';
import { ANONYMOUS_USER, CLUSTER_INFO_NAME, CLUSTER_INFO_NAMESPACE, clusterInfoKubeconfig } from '../../lib/auth/cluster-info.js';

const SYSTEM_NAMESPACES = ['default', 'kube-system', 'kube-public', 'kube-node-lease'];

/**
 * Creates the object unless it exists. Admission runs before the existence check (a second
 * kubernetes Service fails on its already allocated ClusterIP, not as AlreadyExists), so existence
 * is checked first, and again after a failure in case another apiserver created it meanwhile.
 */
export async function ensure(registry: Registry, field: EnvelopeField, namespace: string, object: AnyObject): Promise<void> {
  const info = resourceByField(field);
  const name = object.metadata?.name ?? '';
  const exists = (): Promise<boolean> => registry.get(info, namespace, name).then(() => true, (err: unknown) => (isApiError(err, 'NotFound') ? false : Promise.reject(err)));
  if (await exists()) return;
  try {
    await registry.create(info, namespace, object);
  } catch (err) {
    if (!(await exists())) throw err;
  }
}

/**
 * Replaces the object when it is not as wanted, reading it again after a Conflict: the apiservers
 * of an HA set start together and reconcile the same objects, and one of them writing first must
 * not stop the others.
 */
export async function replaceUnlessSame<T extends AnyObject>(registry: Registry, field: EnvelopeField, namespace: string, name: string, same: (current: T) => boolean, wanted: (current: T) => T): Promise<void> {
  const info = resourceByField(field);
  for (let attempt = 1; ; attempt++) {
    const current = (await registry.get(info, namespace, name)) as T;
    if (same(current)) return;
    try {
      await registry.update(info, namespace, wanted(current));
      return;
    } catch (err) {
      if (!isApiError(err, 'Conflict') || attempt === 5) throw err;
    }
  }
}

/**
 * kubeadm's discovery object for joining nodes: `cluster-info` in kube-public with the CA and the
 * server, kept current (a CA or address changed since), and a Role and RoleBinding that let
 * anonymous users read exactly that object.
 */
async function publishClusterInfo(registry: Registry, info: { caPem: string; server: string }): Promise<void> {
  const ns = CLUSTER_INFO_NAMESPACE;
  const roleName = 'kubeadm:bootstrap-signer-clusterinfo';
  await ensure(registry, 'role', ns, {
    metadata: { name: roleName, namespace: ns },
    rules: [{ verbs: ['get'], apiGroups: [''], resources: ['configmaps'], resourceNames: [CLUSTER_INFO_NAME] }],
  } as t.Role);
  await ensure(registry, 'roleBinding', ns, {
    metadata: { name: roleName, namespace: ns },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: roleName },
    subjects: [{ kind: 'User', apiGroup: 'rbac.authorization.k8s.io', name: ANONYMOUS_USER }],
  } as t.RoleBinding);
  const kubeconfig = clusterInfoKubeconfig(info.caPem, info.server);
  await ensure(registry, 'configMap', ns, { metadata: { name: CLUSTER_INFO_NAME, namespace: ns }, data: { kubeconfig } } as t.ConfigMap);
  await replaceUnlessSame<t.ConfigMap>(registry, 'configMap', ns, CLUSTER_INFO_NAME, (current) => current.data?.kubeconfig === kubeconfig, (current) => ({ ...current, data: { ...current.data, kubeconfig } }));
}

/**
 * What kube-apiserver creates at start: the system namespaces, the built-in priority classes and
 * the `kubernetes` Service on the first address of the service range (port 443, named https; its
 * endpoints are the endpoint reconciler's). Idempotent, so every apiserver of an HA set runs it.
 */
export async function bootstrapCluster(
  registry: Registry,
  opts: { serviceCidr: string; httpsPort: number; log: Logger; clusterInfo?: { caPem: string; server: string } },
): Promise<void> {
  for (const name of SYSTEM_NAMESPACES) await ensure(registry, 'namespace', '', { metadata: { name } } as t.Namespace);
  for (const pc of SYSTEM_PRIORITY_CLASSES) await ensure(registry, 'priorityClass', '', structuredClone(pc));
  const clusterIP = new Ipv4Range(opts.serviceCidr).ipAt(1);
  await ensure(registry, 'service', 'default', {
    metadata: { name: 'kubernetes', namespace: 'default', labels: { component: 'apiserver', provider: 'kubernetes' } },
    spec: { type: 'ClusterIP', clusterIP, ports: [{ name: 'https', port: 443, protocol: 'TCP', targetPort: { intVal: opts.httpsPort } }] },
  } as t.Service);
  if (opts.clusterInfo) await publishClusterInfo(registry, opts.clusterInfo);
  opts.log.info({ clusterIP }, 'bootstrap objects present');
}
