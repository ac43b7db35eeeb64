import type { Pod, Toleration } from '../../../lib/api/generated/index.js';
import { nothing, selectorFromLabelSelector, type Selector } from '../../../lib/labels/selector.js';
import { AffinityTerm, compileRequiredTerms, compileWeightedTerms } from './affinity-term.js';
import { RequiredNodeAffinity, compileNodeSelectorTerm, type Labels } from '../../../lib/api/node-selector.js';
import { computePodRequests, emptyResource, type Resource } from './resources.js';

export const DEFAULT_SCHEDULER_NAME = 'default-scheduler';
const DEFAULT_HOST_IP = '0.0.0.0';

export interface HostPort {
  ip: string;
  protocol: string;
  port: number;
}

interface PreferredNodeTerm {
  weight: number;
  matches: (labels: Labels, nodeName: string) => boolean;
}

export interface SpreadConstraint {
  maxSkew: number;
  topologyKey: string;
  whenUnsatisfiable: 'DoNotSchedule' | 'ScheduleAnyway';
  selector: Selector;
  minDomains: number;
}

/** `namespace/name`, the key pods go by in the queue and in events. */
export function podKey(pod: Pod): string {
  return `${pod.metadata?.namespace ?? ''}/${pod.metadata?.name ?? ''}`;
}

/** Kubernetes' normalizedImageName: an image without a tag means `:latest`. */
export function normalizedImageName(name: string): string {
  return name.lastIndexOf(':') <= name.lastIndexOf('/') ? `${name}:latest` : name;
}

function parseTime(value: string | undefined): number {
  if (!value) return 0;
  const t = Date.parse(value);
  return Number.isNaN(t) ? 0 : t;
}

/**
 * Everything the plugins need from a pod, parsed once: requests as numbers, host ports,
 * compiled affinity terms and selectors. Plugins run per node, so nothing here is recomputed
 * per node. `parseErrors` lists what could not be parsed (the apiserver should have rejected
 * it); such a pod is reported unschedulable rather than crashing the scheduler.
 */
export class PodInfo {
  readonly key: string;
  /** Cache identity: the uid, or the key for objects without one. */
  readonly uid: string;
  readonly namespace: string;
  readonly name: string;
  readonly labels: Labels;
  readonly nodeName: string;
  readonly priority: number;
  readonly creationTime: number;
  readonly startTime: number;
  readonly terminating: boolean;
  readonly schedulerName: string;
  readonly preemptionPolicy: string;
  readonly requests: Resource;
  readonly nonZeroMilliCPU: number;
  readonly nonZeroMemory: number;
  readonly hostPorts: readonly HostPort[];
  readonly tolerations: readonly Toleration[];
  readonly requiredNodeAffinity: RequiredNodeAffinity;
  readonly preferredNodeTerms: readonly PreferredNodeTerm[];
  readonly requiredAffinityTerms: readonly AffinityTerm[];
  readonly requiredAntiAffinityTerms: readonly AffinityTerm[];
  readonly preferredAffinityTerms: readonly AffinityTerm[];
  readonly preferredAntiAffinityTerms: readonly AffinityTerm[];
  /** Has any pod affinity or anti-affinity (kube-scheduler's podsWithAffinity membership). */
  readonly hasAffinity: boolean;
  readonly spreadConstraints: readonly SpreadConstraint[];
  /** Normalized images of init and regular containers. */
  readonly images: readonly string[];
  readonly parseErrors: readonly string[];

