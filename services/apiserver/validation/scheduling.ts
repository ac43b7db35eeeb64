import type {
  Affinity,
  NodeSelector,
  NodeSelectorRequirement,
  NodeSelectorTerm,
  PodAffinity,
  PodAffinityTerm,
  PodDNSConfig,
  PodSecurityContext,
  Toleration,
  TopologySpreadConstraint,
} from '../../../lib/api/generated/index.js';
import * as field from '../../../lib/validation/field-errors.js';
import type { FieldError, FieldPath } from '../../../lib/validation/field-errors.js';
import { isDNS1123Subdomain, isValidLabelValue } from '../../../lib/validation/names.js';
import { invalidEach, IS_NOT_POSITIVE_ERROR_MSG, isValidID, nameIsDNSSubdomain } from './helpers.js';
import { validateIP } from './ip.js';
import { validateLabelName, validateLabelSelector } from './labels.js';
import { validateNamespaceName } from './object-meta.js';

// Where a pod may run and how it resolves names: affinity, tolerations, topology spread, DNS
// config and the pod security context (pkg/apis/core/validation).

const TAINT_EFFECTS = ['NoSchedule', 'PreferNoSchedule', 'NoExecute'];
const WHEN_UNSATISFIABLE = ['DoNotSchedule', 'ScheduleAnyway'];
const MAX_DNS_NAMESERVERS = 3;
const MAX_DNS_SEARCH_PATHS = 32;
const MAX_DNS_SEARCH_LIST_CHARS = 2048;

function validateNodeSelectorRequirement(req: NodeSelectorRequirement, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const values = req.values ?? [];
  switch (req.operator) {
    case 'In':
    case 'NotIn':
      if (values.length === 0) errs.push(field.required(path.child('values'), "must be specified when `operator` is 'In' or 'NotIn'"));
      break;
    case 'Exists':
    case 'DoesNotExist':
      if (values.length > 0) {
        errs.push(field.forbidden(path.child('values'), "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"));
      }
      break;
    case 'Gt':
    case 'Lt':
      if (values.length !== 1) {
        errs.push(field.required(path.child('values'), "must be specified single value when `operator` is 'Lt' or 'Gt'"));
      }
      break;
    default:
      errs.push(field.invalid(path.child('operator'), req.operator ?? '', 'not a valid selector operator'));
  }
  errs.push(...validateLabelName(req.key ?? '', path.child('key')));
  values.forEach((value, i) => errs.push(...invalidEach(path.child('values').index(i), value, isValidLabelValue(value))));
  return errs;
}

/** matchFields can only select on the node's name. */
function validateNodeFieldSelectorRequirement(req: NodeSelectorRequirement, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const values = req.values ?? [];
  if (req.operator === 'In' || req.operator === 'NotIn') {
    if (values.length !== 1) {
      errs.push(field.required(path.child('values'), "must be only one value when `operator` is 'In' or 'NotIn' for node field selector"));
    }
  } else {
    errs.push(field.invalid(path.child('operator'), req.operator ?? '', 'not a valid selector operator'));
  }
  if (req.key !== 'metadata.name') {
    errs.push(field.invalid(path.child('key'), req.key ?? '', 'not a valid field selector key'));
  } else {
    values.forEach((value, i) => errs.push(...invalidEach(path.child('values').index(i), value, nameIsDNSSubdomain(value, false))));
  }
  return errs;
}

function validateNodeSelectorTerm(term: NodeSelectorTerm | undefined, path: FieldPath): FieldError[] {
  return [
    ...(term?.matchExpressions ?? []).flatMap((req, i) => validateNodeSelectorRequirement(req, path.child('matchExpressions').index(i))),
    ...(term?.matchFields ?? []).flatMap((req, i) => validateNodeFieldSelectorRequirement(req, path.child('matchFields').index(i))),
  ];
}

export function validateNodeSelector(selector: NodeSelector, path: FieldPath): FieldError[] {
  const termsPath = path.child('nodeSelectorTerms');
  const terms = selector.nodeSelectorTerms ?? [];
  if (terms.length === 0) return [field.required(termsPath, 'must have at least one node selector term')];
  return terms.flatMap((term, i) => validateNodeSelectorTerm(term, termsPath.index(i)));
}

function validateWeight(weight: number | undefined, path: FieldPath): FieldError[] {
  const w = weight ?? 0;
  return w <= 0 || w > 100 ? [field.invalid(path, w, 'must be in the range 1-100')] : [];
}

