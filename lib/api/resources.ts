import type * as t from './generated/index.js';

/** The envelope field each kind travels in (proto/kubets/v1/api.proto, message Object). */
export interface KindTypes {
  pod: t.Pod;
  node: t.Node;
  namespace: t.Namespace;
  service: t.Service;
  endpoints: t.Endpoints;
  replicationController: t.ReplicationController;
  replicaSet: t.ReplicaSet;
  deployment: t.Deployment;
  configMap: t.ConfigMap;
  secret: t.Secret;
  event: t.Event;
  lease: t.Lease;
  priorityClass: t.PriorityClass;
  horizontalPodAutoscaler: t.HorizontalPodAutoscaler;
  persistentVolume: t.PersistentVolume;
  persistentVolumeClaim: t.PersistentVolumeClaim;
  endpointSlice: t.EndpointSlice;
  job: t.Job;
  cronJob: t.CronJob;
  resourceQuota: t.ResourceQuota;
  limitRange: t.LimitRange;
  role: t.Role;
  clusterRole: t.ClusterRole;
  roleBinding: t.RoleBinding;
  clusterRoleBinding: t.ClusterRoleBinding;
  daemonSet: t.DaemonSet;
  statefulSet: t.StatefulSet;
  controllerRevision: t.ControllerRevision;
  ingress: t.Ingress;
  ingressClass: t.IngressClass;
  networkPolicy: t.NetworkPolicy;
  storageClass: t.StorageClass;
  podMetrics: t.PodMetrics;
  nodeMetrics: t.NodeMetrics;
  serviceAccount: t.ServiceAccount;
  certificateSigningRequest: t.CertificateSigningRequest;
  podDisruptionBudget: t.PodDisruptionBudget;
}

type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
/** Compiles only while KindTypes and the envelope's oneof list the same kinds, with the same types. */
const kindsMatchEnvelope: Same<KindTypes, Required<t.Object>> = true;
void kindsMatchEnvelope;

export type EnvelopeField = keyof KindTypes;
export type AnyObject = KindTypes[EnvelopeField];

export interface ResourceInfo {
  /** Plural lower-case name used in requests and storage keys ("pods"). */
  resource: string;
  singular: string;
  kind: string;
  field: EnvelopeField;
  group: string;
  /** The version this info serves; for a kind's entry in the table, the stored and preferred one. */
  version: string;
  /** apiVersion written on output ("v1", "apps/v1"). */
  apiVersion: string;
  /**
   * Every version the API serves the kind in, preferred (stored) first. The others are served by
   * conversion (lib/api/conversion), through the views of versionedResource().
   */
  servedVersions: string[];
  /** Other apiVersions accepted in manifests, as older kubectl manifests (and the book's walkthrough) use them. */
  legacyApiVersions: string[];
  namespaced: boolean;
  shortNames: string[];
  hasStatus: boolean;
  hasScale: boolean;
  /**
   * False for kinds that are measured, not stored (metrics.k8s.io): never in etcd, read only (get
   * and list), answered by asking the kubelets. Their plural may repeat a stored kind's ("pods"):
   * the group tells them apart.
   */
  stored: boolean;
}

function info<F extends EnvelopeField>(
  resource: string,
  kind: string,
  field: F,
  group: string,
  opts: Partial<Pick<ResourceInfo, 'namespaced' | 'shortNames' | 'hasStatus' | 'hasScale' | 'legacyApiVersions' | 'servedVersions' | 'stored'>> = {},
): ResourceInfo & { field: F } {
  const servedVersions = opts.servedVersions ?? ['v1'];
  const version = servedVersions[0]!;
  return {
    resource,
    singular: kind.toLowerCase(),
    kind,
    field,
    group,
    version,
    apiVersion: group ? `${group}/${version}` : version,
    servedVersions,
    legacyApiVersions: opts.legacyApiVersions ?? [],
    namespaced: opts.namespaced ?? true,
    shortNames: opts.shortNames ?? [],
    hasStatus: opts.hasStatus ?? true,
    hasScale: opts.hasScale ?? false,
    stored: opts.stored ?? true,
  };
}

