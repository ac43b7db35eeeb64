import { createHash } from 'node:crypto';
import type { Container } from '../../../lib/api/generated/index.js';
import {
  LABEL_POD_UID,
  LABEL_POD_NAME,
  LABEL_POD_NAMESPACE,
  LABEL_CONTAINER_NAME,
  LABEL_NODE,
  LABEL_CLUSTER,
  LABEL_RESTART_COUNT,
  LABEL_CONTAINER_HASH,
  LABEL_GRACE_PERIOD,
  LABEL_CONTAINER_TYPE,
  SANDBOX_CONTAINER_NAME,
  ownerLabels,
  type ContainerOwner,
} from '../../../lib/container-labels.js';

// The label names and the owner filters live in lib/ so that readers of the kubelet's containers
// (the log shipper) need not load the kubelet.
export { isOwnedBy, ownerFilters, ownerLabels, type ContainerOwner } from '../../../lib/container-labels.js';
export {
  LABEL_POD_UID,
  LABEL_POD_NAME,
  LABEL_POD_NAMESPACE,
  LABEL_CONTAINER_NAME,
  LABEL_NODE,
  LABEL_CLUSTER,
  LABEL_RESTART_COUNT,
  LABEL_CONTAINER_HASH,
  LABEL_GRACE_PERIOD,
  LABEL_CONTAINER_TYPE,
  SANDBOX_CONTAINER_NAME,
};

export interface PodIdentity {
  uid: string;
  name: string;
  namespace: string;
}

/** `k8s_<container>_<pod>_<namespace>_<uid>_<attempt>`, as dockershim named containers. */
export function dockerContainerName(containerName: string, pod: PodIdentity, attempt: number): string {
  return `k8s_${containerName}_${pod.name}_${pod.namespace}_${pod.uid}_${attempt}`;
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
