import type { Container, LimitRange, LimitRangeItem, PersistentVolumeClaim, Pod } from '../../../lib/api/generated/index.js';
import { aggregate } from '../../../lib/validation/field-errors.js';
import type { ResourceList } from '../../../lib/quota/resource-list.js';
import { podRequestsAndLimits } from '../../../lib/quota/usage.js';
import type { KindHooks } from '../kinds/index.js';
import { admissionForbidden } from './forbidden.js';
import { claimViolations, computeViolations } from './limit-range-checks.js';

/** Where Kubernetes records the defaults LimitRanger filled in. */
export const LIMIT_RANGER_ANNOTATION = 'kubernetes.io/limit-ranger';

/**
 * Kubernetes' LimitRanger admission. On pod create it fills in each container's missing requests
 * and limits from the namespace's Container items (default, defaultRequest), then refuses the pod
 * when a container or the whole pod breaks a min, max or maxLimitRequestRatio. Claims are held to
 * the storage bounds of PersistentVolumeClaim items on create and update. Pod updates are left
 * alone: containers' resources cannot change after create.
 */
export class LimitRanger {
  constructor(private readonly listLimitRanges: (namespace: string) => Promise<LimitRange[]>) {}

  readonly pods: KindHooks<Pod> = {
    admit: async (op, pod) => {
      if (op !== 'create') return;
      const ranges = await this.listLimitRanges(pod.metadata?.namespace ?? '');
      if (ranges.length === 0) return;
      for (const range of ranges) applyDefaults(range, pod);
      const violations = ranges.flatMap((range) => (range.spec?.limits ?? []).flatMap((item) => podViolations(item, pod)));
      if (violations.length > 0) throw admissionForbidden('pods', pod, aggregate(violations));
    },
  };

  readonly claims: KindHooks<PersistentVolumeClaim> = {
    admit: async (_op, claim) => {
      const ranges = await this.listLimitRanges(claim.metadata?.namespace ?? '');
      const requests = claim.spec?.resources?.requests ?? {};
      const violations = ranges.flatMap((range) =>
        (range.spec?.limits ?? []).filter((item) => item.type === 'PersistentVolumeClaim').flatMap((item) => claimViolations(item, requests)),
      );
      if (violations.length > 0) throw admissionForbidden('persistentvolumeclaims', claim, aggregate(violations));
    },
  };
}

/** The defaults of a range's Container items (a later item wins), as one requests/limits pair. */
function containerDefaults(range: LimitRange): { requests: ResourceList; limits: ResourceList } {
  const defaults = { requests: {} as ResourceList, limits: {} as ResourceList };
  for (const item of range.spec?.limits ?? []) {
    if (item.type !== 'Container') continue;
    Object.assign(defaults.limits, item.default);
    Object.assign(defaults.requests, item.defaultRequest);
  }
  return defaults;
}

function applyDefaults(range: LimitRange, pod: Pod): void {
  const defaults = containerDefaults(range);
  const notes = [
    ...(pod.spec?.containers ?? []).flatMap((c) => fillContainer(c, defaults, 'container')),
    ...(pod.spec?.initContainers ?? []).flatMap((c) => fillContainer(c, defaults, 'init container')),
  ];
  if (notes.length === 0) return;
  const meta = (pod.metadata ??= {});
  meta.annotations = { ...meta.annotations, [LIMIT_RANGER_ANNOTATION]: `LimitRanger plugin set: ${notes.join('; ')}` };
}

/** Fills a container's missing requests and limits; returns what it set, as the annotation words it. */
function fillContainer(container: Container, defaults: { requests: ResourceList; limits: ResourceList }, what: string): string[] {
  const resources = (container.resources ??= {});
  const fill = (target: ResourceList, from: ResourceList): string[] => {
    const set = Object.keys(from).filter((name) => !(name in target));
    for (const name of set) target[name] = from[name]!;
    return set.sort();
  };
  const requests = fill((resources.requests ??= {}), defaults.requests);
  const limits = fill((resources.limits ??= {}), defaults.limits);
  const notes: string[] = [];
  if (requests.length > 0) notes.push(`${requests.join(', ')} request for ${what} ${container.name ?? ''}`);
  if (limits.length > 0) notes.push(`${limits.join(', ')} limit for ${what} ${container.name ?? ''}`);
  return notes;
}

function podViolations(item: LimitRangeItem, pod: Pod): string[] {
  const containers = [...(pod.spec?.containers ?? []), ...(pod.spec?.initContainers ?? [])];
  if (item.type === 'Container') {
    return containers.flatMap((c) => computeViolations(item, 'Container', c.resources?.requests ?? {}, c.resources?.limits ?? {}));
  }
  if (item.type === 'Pod') {
    const { requests, limits } = podRequestsAndLimits(pod);
    return computeViolations(item, 'Pod', requests, limits);
  }
  return [];
}