/** The API group of the resource metrics (metrics-server's), which the kubelets measure. */
export const METRICS_GROUP = 'metrics.k8s.io';
const measured = { servedVersions: ['v1beta1'], hasStatus: false, stored: false };

/** The API group of Roles, ClusterRoles and their bindings. */
export const RBAC_GROUP = 'rbac.authorization.k8s.io';

/** The API group of CertificateSigningRequests. */
export const CERTIFICATES_GROUP = 'certificates.k8s.io';

/** The API group of PodDisruptionBudgets (and of the Eviction subresource of pods). */
export const POLICY_GROUP = 'policy';

const appsLegacy = ['extensions/v1beta1', 'apps/v1beta1', 'apps/v1beta2'];

// Keyed by envelope field, so a kind in KindTypes without an entry here fails to compile.
const table: { readonly [F in EnvelopeField]: ResourceInfo & { field: F } } = {
  pod: info('pods', 'Pod', 'pod', '', { shortNames: ['po'] }),
  node: info('nodes', 'Node', 'node', '', { namespaced: false, shortNames: ['no'] }),
  namespace: info('namespaces', 'Namespace', 'namespace', '', { namespaced: false, shortNames: ['ns'] }),
  service: info('services', 'Service', 'service', '', { shortNames: ['svc'] }),
  endpoints: info('endpoints', 'Endpoints', 'endpoints', '', { shortNames: ['ep'], hasStatus: false }),
  replicationController: info('replicationcontrollers', 'ReplicationController', 'replicationController', '', { shortNames: ['rc'], hasScale: true }),
  replicaSet: info('replicasets', 'ReplicaSet', 'replicaSet', 'apps', { shortNames: ['rs'], hasScale: true, legacyApiVersions: appsLegacy }),
  deployment: info('deployments', 'Deployment', 'deployment', 'apps', { shortNames: ['deploy'], hasScale: true, legacyApiVersions: appsLegacy }),
  configMap: info('configmaps', 'ConfigMap', 'configMap', '', { shortNames: ['cm'], hasStatus: false }),
  secret: info('secrets', 'Secret', 'secret', '', { hasStatus: false }),
  event: info('events', 'Event', 'event', '', { shortNames: ['ev'], hasStatus: false }),
  lease: info('leases', 'Lease', 'lease', 'coordination.k8s.io', { hasStatus: false }),
  priorityClass: info('priorityclasses', 'PriorityClass', 'priorityClass', 'scheduling.k8s.io', { namespaced: false, shortNames: ['pc'], hasStatus: false }),
  horizontalPodAutoscaler: info('horizontalpodautoscalers', 'HorizontalPodAutoscaler', 'horizontalPodAutoscaler', 'autoscaling', {
    shortNames: ['hpa'],
    servedVersions: ['v2', 'v1'],
    legacyApiVersions: ['autoscaling/v2beta2'],
  }),
  persistentVolume: info('persistentvolumes', 'PersistentVolume', 'persistentVolume', '', { namespaced: false, shortNames: ['pv'] }),
  persistentVolumeClaim: info('persistentvolumeclaims', 'PersistentVolumeClaim', 'persistentVolumeClaim', '', { shortNames: ['pvc'] }),
  endpointSlice: info('endpointslices', 'EndpointSlice', 'endpointSlice', 'discovery.k8s.io', { hasStatus: false }),
  job: info('jobs', 'Job', 'job', 'batch'),
  cronJob: info('cronjobs', 'CronJob', 'cronJob', 'batch', { shortNames: ['cj'], legacyApiVersions: ['batch/v1beta1'] }),
  resourceQuota: info('resourcequotas', 'ResourceQuota', 'resourceQuota', '', { shortNames: ['quota'] }),
  limitRange: info('limitranges', 'LimitRange', 'limitRange', '', { shortNames: ['limits'], hasStatus: false }),
  role: info('roles', 'Role', 'role', RBAC_GROUP, { hasStatus: false }),
  clusterRole: info('clusterroles', 'ClusterRole', 'clusterRole', RBAC_GROUP, { namespaced: false, hasStatus: false }),
  roleBinding: info('rolebindings', 'RoleBinding', 'roleBinding', RBAC_GROUP, { hasStatus: false }),
  clusterRoleBinding: info('clusterrolebindings', 'ClusterRoleBinding', 'clusterRoleBinding', RBAC_GROUP, { namespaced: false, hasStatus: false }),
  daemonSet: info('daemonsets', 'DaemonSet', 'daemonSet', 'apps', { shortNames: ['ds'], legacyApiVersions: appsLegacy }),
  statefulSet: info('statefulsets', 'StatefulSet', 'statefulSet', 'apps', { shortNames: ['sts'], hasScale: true, legacyApiVersions: ['apps/v1beta1', 'apps/v1beta2'] }),
  controllerRevision: info('controllerrevisions', 'ControllerRevision', 'controllerRevision', 'apps', { hasStatus: false, legacyApiVersions: ['apps/v1beta1', 'apps/v1beta2'] }),
  ingress: info('ingresses', 'Ingress', 'ingress', 'networking.k8s.io', { shortNames: ['ing'] }),
  ingressClass: info('ingressclasses', 'IngressClass', 'ingressClass', 'networking.k8s.io', { namespaced: false, hasStatus: false }),
  networkPolicy: info('networkpolicies', 'NetworkPolicy', 'networkPolicy', 'networking.k8s.io', { shortNames: ['netpol'], hasStatus: false }),
  storageClass: info('storageclasses', 'StorageClass', 'storageClass', 'storage.k8s.io', { namespaced: false, shortNames: ['sc'], hasStatus: false }),
  podMetrics: { ...info('pods', 'PodMetrics', 'podMetrics', METRICS_GROUP, measured), singular: '' },
  nodeMetrics: { ...info('nodes', 'NodeMetrics', 'nodeMetrics', METRICS_GROUP, { ...measured, namespaced: false }), singular: '' },
  serviceAccount: info('serviceaccounts', 'ServiceAccount', 'serviceAccount', '', { shortNames: ['sa'], hasStatus: false }),
  certificateSigningRequest: info('certificatesigningrequests', 'CertificateSigningRequest', 'certificateSigningRequest', CERTIFICATES_GROUP, { namespaced: false, shortNames: ['csr'] }),
  podDisruptionBudget: info('poddisruptionbudgets', 'PodDisruptionBudget', 'podDisruptionBudget', POLICY_GROUP, { shortNames: ['pdb'], legacyApiVersions: ['policy/v1beta1'] }),
};

