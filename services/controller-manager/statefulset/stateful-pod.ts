import type { PersistentVolumeClaim, Pod, PodTemplateSpec, StatefulSet, Volume } from '../../../lib/api/generated/index.js';
import { CONTROLLER_REVISION_HASH_LABEL } from '../common/controller-history.js';
import { newControllerRef, type OwnerKind } from '../common/controller-ref.js';
import { podFromTemplate } from '../common/pod-control.js';

// A StatefulSet pod's identity, as Kubernetes' stateful_set_utils gives it: the name
// `<set>-<ordinal>`, the same hostname, the set's service as subdomain, labels naming the pod and
// its index, and one PersistentVolumeClaim per claim template, `<template>-<set>-<ordinal>`,
// that outlives the pod.

export const STATEFUL_SET_KIND: OwnerKind = { kind: 'StatefulSet', apiVersion: 'apps/v1' };
export const POD_NAME_LABEL = 'statefulset.kubernetes.io/pod-name';
export const POD_INDEX_LABEL = 'apps.kubernetes.io/pod-index';

const ORDINAL_NAME = /^(.*)-(\d+)$/;

/** The pod's ordinal if it is named like one of this set's pods, else undefined. */
export function ordinalOf(set: StatefulSet, pod: Pod): number | undefined {
  const match = ORDINAL_NAME.exec(pod.metadata?.name ?? '');
  if (!match || match[1] !== set.metadata?.name) return undefined;
  const ordinal = Number(match[2]);
  return Number.isSafeInteger(ordinal) ? ordinal : undefined;
}

export function podName(set: StatefulSet, ordinal: number): string {
  return `${set.metadata?.name ?? ''}-${ordinal}`;
}

export function claimName(claimTemplate: PersistentVolumeClaim, set: StatefulSet, ordinal: number): string {
  return `${claimTemplate.metadata?.name ?? ''}-${podName(set, ordinal)}`;
}

/** The revision a pod was made from (the name of its ControllerRevision). */
export function podRevision(pod: Pod): string {
  return pod.metadata?.labels?.[CONTROLLER_REVISION_HASH_LABEL] ?? '';
}

/** Kubernetes' newVersionedStatefulSetPod: the pod of one ordinal from a template, labelled with its revision. */
export function newStatefulPod(set: StatefulSet, template: PodTemplateSpec | undefined, ordinal: number, revision: string): Pod {
  const name = podName(set, ordinal);
  const pod = podFromTemplate(template, set, STATEFUL_SET_KIND);
  pod.metadata!.name = name;
  pod.metadata!.labels = {
    ...pod.metadata!.labels,
    [POD_NAME_LABEL]: name,
    [POD_INDEX_LABEL]: String(ordinal),
    [CONTROLLER_REVISION_HASH_LABEL]: revision,
  };
  const spec = pod.spec!;
  spec.hostname = name;
  if (set.spec?.serviceName) spec.subdomain = set.spec.serviceName;
  // Each claim template replaces a template volume of its name with the pod's own claim.
  const claims = set.spec?.volumeClaimTemplates ?? [];
  const claimVolumes: Volume[] = claims.map((c) => ({ name: c.metadata?.name ?? '', persistentVolumeClaim: { claimName: claimName(c, set, ordinal) } }));
  const claimed = new Set(claimVolumes.map((v) => v.name));
  const volumes = [...(spec.volumes ?? []).filter((v) => !claimed.has(v.name ?? '')), ...claimVolumes];
  if (volumes.length > 0) spec.volumes = volumes;
  return pod;
}

/**
 * The claims of one ordinal, from the claim templates: labelled with the set's selector labels,
 * and owned by the set only when its retention policy deletes them with it.
 */
export function claimsFor(set: StatefulSet, ordinal: number): PersistentVolumeClaim[] {
  const deleteWithSet = set.spec?.persistentVolumeClaimRetentionPolicy?.whenDeleted === 'Delete';
  return (set.spec?.volumeClaimTemplates ?? []).map((template) => {
    const claim: PersistentVolumeClaim = {
      metadata: {
        name: claimName(template, set, ordinal),
        namespace: set.metadata?.namespace ?? '',
        labels: { ...template.metadata?.labels, ...set.spec?.selector?.matchLabels },
      },
      spec: structuredClone(template.spec ?? {}),
    };
    if (template.metadata?.annotations) claim.metadata!.annotations = { ...template.metadata.annotations };
    if (deleteWithSet) claim.metadata!.ownerReferences = [{ ...newControllerRef(set, STATEFUL_SET_KIND), controller: false }];
    return claim;
  });
}
