import type { PodSpec, PodTemplateSpec } from '../../../lib/api/generated/index.js';
import * as field from '../../../lib/validation/field-errors.js';
import type { FieldError, FieldPath } from '../../../lib/validation/field-errors.js';
import { inclusiveRangeError } from '../../../lib/validation/names.js';
import { validateContainers, validateInitContainers } from './containers.js';
import { invalidEach, MAX_INT32, nameIsDNSSubdomain, validateDNS1123Label, validateNonnegativeField } from './helpers.js';
import { validateAnnotations, validateLabels } from './labels.js';
import {
  validateAffinity,
  validatePodDNSConfig,
  validatePodSecurityContext,
  validateTolerations,
  validateTopologySpreadConstraints,
} from './scheduling.js';
import { validateVolumes } from './volumes.js';

// A pod spec, whether in a Pod or in a workload's template (ValidatePodSpec and
// ValidatePodTemplateSpec in pkg/apis/core/validation).

const RESTART_POLICIES = ['Always', 'OnFailure', 'Never'];
const DNS_POLICIES = ['ClusterFirstWithHostNet', 'ClusterFirst', 'Default', 'None'];
const PREEMPTION_POLICIES = ['PreemptLowerPriority', 'Never'];

function validateOneOf(value: string | undefined, allowed: readonly string[], path: FieldPath): FieldError[] {
  if (!value) return [field.required(path)];
  return allowed.includes(value) ? [] : [field.notSupported(path, value, allowed)];
}

/** Host networking shares the node's ports: a pod's host port must be its container port. */
function validateHostNetworkPorts(spec: PodSpec, path: FieldPath, isPod: boolean): FieldError[] {
  if (!spec.hostNetwork) return [];
  const errs: FieldError[] = [];
  (spec.containers ?? []).forEach((container, i) => {
    (container.ports ?? []).forEach((port, j) => {
      const hostPort = port.hostPort ?? 0;
      // Templates may leave the host port for the pod's defaulting to fill in.
      if ((isPod || hostPort !== 0) && hostPort !== (port.containerPort ?? 0)) {
        const portPath = path.child('containers').index(i).child('ports').index(j).child('hostPort');
        errs.push(field.invalid(portPath, hostPort, 'must match `containerPort` when `hostNetwork` is true'));
      }
    });
  });
  return errs;
}

export function validatePodSpec(spec: PodSpec | undefined, path: FieldPath, isPod: boolean): FieldError[] {
  const s = spec ?? {};
  const errs: FieldError[] = [];
  if (s.terminationGracePeriodSeconds === undefined) errs.push(field.required(path.child('terminationGracePeriodSeconds')));
  else errs.push(...validateNonnegativeField(s.terminationGracePeriodSeconds, path.child('terminationGracePeriodSeconds')));
  const volumes = validateVolumes(s.volumes, path.child('volumes'));
  errs.push(...volumes.errs);
  errs.push(...validateContainers(s.containers, volumes.byName, path.child('containers')));
  errs.push(...validateInitContainers(s.initContainers, s.containers, volumes.byName, path.child('initContainers')));
  errs.push(...validateHostNetworkPorts(s, path, isPod));
  errs.push(...validateOneOf(s.restartPolicy, RESTART_POLICIES, path.child('restartPolicy')));
  errs.push(...validateOneOf(s.dnsPolicy, DNS_POLICIES, path.child('dnsPolicy')));
  errs.push(...validateLabels(s.nodeSelector, path.child('nodeSelector')));
  errs.push(...validatePodSecurityContext(s.securityContext, path.child('securityContext')));
  errs.push(...validateAffinity(s.affinity, path.child('affinity')));
  errs.push(...validatePodDNSConfig(s.dnsConfig, s.dnsPolicy, path.child('dnsConfig')));
  errs.push(...validateTopologySpreadConstraints(s.topologySpreadConstraints, path.child('topologySpreadConstraints')));
  if (s.serviceAccountName) {
    errs.push(...invalidEach(path.child('serviceAccountName'), s.serviceAccountName, nameIsDNSSubdomain(s.serviceAccountName, false)));
  }
  if (s.nodeName) errs.push(...invalidEach(path.child('nodeName'), s.nodeName, nameIsDNSSubdomain(s.nodeName, false)));
  if (s.activeDeadlineSeconds !== undefined && (s.activeDeadlineSeconds < 1 || s.activeDeadlineSeconds > MAX_INT32)) {
    errs.push(field.invalid(path.child('activeDeadlineSeconds'), s.activeDeadlineSeconds, inclusiveRangeError(1, MAX_INT32)));
  }
  if (s.hostname) errs.push(...validateDNS1123Label(s.hostname, path.child('hostname')));
  if (s.subdomain) errs.push(...validateDNS1123Label(s.subdomain, path.child('subdomain')));
  errs.push(...validateTolerations(s.tolerations, path.child('tolerations')));
  if (s.priorityClassName) {
    errs.push(...invalidEach(path.child('priorityClassName'), s.priorityClassName, nameIsDNSSubdomain(s.priorityClassName, false)));
  }
  if (s.preemptionPolicy !== undefined) errs.push(...validateOneOf(s.preemptionPolicy, PREEMPTION_POLICIES, path.child('preemptionPolicy')));
  return errs;
}

/**
 * A workload's pod template. Kubernetes names the template's labels `<path>.labels` (the template's
 * metadata is embedded), so the paths here have no `metadata` element.
 */
export function validatePodTemplateSpec(template: PodTemplateSpec | undefined, path: FieldPath): FieldError[] {
  return [
    ...validateLabels(template?.metadata?.labels, path.child('labels')),
    ...validateAnnotations(template?.metadata?.annotations, path.child('annotations')),
    ...validatePodSpec(template?.spec, path.child('spec'), false),
  ];
}
