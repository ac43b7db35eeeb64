import type { PersistentVolumeClaim, Pod, Service } from '../api/generated/index.js';
import type { AnyObject, ResourceInfo } from '../api/resources.js';
import { addLists, maxLists, type ResourceList } from './resource-list.js';

// What one object uses of a quota, per kind, as Kubernetes' quota evaluators count it. Every
// namespaced kind counts as `count/<resource>.<group>`; the core kinds Kubernetes counted before
// that form existed also under their plain names, and pods, services and claims add what they
// hold (compute, node ports, storage).

/** Core kinds counted under their plain resource name too (`pods`, `secrets`, ...). */
const LEGACY_COUNTED = new Set(['pods', 'services', 'replicationcontrollers', 'resourcequotas', 'secrets', 'configmaps', 'persistentvolumeclaims']);

/** The quota names compute quotas insist every container states, so usage can be charged. */
export const POD_COMPUTE_NAMES = ['cpu', 'memory', 'requests.cpu', 'requests.memory', 'limits.cpu', 'limits.memory'] as const;

/** `count/pods`, `count/deployments.apps`: the object-count name of a resource. */
export function objectCountName(info: ResourceInfo): string {
  return `count/${info.resource}${info.group ? `.${info.group}` : ''}`;
}

/** Whether objects of this kind can change the usage of the quota resource `name`. */
export function kindCounts(info: ResourceInfo, name: string): boolean {
  if (name === objectCountName(info) || (info.group === '' && LEGACY_COUNTED.has(info.resource) && name === info.resource)) return true;
  switch (info.resource) {
    case 'pods':
      return isPodComputeName(name);
    case 'services':
      return name === 'services.nodeports' || name === 'services.loadbalancers';
    case 'persistentvolumeclaims':
      return name === 'requests.storage';
    default:
      return false;
  }
}

function isPodComputeName(name: string): boolean {
  return (
    name === 'cpu' || name === 'memory' || name === 'ephemeral-storage' || name.startsWith('requests.') || name.startsWith('limits.') || name.startsWith('hugepages-')
  );
}

/** What the object uses, under every quota name its kind counts. `now` decides whether a deleted pod's grace has run out. */
export function usageOf(info: ResourceInfo, object: AnyObject, now = Date.now()): ResourceList {
  const usage: ResourceList = { [objectCountName(info)]: '1' };
  const legacy = info.group === '' && LEGACY_COUNTED.has(info.resource);
  switch (info.resource) {
    case 'pods':
      return isCountedPod(object as Pod, now) ? addLists(usage, podComputeUsage(object as Pod)) : usage;
    case 'services':
      return { ...usage, services: '1', ...serviceUsage(object as Service) };
    case 'persistentvolumeclaims': {
      const storage = (object as PersistentVolumeClaim).spec?.resources?.requests?.storage;
      return { ...usage, persistentvolumeclaims: '1', ...(storage ? { 'requests.storage': storage } : {}) };
    }
    default:
      return legacy ? { ...usage, [info.resource]: '1' } : usage;
  }
}

/**
 * Kubernetes' QuotaV1Pod: a pod stops using quota when it finished, or when it is being deleted and
 * its grace period has run out (its node may be gone and never confirm the delete).
 */
export function isCountedPod(pod: Pod, now: number): boolean {
  const phase = pod.status?.phase;
  if (phase === 'Succeeded' || phase === 'Failed') return false;
  const deletedAt = pod.metadata?.deletionTimestamp;
  const grace = pod.metadata?.deletionGracePeriodSeconds;
  if (deletedAt && grace !== undefined) return now <= Date.parse(deletedAt) + Number(grace) * 1000;
  return true;
}

/**
 * What a pod asks for as a whole: its app containers add up; init containers run one at a time
 * before them, so the largest of them counts if it is more than that sum, as Kubernetes computes it.
 */
export function podRequestsAndLimits(pod: Pod): { requests: ResourceList; limits: ResourceList } {
  let requests: ResourceList = {};
  let limits: ResourceList = {};
  for (const c of pod.spec?.containers ?? []) {
    requests = addLists(requests, c.resources?.requests);
    limits = addLists(limits, c.resources?.limits);
  }
  for (const c of pod.spec?.initContainers ?? []) {
    requests = maxLists(requests, c.resources?.requests);
    limits = maxLists(limits, c.resources?.limits);
  }
  return { requests, limits };
}

function podComputeUsage(pod: Pod): ResourceList {
  const { requests, limits } = podRequestsAndLimits(pod);
  return { pods: '1', ...containerComputeUsage(requests, limits) };
}

/** Kubernetes' podComputeUsageHelper: requests count as `cpu` and `requests.cpu`, limits as `limits.cpu`. */
export function containerComputeUsage(requests: ResourceList, limits: ResourceList): ResourceList {
  const usage: ResourceList = {};
  for (const [name, value] of Object.entries(requests)) {
    if (name === 'cpu' || name === 'memory' || name === 'ephemeral-storage') usage[name] = value;
    usage[`requests.${name}`] = value;
  }
  for (const [name, value] of Object.entries(limits)) {
    if (name === 'cpu' || name === 'memory' || name === 'ephemeral-storage') usage[`limits.${name}`] = value;
  }
  return usage;
}

function serviceUsage(svc: Service): ResourceList {
  const type = svc.spec?.type;
  const usage: ResourceList = {};
  if (type === 'LoadBalancer') usage['services.loadbalancers'] = '1';
  if (type === 'NodePort' || type === 'LoadBalancer') usage['services.nodeports'] = String(svc.spec?.ports?.length ?? 0);
  return usage;
}

/**
 * Kubernetes' pod quota constraint: a quota on cpu or memory can only charge pods whose every
 * container states that resource. What the pod leaves out of the tracked names, worded as
 * Kubernetes words it (`limits.memory for: app; requests.cpu for: app,sidecar`); undefined when
 * nothing is missing or the object is not a pod.
 */
export function unstatedCompute(info: ResourceInfo, tracked: readonly string[], object: AnyObject): string | undefined {
  if (info.resource !== 'pods' || info.group !== '') return undefined;
  const required = tracked.filter((n) => (POD_COMPUTE_NAMES as readonly string[]).includes(n));
  const pod = object as Pod;
  const missing = new Map<string, Set<string>>();
  for (const c of [...(pod.spec?.containers ?? []), ...(pod.spec?.initContainers ?? [])]) {
    const stated = containerComputeUsage(c.resources?.requests ?? {}, c.resources?.limits ?? {});
    for (const name of required) if (!(name in stated)) missing.set(name, (missing.get(name) ?? new Set()).add(c.name ?? ''));
  }
  if (missing.size === 0) return undefined;
  return [...missing.keys()]
    .sort()
    .map((name) => `${name} for: ${[...missing.get(name)!].sort().join(',')}`)
    .join('; ');
}