export const resources: readonly ResourceInfo[] = Object.values(table);

/** A name → resource index where the first kind listed keeps a name two share (core `pods` before metrics' `pods`). */
function firstWins(names: (r: ResourceInfo) => string[]): Map<string, ResourceInfo> {
  const index = new Map<string, ResourceInfo>();
  for (const r of resources) for (const name of names(r)) if (name && !index.has(name)) index.set(name, r);
  return index;
}

const byResource = firstWins((r) => [r.resource]);
const byKind = firstWins((r) => [r.kind]);
const byField = new Map(resources.map((r) => [r.field, r]));
const byAnyName = firstWins((r) => [r.resource, r.singular, r.kind.toLowerCase(), ...r.shortNames]);
const byGroupResource = firstWins((r) => [`${r.resource}.${r.group}`]);

/** Looks up a resource by its plural name as used in API requests; undefined if unknown. */
export function resourceByName(resource: string): ResourceInfo | undefined {
  return byResource.get(resource);
}

export function resourceByKind(kind: string): ResourceInfo | undefined {
  return byKind.get(kind);
}

const bySingular = firstWins((r) => [r.singular]);

/** The resource of a plural name within one API group (the HTTP API's paths name both). */
export function resourceInGroup(group: string, resource: string): ResourceInfo | undefined {
  return byGroupResource.get(`${resource}.${group}`);
}