function validatePodAffinityTerm(term: PodAffinityTerm | undefined, path: FieldPath): FieldError[] {
  const errs = [
    ...validateLabelSelector(term?.labelSelector, path.child('labelSelector')),
    ...validateLabelSelector(term?.namespaceSelector, path.child('namespaceSelector')),
  ];
  // Kubernetes names the list "namespace" in this error.
  for (const name of term?.namespaces ?? []) errs.push(...invalidEach(path.child('namespace'), name, validateNamespaceName(name, false)));
  const topologyKey = term?.topologyKey ?? '';
  if (!topologyKey) errs.push(field.required(path.child('topologyKey'), 'can not be empty'));
  errs.push(...validateLabelName(topologyKey, path.child('topologyKey')));
  return errs;
}

function validatePodAffinity(affinity: PodAffinity, path: FieldPath): FieldError[] {
  const requiredPath = path.child('requiredDuringSchedulingIgnoredDuringExecution');
  const preferredPath = path.child('preferredDuringSchedulingIgnoredDuringExecution');
  return [
    ...(affinity.requiredDuringSchedulingIgnoredDuringExecution ?? []).flatMap((term, i) => validatePodAffinityTerm(term, requiredPath.index(i))),
    ...(affinity.preferredDuringSchedulingIgnoredDuringExecution ?? []).flatMap((weighted, i) => [
      ...validateWeight(weighted.weight, preferredPath.index(i).child('weight')),
      ...validatePodAffinityTerm(weighted.podAffinityTerm, preferredPath.index(i).child('podAffinityTerm')),
    ]),
  ];
}

export function validateAffinity(affinity: Affinity | undefined, path: FieldPath): FieldError[] {
  if (!affinity) return [];
  const errs: FieldError[] = [];
  const nodeAffinity = affinity.nodeAffinity;
  if (nodeAffinity) {
    const nodePath = path.child('nodeAffinity');
    const required = nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution;
    if (required) errs.push(...validateNodeSelector(required, nodePath.child('requiredDuringSchedulingIgnoredDuringExecution')));
    const preferredPath = nodePath.child('preferredDuringSchedulingIgnoredDuringExecution');
    (nodeAffinity.preferredDuringSchedulingIgnoredDuringExecution ?? []).forEach((term, i) => {
      errs.push(...validateWeight(term.weight, preferredPath.index(i).child('weight')));
      errs.push(...validateNodeSelectorTerm(term.preference, preferredPath.index(i).child('preference')));
    });
  }
  if (affinity.podAffinity) errs.push(...validatePodAffinity(affinity.podAffinity, path.child('podAffinity')));
  if (affinity.podAntiAffinity) errs.push(...validatePodAffinity(affinity.podAntiAffinity, path.child('podAntiAffinity')));
  return errs;
}

/** A taint effect; tolerations may leave it empty to mean every effect. */
export function validateTaintEffect(effect: string | undefined, allowEmpty: boolean, path: FieldPath): FieldError[] {
  if (!effect) return allowEmpty ? [] : [field.required(path)];
  return TAINT_EFFECTS.includes(effect) ? [] : [field.notSupported(path, effect, TAINT_EFFECTS)];
}

export function validateTolerations(tolerations: Toleration[] | undefined, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  (tolerations ?? []).forEach((toleration, i) => {
    const tolerationPath = path.index(i);
    const key = toleration.key ?? '';
    const operator = toleration.operator ?? '';
    const value = toleration.value ?? '';
    if (key) errs.push(...validateLabelName(key, tolerationPath.child('key')));
    if (!key && operator !== 'Exists') {
      errs.push(
        field.invalid(tolerationPath.child('operator'), operator, 'operator must be Exists when `key` is empty, which means "match all values and all keys"'),
      );
    }
    if (toleration.tolerationSeconds !== undefined && toleration.effect !== 'NoExecute') {
      errs.push(field.invalid(tolerationPath.child('effect'), toleration.effect ?? '', "effect must be 'NoExecute' when `tolerationSeconds` is set"));
    }
    switch (operator) {
      case 'Equal':
      case '': {
        const messages = isValidLabelValue(value);
        if (messages.length > 0) errs.push(field.invalid(tolerationPath.child('operator'), value, messages.join(';')));
        break;
      }
      case 'Exists':
        if (value) errs.push(field.invalid(tolerationPath.child('operator'), value, "value must be empty when `operator` is 'Exists'"));
        break;
      default:
        errs.push(field.notSupported(tolerationPath.child('operator'), operator, ['Equal', 'Exists']));
    }
    errs.push(...validateTaintEffect(toleration.effect, true, tolerationPath.child('effect')));
  });
  return errs;
}

