import { createHash } from 'node:crypto';
import type { Container } from '../../../lib/api/generated/index.js';

/**
 * Labels on every container the kubelet makes. They are the kubelet's only memory across restarts:
 * a new kubelet finds its containers by node (and cluster) label, groups them by pod uid, and reads
 * the restart count and spec hash back from them.
 */
export const LABEL_POD_UID = 'io.kubets.pod.uid';
export const LABEL_POD_NAME = 'io.kubets.pod.name';
export const LABEL_POD_NAMESPACE = 'io.kubets.pod.namespace';
export const LABEL_CONTAINER_NAME = 'io.kubets.container.name';
export const LABEL_NODE = 'io.kubets.node';
/** The cluster the node belongs to (`kubets up` passes its cluster ID): two clusters may name a node alike on one engine. */
export const LABEL_CLUSTER = 'io.kubets.cluster';
export const LABEL_RESTART_COUNT = 'io.kubets.container.restartCount';
export const LABEL_CONTAINER_HASH = 'io.kubets.container.hash';
/** Lets a kubelet stop a container gracefully even when the pod object is gone. */
export const LABEL_GRACE_PERIOD = 'io.kubets.pod.terminationGracePeriod';
/** `init` or `app`; the sandbox is recognised by its container name. */
export const LABEL_CONTAINER_TYPE = 'io.kubets.container.type';

/** The container name Kubernetes gives the pod sandbox (pause container). */
export const SANDBOX_CONTAINER_NAME = 'POD';

export interface PodIdentity {
  uid: string;
  name: string;
  namespace: string;
}

/** `k8s_<container>_<pod>_<namespace>_<uid>_<attempt>`, as dockershim named containers. */
export function dockerContainerName(containerName: string, pod: PodIdentity, attempt: number): string {
  return `k8s_${containerName}_${pod.name}_${pod.namespace}_${pod.uid}_${attempt}`;
}

/** Whose containers these are: a node, of a cluster when the kubelet was given one. */
export interface ContainerOwner {
  nodeName: string;
  clusterId?: string;
}

export function ownerLabels(owner: ContainerOwner): Record<string, string> {
  return { [LABEL_NODE]: owner.nodeName, ...(owner.clusterId !== undefined && { [LABEL_CLUSTER]: owner.clusterId }) };
}

/** Docker label filters that select an owner's containers (`extra` narrows further, e.g. to one pod). */
export function ownerFilters(owner: ContainerOwner, ...extra: string[]): { label: string[] } {
  return { label: [...Object.entries(ownerLabels(owner)).map(([k, v]) => `${k}=${v}`), ...extra] };
}

/**
 * Whether a container is the owner's. Docker cannot filter on a missing label, so a kubelet without
 * a cluster ID checks here that it does not take a cluster's containers for its own.
 */
export function isOwnedBy(labels: Record<string, string> | undefined, owner: ContainerOwner): boolean {
  return labels?.[LABEL_NODE] === owner.nodeName && labels[LABEL_CLUSTER] === owner.clusterId;
}

export interface ContainerLabelInput {
  pod: PodIdentity;
  containerName: string;
  owner: ContainerOwner;
  restartCount: number;
  hash: string;
  gracePeriodSeconds: number;
  type: 'sandbox' | 'init' | 'app';
}

export function containerLabels(input: ContainerLabelInput): Record<string, string> {
  return {
    [LABEL_POD_UID]: input.pod.uid,
    [LABEL_POD_NAME]: input.pod.name,
    [LABEL_POD_NAMESPACE]: input.pod.namespace,
    [LABEL_CONTAINER_NAME]: input.containerName,
    ...ownerLabels(input.owner),
    [LABEL_RESTART_COUNT]: String(input.restartCount),
    [LABEL_CONTAINER_HASH]: input.hash,
    [LABEL_GRACE_PERIOD]: String(input.gracePeriodSeconds),
    [LABEL_CONTAINER_TYPE]: input.type,
  };
}

/** Parses a numeric label, falling back when a foreign or damaged container lacks it. */
export function numericLabel(labels: Record<string, string> | undefined, key: string, fallback: number): number {
  const raw = labels?.[key];
  if (raw === undefined || !/^\d+$/.test(raw)) return fallback;
  return Number(raw);
}

/**
 * A short, stable hash of a container spec, so a changed spec restarts the container. Empty values
 * are dropped first: the same spec decoded from JSON or protobuf may differ only in absent versus
 * empty fields, which must not look like a change.
 */
export function hashContainer(container: Container): string {
  return createHash('sha256').update(canonicalJSON(container)).digest('hex').slice(0, 16);
}

function canonicalJSON(value: unknown): string {
  return JSON.stringify(prune(value)) ?? '';
}

function prune(value: unknown): unknown {
  if (value === null || value === undefined || value === '' || value === false || value === 0) return undefined;
  if (Buffer.isBuffer(value)) return value.length === 0 ? undefined : value.toString('base64');
  if (Array.isArray(value)) {
    const items = value.map((item) => prune(item) ?? null);
    return items.length === 0 ? undefined : items;
  }
  if (typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) {
      const pruned = prune((value as Record<string, unknown>)[key]);
      if (pruned !== undefined) out[key] = pruned;
    }
    return Object.keys(out).length === 0 ? undefined : out;
  }
  return value;
}
