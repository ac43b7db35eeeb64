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
  serviceAccount: t.ServiceAccount;
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
  version: string;
  /** apiVersion written on output ("v1", "apps/v1"). */
  apiVersion: string;
  /** Other apiVersions accepted in manifests, as older kubectl manifests (and the book's walkthrough) use them. */
  legacyApiVersions: string[];
  namespaced: boolean;
  shortNames: string[];
  hasStatus: boolean;
  hasScale: boolean;
}

function info<F extends EnvelopeField>(
  resource: string,
  kind: string,
  field: F,
  group: string,
  opts: Partial<Pick<ResourceInfo, 'namespaced' | 'shortNames' | 'hasStatus' | 'hasScale' | 'legacyApiVersions'>> = {},
): ResourceInfo & { field: F } {
  const version = 'v1';
  return {
    resource,
    singular: kind.toLowerCase(),
    kind,
    field,
    group,
    version,
    apiVersion: group ? `${group}/${version}` : version,
    legacyApiVersions: opts.legacyApiVersions ?? [],
    namespaced: opts.namespaced ?? true,
    shortNames: opts.shortNames ?? [],
    hasStatus: opts.hasStatus ?? true,
    hasScale: opts.hasScale ?? false,
  };
}

/** The API group of Roles, ClusterRoles and their bindings. */
export const RBAC_GROUP = 'rbac.authorization.k8s.io';

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
    legacyApiVersions: ['autoscaling/v2', 'autoscaling/v2beta1', 'autoscaling/v2beta2'],
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
  serviceAccount: info('serviceaccounts', 'ServiceAccount', 'serviceAccount', '', { shortNames: ['sa'], hasStatus: false }),
};

export const resources: readonly ResourceInfo[] = Object.values(table);

const byResource = new Map(resources.map((r) => [r.resource, r]));
const byKind = new Map(resources.map((r) => [r.kind, r]));
const byField = new Map(resources.map((r) => [r.field, r]));
const byAnyName = new Map<string, ResourceInfo>();
for (const r of resources) {
  for (const name of [r.resource, r.singular, r.kind.toLowerCase(), ...r.shortNames]) byAnyName.set(name, r);
}

/** Looks up a resource by its plural name as used in API requests; undefined if unknown. */
export function resourceByName(resource: string): ResourceInfo | undefined {
  return byResource.get(resource);
}

export function resourceByKind(kind: string): ResourceInfo | undefined {
  return byKind.get(kind);
}

const bySingular = new Map(resources.map((r) => [r.singular, r]));

/**
 * What an API request may name a resource by: its plural ("pods"), its singular ("pod") or its
 * kind ("Pod"). Each names one resource; short names and groups are the CLI's business.
 */
export function resourceByRequestName(name: string): ResourceInfo | undefined {
  return byResource.get(name) ?? byKind.get(name) ?? bySingular.get(name);
}

export function resourceByField(field: EnvelopeField): ResourceInfo {
  const r = byField.get(field);
  if (!r) throw new Error(`no resource for envelope field ${field}`);
  return r;
}

/** Resolves what a user types: plural, singular, kind or short name, optionally with a group (`deployments.apps`). */
export function resolveResourceAlias(name: string): ResourceInfo | undefined {
  const lower = name.toLowerCase();
  const direct = byAnyName.get(lower);
  if (direct) return direct;
  const dot = lower.indexOf('.');
  if (dot < 0) return undefined;
  const r = byAnyName.get(lower.slice(0, dot));
  return r && r.group === lower.slice(dot + 1) ? r : undefined;
}

export function acceptsApiVersion(r: ResourceInfo, apiVersion: string): boolean {
  return apiVersion === r.apiVersion || r.legacyApiVersions.includes(apiVersion);
}
