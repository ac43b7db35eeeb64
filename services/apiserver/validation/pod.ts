import type { Container, ContainerStatus, Pod, PodSpec, Toleration } from '../../../lib/api/generated/index.js';
import * as field from '../../../lib/validation/field-errors.js';
import type { FieldError, FieldPath } from '../../../lib/validation/field-errors.js';
import { inclusiveRangeError } from '../../../lib/validation/names.js';
import { validateContainersOnlyForPod } from './containers.js';
import { describeDifferences, semanticEqual } from './equality.js';
import { invalidEach, MAX_INT32, nameIsDNSSubdomain, validateImmutableField } from './helpers.js';
import { isIPv6Address, validateIP } from './ip.js';
import { validateObjectMeta, validateObjectMetaUpdate } from './object-meta.js';
import { validatePodSpec } from './pod-spec.js';

// Pods on create, update and status update (ValidatePodCreate, ValidatePodUpdate and
// ValidatePodStatusUpdate in pkg/apis/core/validation).

const UPDATABLE_POD_SPEC_FIELDS = [
  '`spec.containers[*].image`',
  '`spec.initContainers[*].image`',
  '`spec.activeDeadlineSeconds`',
  '`spec.tolerations` (only additions to existing tolerations)',
  '`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)',
];

export function validatePod(pod: Pod): FieldError[] {
  const spec = field.root('spec');
  return [
    ...validateObjectMeta(pod.metadata, true, nameIsDNSSubdomain),
    ...validatePodSpec(pod.spec, spec, true),
    ...validateContainersOnlyForPod(pod.spec?.containers, spec.child('containers')),
    ...validateContainersOnlyForPod(pod.spec?.initContainers, spec.child('initContainers')),
  ];
}

/** Containers may change their image and nothing else; the list itself is fixed. */
function validateContainerUpdates(containers: Container[] | undefined, old: Container[] | undefined, path: FieldPath): { errs: FieldError[]; stop: boolean } {
  const list = containers ?? [];
  if (list.length !== (old ?? []).length) {
    return { errs: [field.forbidden(path, 'pod updates may not add or remove containers')], stop: true };
  }
  const errs: FieldError[] = [];
  list.forEach((container, i) => {
    const image = container.image ?? '';
    if (!image) errs.push(field.required(path.index(i).child('image')));
    if (image !== image.trim()) errs.push(field.invalid(path.index(i).child('image'), image, 'must not have leading or trailing whitespace'));
  });
  return { errs, stop: false };
}

/** Existing tolerations stay (their tolerationSeconds may change); new ones may be added. */
function validateOnlyAddedTolerations(tolerations: Toleration[] | undefined, old: Toleration[] | undefined, path: FieldPath): FieldError[] {
  for (const oldToleration of old ?? []) {
    const kept = (tolerations ?? []).some((t) => semanticEqual({ ...oldToleration, tolerationSeconds: t.tolerationSeconds }, t));
    if (!kept) return [field.forbidden(path, 'existing toleration can not be modified except its tolerationSeconds')];
  }
  return [];
}

function validateActiveDeadlineUpdate(seconds: number | undefined, old: number | undefined, path: FieldPath): FieldError[] {
  if (seconds !== undefined) {
    if (seconds < 0 || seconds > MAX_INT32) return [field.invalid(path, seconds, inclusiveRangeError(0, MAX_INT32))];
    if (old !== undefined && old < seconds) return [field.invalid(path, seconds, 'must be less than or equal to previous value')];
    return [];
  }
  return old !== undefined ? [field.invalid(path, null, 'must not update from a positive integer to nil value')] : [];
}

/** The new spec with every field a pod update may change put back to its old value. */
function mungeUpdatableFields(spec: PodSpec, old: PodSpec): PodSpec {
  const munged: PodSpec = structuredClone(spec);
  munged.containers = (munged.containers ?? []).map((c, i) => ({ ...c, image: old.containers?.[i]?.image }));
  munged.initContainers = (munged.initContainers ?? []).map((c, i) => ({ ...c, image: old.initContainers?.[i]?.image }));
  munged.activeDeadlineSeconds = old.activeDeadlineSeconds;
  munged.tolerations = old.tolerations;
  const oldGrace = old.terminationGracePeriodSeconds;
  if (oldGrace !== undefined && oldGrace < 0 && munged.terminationGracePeriodSeconds === 1) munged.terminationGracePeriodSeconds = oldGrace;
  return munged;
}