export function validateTopologySpreadConstraints(constraints: TopologySpreadConstraint[] | undefined, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const list = constraints ?? [];
  list.forEach((constraint, i) => {
    const constraintPath = path.index(i);
    const maxSkew = constraint.maxSkew ?? 0;
    const topologyKey = constraint.topologyKey ?? '';
    const action = constraint.whenUnsatisfiable ?? '';
    if (maxSkew <= 0) errs.push(field.invalid(constraintPath.child('maxSkew'), maxSkew, IS_NOT_POSITIVE_ERROR_MSG));
    if (!topologyKey) errs.push(field.required(constraintPath.child('topologyKey'), 'can not be empty'));
    if (!WHEN_UNSATISFIABLE.includes(action)) errs.push(field.notSupported(constraintPath.child('whenUnsatisfiable'), action, WHEN_UNSATISFIABLE));
    // The pair {topologyKey, whenUnsatisfiable} identifies one kind of constraint.
    if (list.slice(i + 1).some((other) => (other.topologyKey ?? '') === topologyKey && (other.whenUnsatisfiable ?? '') === action)) {
      errs.push(field.duplicate(constraintPath.child('{topologyKey, whenUnsatisfiable}'), `{${topologyKey}, ${action}}`));
    }
    if (constraint.minDomains !== undefined) {
      const minDomainsPath = constraintPath.child('minDomains');
      if (constraint.minDomains <= 0) errs.push(field.invalid(minDomainsPath, constraint.minDomains, IS_NOT_POSITIVE_ERROR_MSG));
      if (action !== 'DoNotSchedule') {
        errs.push(field.invalid(minDomainsPath, constraint.minDomains, `can only use minDomains if whenUnsatisfiable=DoNotSchedule, not ${action}`));
      }
    }
    errs.push(...validateLabelSelector(constraint.labelSelector, constraintPath.child('labelSelector')));
  });
  return errs;
}

export function validatePodDNSConfig(config: PodDNSConfig | undefined, dnsPolicy: string | undefined, path: FieldPath): FieldError[] {
  if (dnsPolicy === 'None') {
    if (!config) return [field.required(path, 'must provide `dnsConfig` when `dnsPolicy` is None')];
    if ((config.nameservers?.length ?? 0) === 0) {
      return [field.required(path.child('nameservers'), 'must provide at least one DNS nameserver when `dnsPolicy` is None')];
    }
  }
  if (!config) return [];
  const errs: FieldError[] = [];
  const nameservers = config.nameservers ?? [];
  const searches = config.searches ?? [];
  if (nameservers.length > MAX_DNS_NAMESERVERS) {
    errs.push(field.invalid(path.child('nameservers'), nameservers, `must not have more than ${MAX_DNS_NAMESERVERS} nameservers`));
  }
  nameservers.forEach((ns, i) => errs.push(...validateIP(path.child('nameservers').index(i), ns)));
  if (searches.length > MAX_DNS_SEARCH_PATHS) {
    errs.push(field.invalid(path.child('searches'), searches, `must not have more than ${MAX_DNS_SEARCH_PATHS} search paths`));
  }
  if (searches.join(' ').length > MAX_DNS_SEARCH_LIST_CHARS) {
    errs.push(
      field.invalid(path.child('searches'), searches, `must not have more than ${MAX_DNS_SEARCH_LIST_CHARS} characters (including spaces) in the search list`),
    );
  }
  searches.forEach((search, i) => {
    const domain = search.endsWith('.') ? search.slice(0, -1) : search;
    errs.push(...invalidEach(path.child('searches').index(i), domain, isDNS1123Subdomain(domain)));
  });
  (config.options ?? []).forEach((option, i) => {
    if (!option.name) errs.push(field.required(path.child('options').index(i), 'must not be empty'));
  });
  return errs;
}

export function validatePodSecurityContext(context: PodSecurityContext | undefined, path: FieldPath): FieldError[] {
  if (!context) return [];
  const errs: FieldError[] = [];
  if (context.fsGroup !== undefined) errs.push(...invalidEach(path.child('fsGroup'), context.fsGroup, isValidID(context.fsGroup)));
  if (context.runAsUser !== undefined) errs.push(...invalidEach(path.child('runAsUser'), context.runAsUser, isValidID(context.runAsUser)));
  if (context.runAsGroup !== undefined) errs.push(...invalidEach(path.child('runAsGroup'), context.runAsGroup, isValidID(context.runAsGroup)));
  (context.supplementalGroups ?? []).forEach((gid, i) => errs.push(...invalidEach(path.child('supplementalGroups').index(i), gid, isValidID(gid))));
  return errs;
}