  private constructor(
    readonly pod: Pod,
    source?: PodInfo,
  ) {
    const meta = pod.metadata ?? {};
    const spec = pod.spec ?? {};
    this.key = podKey(pod);
    this.uid = meta.uid || this.key;
    this.namespace = meta.namespace ?? '';
    this.name = meta.name ?? '';
    this.labels = meta.labels ?? {};
    this.nodeName = spec.nodeName ?? '';
    this.priority = spec.priority ?? 0;
    this.creationTime = parseTime(meta.creationTimestamp);
    this.startTime = parseTime(pod.status?.startTime);
    this.terminating = !!meta.deletionTimestamp;
    this.schedulerName = spec.schedulerName || DEFAULT_SCHEDULER_NAME;
    this.preemptionPolicy = spec.preemptionPolicy || 'PreemptLowerPriority';
    if (source) {
      // Same spec, another object (the assumed copy with spec.nodeName set): share the parse.
      this.requests = source.requests;
      this.nonZeroMilliCPU = source.nonZeroMilliCPU;
      this.nonZeroMemory = source.nonZeroMemory;
      this.hostPorts = source.hostPorts;
      this.tolerations = source.tolerations;
      this.requiredNodeAffinity = source.requiredNodeAffinity;
      this.preferredNodeTerms = source.preferredNodeTerms;
      this.requiredAffinityTerms = source.requiredAffinityTerms;
      this.requiredAntiAffinityTerms = source.requiredAntiAffinityTerms;
      this.preferredAffinityTerms = source.preferredAffinityTerms;
      this.preferredAntiAffinityTerms = source.preferredAntiAffinityTerms;
      this.hasAffinity = source.hasAffinity;
      this.spreadConstraints = source.spreadConstraints;
      this.images = source.images;
      this.parseErrors = source.parseErrors;
      return;
    }

    const errors: string[] = [];
    const containers = spec.containers ?? [];
    const initContainers = spec.initContainers ?? [];
    let requests = emptyResource();
    let nonZeroMilliCPU = 0;
    let nonZeroMemory = 0;
    try {
      ({ requests, nonZeroMilliCPU, nonZeroMemory } = computePodRequests(containers, initContainers));
    } catch (err) {
      errors.push((err as Error).message);
    }
    this.requests = requests;
    this.nonZeroMilliCPU = nonZeroMilliCPU;
    this.nonZeroMemory = nonZeroMemory;

    const ports: HostPort[] = [];
    for (const c of [...initContainers, ...containers]) {
      for (const p of c.ports ?? []) {
        if (p.hostPort && p.hostPort > 0) {
          ports.push({ ip: p.hostIP || DEFAULT_HOST_IP, protocol: p.protocol || 'TCP', port: p.hostPort });
        }
      }
    }
    this.hostPorts = ports;
    this.tolerations = spec.tolerations ?? [];

    const affinity = spec.affinity;
    this.requiredNodeAffinity = new RequiredNodeAffinity(spec, errors);
    this.preferredNodeTerms = (affinity?.nodeAffinity?.preferredDuringSchedulingIgnoredDuringExecution ?? []).map((t) => ({
      weight: t.weight ?? 0,
      matches: compileNodeSelectorTerm(t.preference ?? {}, errors),
    }));
    this.requiredAffinityTerms = compileRequiredTerms(this.namespace, affinity?.podAffinity?.requiredDuringSchedulingIgnoredDuringExecution, errors);
    this.requiredAntiAffinityTerms = compileRequiredTerms(
      this.namespace,
      affinity?.podAntiAffinity?.requiredDuringSchedulingIgnoredDuringExecution,
      errors,
    );
    this.preferredAffinityTerms = compileWeightedTerms(
      this.namespace,
      affinity?.podAffinity?.preferredDuringSchedulingIgnoredDuringExecution,
      errors,
    );
    this.preferredAntiAffinityTerms = compileWeightedTerms(
      this.namespace,
      affinity?.podAntiAffinity?.preferredDuringSchedulingIgnoredDuringExecution,
      errors,
    );
    this.hasAffinity = !!affinity?.podAffinity || !!affinity?.podAntiAffinity;

    const constraints: SpreadConstraint[] = [];
    for (const c of spec.topologySpreadConstraints ?? []) {
      let selector: Selector = nothing();
      try {
        selector = selectorFromLabelSelector(c.labelSelector);
      } catch (err) {
        errors.push((err as Error).message);
      }
      constraints.push({
        maxSkew: c.maxSkew ?? 1,
        topologyKey: c.topologyKey ?? '',
        whenUnsatisfiable: c.whenUnsatisfiable === 'ScheduleAnyway' ? 'ScheduleAnyway' : 'DoNotSchedule',
        selector,
        minDomains: c.minDomains ?? 1,
      });
    }
    this.spreadConstraints = constraints;
    this.images = [...initContainers, ...containers].filter((c) => c.image).map((c) => normalizedImageName(c.image as string));
    this.parseErrors = errors;
  }

  /** Parses a pod; the result is cached per object, so informer objects are parsed once. */
  static of(pod: Pod): PodInfo {
    let info = cache.get(pod);
    if (!info) {
      info = new PodInfo(pod);
      cache.set(pod, info);
    }
    return info;
  }

  /** The same pod as another object whose spec is unchanged apart from `nodeName`. */
  withPod(pod: Pod): PodInfo {
    const info = new PodInfo(pod, this);
    cache.set(pod, info);
    return info;
  }

  get hasRequiredAntiAffinity(): boolean {
    return this.requiredAntiAffinityTerms.length > 0;
  }
}

const cache = new WeakMap<Pod, PodInfo>();