/**
 * What an API request may name a resource by: its plural ("pods"), its singular ("pod") or its
 * kind ("Pod"), its plural and group where a plural is shared ("pods.metrics.k8s.io"), or the plural
 * in one served version (`horizontalpodautoscalers.v1.autoscaling`, `pods.v1`: kubectl's fully
 * qualified form). Each names one resource; short names are the CLI's business.
 */
export function resourceByRequestName(name: string): ResourceInfo | undefined {
  const direct = byResource.get(name) ?? byKind.get(name) ?? bySingular.get(name) ?? byGroupResource.get(name);
  if (direct) return direct;
  const [resource = '', version = '', ...group] = name.split('.');
  const r = byGroupResource.get(`${resource}.${group.join('.')}`);
  return r ? versionedResource(r, version) : undefined;
}

/**
 * The name a request gives a resource: its plural, qualified by its group where another kind holds
 * that plural first, and in another served version than the stored one kubectl's `plural.version.group`.
 */
export function requestNameOf(info: ResourceInfo): string {
  if (!isStoredVersion(info)) return [info.resource, info.version, info.group].filter(Boolean).join('.');
  return byResource.get(info.resource) === info ? info.resource : `${info.resource}.${info.group}`;
}

export function resourceByField(field: EnvelopeField): ResourceInfo {
  const r = byField.get(field);
  if (!r) throw new Error(`no resource for envelope field ${field}`);
  return r;
}

/** The request name of a resource's stored version, which operations address whatever version a request was served in. */
export function storedRequestName(info: ResourceInfo): string {
  return requestNameOf(resourceByField(info.field));
}

/** Resolves what a user types: plural, singular, kind or short name, optionally with a group (`deployments.apps`). */
export function resolveResourceAlias(name: string): ResourceInfo | undefined {
  const lower = name.toLowerCase();
  const direct = byAnyName.get(lower);
  if (direct) return direct;
  const dot = lower.indexOf('.');
  if (dot < 0) return undefined;
  const bare = lower.slice(0, dot);
  const group = lower.slice(dot + 1);
  return resources.find((r) => r.group === group && [r.resource, r.singular, r.kind.toLowerCase(), ...r.shortNames].includes(bare));
}

export function acceptsApiVersion(r: ResourceInfo, apiVersion: string): boolean {
  return apiVersion === r.apiVersion || r.legacyApiVersions.includes(apiVersion);
}

const views = new Map<string, ResourceInfo>();

/**
 * The kind as served in one of its versions: the same entry with that version and apiVersion;
 * undefined for a version the kind is not served in. The table's own entry is the preferred
 * (stored) version's view.
 */
export function versionedResource(r: ResourceInfo, version: string): ResourceInfo | undefined {
  const stored = resourceByField(r.field);
  if (version === stored.version) return stored;
  if (!stored.servedVersions.includes(version)) return undefined;
  const key = `${stored.field}/${version}`;
  let view = views.get(key);
  if (!view) {
    view = { ...stored, version, apiVersion: stored.group ? `${stored.group}/${version}` : version, legacyApiVersions: [] };
    views.set(key, view);
  }
  return view;
}

/** Whether the info is a kind's stored version, whose objects need no conversion. */
export function isStoredVersion(r: ResourceInfo): boolean {
  return r.version === resourceByField(r.field).version;
}

/** Every version view of every kind, preferred versions first within a kind. */
export function servedResources(): ResourceInfo[] {
  return resources.flatMap((r) => r.servedVersions.map((v) => versionedResource(r, v)!));
}

/** The view of the kind for an apiVersion written on an object ("autoscaling/v1"); undefined if it is not a served one. */
export function resourceForApiVersion(r: ResourceInfo, apiVersion: string): ResourceInfo | undefined {
  const stored = resourceByField(r.field);
  if (acceptsApiVersion(stored, apiVersion)) return stored;
  const [group, version] = apiVersion.includes('/') ? apiVersion.split('/') : ['', apiVersion];
  return group === stored.group ? versionedResource(stored, version!) : undefined;
}
