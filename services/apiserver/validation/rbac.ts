import type { ClusterRole, ClusterRoleBinding, PolicyRule, Role, RoleBinding, RoleRef, Subject } from '../../../lib/api/generated/index.js';
import { RBAC_GROUP } from '../../../lib/api/resources.js';
import * as field from '../../../lib/validation/field-errors.js';
import type { FieldError, FieldPath } from '../../../lib/validation/field-errors.js';
import { invalidEach, nameIsDNSLabel, type NameValidator } from './helpers.js';
import { validateLabelSelector } from './labels.js';
import { validateObjectMeta, validateObjectMetaUpdate } from './object-meta.js';

// rbac.authorization.k8s.io (ValidateRole, ValidateClusterRole, ValidateRoleBinding, ...).

/**
 * RBAC names are path segments (ValidateRBACName): "system:node" is fine, a slash or percent sign
 * would break the URL the object is addressed by.
 */
export const nameIsPathSegment: NameValidator = (name, prefix) => {
  if (!prefix && (name === '.' || name === '..')) return [`may not be '${name}'`];
  return ['/', '%'].filter((c) => name.includes(c)).map((c) => `may not contain '${c}'`);
};

function validateRule(rule: PolicyRule, path: FieldPath, namespaced: boolean): FieldError[] {
  const errs: FieldError[] = [];
  if ((rule.verbs ?? []).length === 0) errs.push(field.required(path.child('verbs'), 'verbs must contain at least one value'));
  const urls = rule.nonResourceURLs ?? [];
  if (urls.length > 0) {
    if (namespaced) errs.push(field.invalid(path.child('nonResourceURLs'), urls, 'namespaced rules cannot apply to non-resource URLs'));
    if ((rule.apiGroups ?? []).length > 0 || (rule.resources ?? []).length > 0 || (rule.resourceNames ?? []).length > 0) {
      errs.push(field.invalid(path.child('nonResourceURLs'), urls, 'rules cannot apply to both regular resources and non-resource URLs'));
    }
    return errs;
  }
  if ((rule.apiGroups ?? []).length === 0) errs.push(field.required(path.child('apiGroups'), 'resource rules must supply at least one api group'));
  if ((rule.resources ?? []).length === 0) errs.push(field.required(path.child('resources'), 'resource rules must supply at least one resource'));
  return errs;
}

function validateRules(rules: PolicyRule[] | undefined, namespaced: boolean): FieldError[] {
  return (rules ?? []).flatMap((rule, i) => validateRule(rule, field.root('rules').index(i), namespaced));
}

export function validateRole(role: Role): FieldError[] {
  return [...validateObjectMeta(role.metadata, true, nameIsPathSegment), ...validateRules(role.rules, true)];
}

export function validateRoleUpdate(role: Role, old: Role): FieldError[] {
  return validateObjectMetaUpdate(role.metadata, old.metadata);
}

export function validateClusterRole(role: ClusterRole): FieldError[] {
  const errs = [...validateObjectMeta(role.metadata, false, nameIsPathSegment), ...validateRules(role.rules, false)];
  if (role.aggregationRule) {
    const path = field.root('aggregationRule', 'clusterRoleSelectors');
    const selectors = role.aggregationRule.clusterRoleSelectors ?? [];
    if (selectors.length === 0) errs.push(field.required(path, 'at least one clusterRoleSelector required if aggregationRule is non-nil'));
    selectors.forEach((selector, i) => errs.push(...validateLabelSelector(selector, path.index(i))));
  }
  return errs;
}

export function validateClusterRoleUpdate(role: ClusterRole, old: ClusterRole): FieldError[] {
  return validateObjectMetaUpdate(role.metadata, old.metadata);
}

const SUBJECT_KINDS = ['ServiceAccount', 'User', 'Group'];

function validateSubject(subject: Subject, path: FieldPath, clusterScoped: boolean): FieldError[] {
  const errs: FieldError[] = [];
  const name = subject.name ?? '';
  if (!name) errs.push(field.required(path.child('name')));
  switch (subject.kind) {
    case 'ServiceAccount':
      if (name) errs.push(...invalidEach(path.child('name'), name, nameIsDNSLabel(name, false)));
      if (subject.apiGroup) errs.push(field.notSupported(path.child('apiGroup'), subject.apiGroup, ['']));
      if (clusterScoped && !subject.namespace) errs.push(field.required(path.child('namespace')));
      break;
    case 'User':
    case 'Group':
      if (subject.apiGroup !== RBAC_GROUP) errs.push(field.notSupported(path.child('apiGroup'), subject.apiGroup ?? '', [RBAC_GROUP]));
      break;
    default:
      errs.push(field.notSupported(path.child('kind'), subject.kind ?? '', SUBJECT_KINDS));
  }
  return errs;
}

function validateRoleRef(ref: RoleRef | undefined, kinds: string[]): FieldError[] {
  const path = field.root('roleRef');
  const errs: FieldError[] = [];
  if (ref?.apiGroup !== RBAC_GROUP) errs.push(field.notSupported(path.child('apiGroup'), ref?.apiGroup ?? '', [RBAC_GROUP]));
  if (!kinds.includes(ref?.kind ?? '')) errs.push(field.notSupported(path.child('kind'), ref?.kind ?? '', kinds));
  const name = ref?.name ?? '';
  if (!name) errs.push(field.required(path.child('name')));
  else errs.push(...invalidEach(path.child('name'), name, nameIsPathSegment(name, false)));
  return errs;
}

function validateBinding(binding: RoleBinding | ClusterRoleBinding, namespaced: boolean, roleKinds: string[]): FieldError[] {
  return [
    ...validateObjectMeta(binding.metadata, namespaced, nameIsPathSegment),
    ...validateRoleRef(binding.roleRef, roleKinds),
    ...(binding.subjects ?? []).flatMap((s, i) => validateSubject(s, field.root('subjects').index(i), !namespaced)),
  ];
}

/** A binding's role is fixed: changing it would silently re-grant to every subject; delete and recreate instead. */
function validateBindingUpdate(binding: RoleBinding | ClusterRoleBinding, old: RoleBinding | ClusterRoleBinding): FieldError[] {
  const errs = validateObjectMetaUpdate(binding.metadata, old.metadata);
  const same = (a?: RoleRef, b?: RoleRef) => a?.apiGroup === b?.apiGroup && a?.kind === b?.kind && a?.name === b?.name;
  if (!same(binding.roleRef, old.roleRef)) errs.push(field.invalid(field.root('roleRef'), binding.roleRef, 'cannot change roleRef'));
  return errs;
}

export const validateRoleBinding = (binding: RoleBinding): FieldError[] => validateBinding(binding, true, ['Role', 'ClusterRole']);
export const validateRoleBindingUpdate = validateBindingUpdate;
export const validateClusterRoleBinding = (binding: ClusterRoleBinding): FieldError[] => validateBinding(binding, false, ['ClusterRole']);
export const validateClusterRoleBindingUpdate = validateBindingUpdate;
