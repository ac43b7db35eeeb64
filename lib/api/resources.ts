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
}

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

function info(
  resource: string,
  kind: string,
  field: EnvelopeField,
  group: string,
  opts: Partial<Pick<ResourceInfo, 'namespaced' | 'shortNames' | 'hasStatus' | 'hasScale' | 'legacyApiVersions'>> = {},
): ResourceInfo {
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

const appsLegacy = ['extensions/v1beta1', 'apps/v1beta1', 'apps/v1beta2'];

export const resources: readonly ResourceInfo[] = [
  info('pods', 'Pod', 'pod', '', { shortNames: ['po'] }),
  info('nodes', 'Node', 'node', '', { namespaced: false, shortNames: ['no'] }),
  info('namespaces', 'Namespace', 'namespace', '', { namespaced: false, shortNames: ['ns'] }),
  info('services', 'Service', 'service', '', { shortNames: ['svc'] }),
  info('endpoints', 'Endpoints', 'endpoints', '', { shortNames: ['ep'], hasStatus: false }),
  info('replicationcontrollers', 'ReplicationController', 'replicationController', '', { shortNames: ['rc'], hasScale: true }),
  info('replicasets', 'ReplicaSet', 'replicaSet', 'apps', { shortNames: ['rs'], hasScale: true, legacyApiVersions: appsLegacy }),
  info('deployments', 'Deployment', 'deployment', 'apps', { shortNames: ['deploy'], hasScale: true, legacyApiVersions: appsLegacy }),
  info('configmaps', 'ConfigMap', 'configMap', '', { shortNames: ['cm'], hasStatus: false }),
  info('secrets', 'Secret', 'secret', '', { hasStatus: false }),
  info('events', 'Event', 'event', '', { shortNames: ['ev'], hasStatus: false }),
  info('leases', 'Lease', 'lease', 'coordination.k8s.io', { hasStatus: false }),
  info('priorityclasses', 'PriorityClass', 'priorityClass', 'scheduling.k8s.io', { namespaced: false, shortNames: ['pc'], hasStatus: false }),
  info('horizontalpodautoscalers', 'HorizontalPodAutoscaler', 'horizontalPodAutoscaler', 'autoscaling', {
    shortNames: ['hpa'],
    legacyApiVersions: ['autoscaling/v2', 'autoscaling/v2beta1', 'autoscaling/v2beta2'],
  }),
  info('persistentvolumes', 'PersistentVolume', 'persistentVolume', '', { namespaced: false, shortNames: ['pv'] }),
  info('persistentvolumeclaims', 'PersistentVolumeClaim', 'persistentVolumeClaim', '', { shortNames: ['pvc'] }),
];

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