export function validatePodUpdate(pod: Pod, old: Pod): FieldError[] {
  const specPath = field.root('spec');
  const spec = pod.spec ?? {};
  const oldSpec = old.spec ?? {};
  const errs = [...validateObjectMetaUpdate(pod.metadata, old.metadata), ...validatePod(pod)];
  for (const key of ['containers', 'initContainers'] as const) {
    const result = validateContainerUpdates(spec[key], oldSpec[key], specPath.child(key));
    errs.push(...result.errs);
    if (result.stop) return errs;
  }
  const deadlineErrs = validateActiveDeadlineUpdate(spec.activeDeadlineSeconds, oldSpec.activeDeadlineSeconds, specPath.child('activeDeadlineSeconds'));
  errs.push(...deadlineErrs);
  if (deadlineErrs.length > 0) return errs;
  errs.push(...validateOnlyAddedTolerations(spec.tolerations, oldSpec.tolerations, specPath.child('tolerations')));
  const munged = mungeUpdatableFields(spec, oldSpec);
  if (!semanticEqual(munged, oldSpec)) {
    const diff = describeDifferences(oldSpec, munged).join('\n');
    errs.push(field.forbidden(specPath, `pod updates may not change fields other than ${UPDATABLE_POD_SPEC_FIELDS.join(',')}\n${diff}`));
  }
  return errs;
}

/** A container that finished for good may not be reported as running again. */
function validateContainerStateTransitions(
  statuses: ContainerStatus[] | undefined,
  old: ContainerStatus[] | undefined,
  restartPolicy: string | undefined,
  path: FieldPath,
): FieldError[] {
  if (restartPolicy === 'Always') return [];
  const errs: FieldError[] = [];
  (old ?? []).forEach((oldStatus, i) => {
    const terminated = oldStatus.state?.terminated;
    if (!terminated) return;
    if ((terminated.exitCode ?? 0) !== 0 && restartPolicy === 'OnFailure') return;
    for (const status of statuses ?? []) {
      if (status.name === oldStatus.name && !status.state?.terminated) {
        errs.push(field.forbidden(path.index(i).child('state'), 'may not be transitioned to non-terminated state'));
      }
    }
  });
  return errs;
}

/**
 * Kubernetes' validatePodIPs and validateHostIPs: the list's first address is the singular field,
 * every address is valid, and there is at most one per IP family.
 */
function validateStatusIPs(list: { ip?: string }[] | undefined, singular: string | undefined, listName: 'podIPs' | 'hostIPs', singularName: string): FieldError[] {
  const ips = list ?? [];
  if (ips.length === 0) return [];
  const path = field.root('status', listName);
  const errs: FieldError[] = [];
  const first = ips[0]?.ip ?? '';
  if (first !== (singular ?? '')) errs.push(field.invalid(path.index(0).child('ip'), first, `must be equal to \`${singularName}\``));
  errs.push(...ips.flatMap((entry, i) => validateIP(path.index(i), entry.ip ?? '')));
  if (ips.length > 1 && errs.length === 0) {
    const families = new Set(ips.map((entry) => isIPv6Address(entry.ip ?? '')));
    if (families.size !== ips.length || ips.length > 2) {
      errs.push(field.invalid(path, ips, 'may specify no more than one IP for each IP family'));
    }
    const seen = new Set<string>();
    ips.forEach((entry, i) => {
      if (seen.has(entry.ip ?? '')) errs.push(field.duplicate(path.index(i), entry));
      seen.add(entry.ip ?? '');
    });
  }
  return errs;
}

/**
 * A status write. The node a pod runs on is set by binding only, and its QoS class never changes
 * (an absent class in the write means the stored one).
 */
export function validatePodStatusUpdate(pod: Pod, old: Pod): FieldError[] {
  const statusPath = field.root('status');
  const errs = validateObjectMetaUpdate(pod.metadata, old.metadata);
  if ((pod.spec?.nodeName ?? '') !== (old.spec?.nodeName ?? '')) {
    errs.push(field.forbidden(statusPath.child('nodeName'), 'may not be changed directly'));
  }
  const nominated = pod.status?.nominatedNodeName ?? '';
  if (nominated && nominated !== (old.status?.nominatedNodeName ?? '')) {
    errs.push(...invalidEach(statusPath.child('nominatedNodeName'), nominated, nameIsDNSSubdomain(nominated, false)));
  }
  if (pod.status?.qosClass) errs.push(...validateImmutableField(pod.status.qosClass, old.status?.qosClass ?? '', statusPath.child('qosClass')));
  errs.push(
    ...validateContainerStateTransitions(
      pod.status?.containerStatuses,
      old.status?.containerStatuses,
      old.spec?.restartPolicy,
      statusPath.child('containerStatuses'),
    ),
  );
  errs.push(
    ...validateContainerStateTransitions(
      pod.status?.initContainerStatuses,
      old.status?.initContainerStatuses,
      old.spec?.restartPolicy,
      statusPath.child('initContainerStatuses'),
    ),
  );
  errs.push(...validateStatusIPs(pod.status?.podIPs, pod.status?.podIP, 'podIPs', 'podIP'));
  errs.push(...validateStatusIPs(pod.status?.hostIPs, pod.status?.hostIP, 'hostIPs', 'hostIP'));
  return errs;
}
