import type { ObjectMeta, OwnerReference } from '../../../lib/api/generated/index.js';
import * as field from '../../../lib/validation/field-errors.js';
import type { FieldError, FieldPath } from '../../../lib/validation/field-errors.js';
import { isQualifiedName } from '../../../lib/validation/names.js';
import { invalidEach, nameIsDNSLabel, type NameValidator, validateImmutableField } from './helpers.js';
import { validateAnnotations, validateLabels } from './labels.js';

// ObjectMeta on create and update (apimachinery's api/validation/objectmeta.go plus the finalizer
// rule pkg/apis/core/validation adds).

const FINALIZER_ORPHAN_DEPENDENTS = 'orphan';
const FINALIZER_DELETE_DEPENDENTS = 'foregroundDeletion';
const STANDARD_FINALIZERS = new Set(['kubernetes', FINALIZER_ORPHAN_DEPENDENTS, FINALIZER_DELETE_DEPENDENTS]);

/** Kinds that may not own other objects (apimachinery's BannedOwners). */
const BANNED_OWNERS = new Set(['v1/Event']);

export const validateNamespaceName: NameValidator = nameIsDNSLabel;

// schema.ParseGroupVersion: "v1" is a version, "apps/v1" a group and version, anything else has none.
function versionOf(apiVersion: string): string {
  const parts = apiVersion.split('/');
  if (apiVersion === '' || parts.length > 2) return '';
  return parts.length === 1 ? apiVersion : (parts[1] as string);
}

function validateOwnerReference(ref: OwnerReference, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const apiVersion = ref.apiVersion ?? '';
  if (versionOf(apiVersion) === '') errs.push(field.invalid(path.child('apiVersion'), apiVersion, 'version must not be empty'));
  if (!ref.kind) errs.push(field.invalid(path.child('kind'), ref.kind ?? '', 'must not be empty'));
  if (!ref.name) errs.push(field.invalid(path.child('name'), ref.name ?? '', 'must not be empty'));
  if (!ref.uid) errs.push(field.invalid(path.child('uid'), ref.uid ?? '', 'must not be empty'));
  if (BANNED_OWNERS.has(`${apiVersion}/${ref.kind ?? ''}`)) {
    const group = apiVersion.includes('/') ? apiVersion.split('/')[0] : '';
    errs.push(field.invalid(path, ref, `${group}/${versionOf(apiVersion)}, Kind=${ref.kind} is disallowed from being an owner`));
  }
  return errs;
}

function validateOwnerReferences(refs: OwnerReference[] | undefined, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  let firstController = '';
  for (const ref of refs ?? []) {
    errs.push(...validateOwnerReference(ref, path));
    if (ref.controller) {
      const current = `${ref.kind ?? ''}/${ref.name ?? ''}`;
      if (firstController) {
        errs.push(
          field.invalid(
            path,
            refs,
            `Only one reference can have Controller set to true. Found "true" in references for ${firstController} and ${current}`,
          ),
        );
      } else {
        firstController = current;
      }
    }
  }
  return errs;
}

/** A finalizer name without a domain must be one Kubernetes itself defines. */
export function validateKubeFinalizerName(name: string, path: FieldPath): FieldError[] {
  if (name.includes('/') || STANDARD_FINALIZERS.has(name)) return [];
  return [field.invalid(path, name, 'name is neither a standard finalizer name nor is it fully qualified')];
}

function validateFinalizers(finalizers: string[] | undefined, path: FieldPath): FieldError[] {
  const list = finalizers ?? [];
  const errs = list.flatMap((name) => invalidEach(path, name, isQualifiedName(name)));
  if (list.includes(FINALIZER_ORPHAN_DEPENDENTS) && list.includes(FINALIZER_DELETE_DEPENDENTS)) {
    errs.push(
      field.invalid(path, list, `finalizer ${FINALIZER_ORPHAN_DEPENDENTS} and ${FINALIZER_DELETE_DEPENDENTS} cannot be both set`),
    );
  }
  list.forEach((name, i) => errs.push(...validateKubeFinalizerName(name, path.index(i))));
  return errs;
}

/** Metadata checks that apply on create and update alike. */
function validateCommonMeta(meta: ObjectMeta, path: FieldPath): FieldError[] {
  return [
    ...validateLabels(meta.labels, path.child('labels')),
    ...validateAnnotations(meta.annotations, path.child('annotations')),
    ...validateOwnerReferences(meta.ownerReferences, path.child('ownerReferences')),
    ...validateFinalizers(meta.finalizers, path.child('finalizers')),
  ];
}

/** ObjectMeta of a new object; `nameFn` is the kind's name rule. */
export function validateObjectMeta(
  meta: ObjectMeta | undefined,
  namespaced: boolean,
  nameFn: NameValidator,
  path: FieldPath = field.root('metadata'),
): FieldError[] {
  const m = meta ?? {};
  const errs: FieldError[] = [];
  if (m.generateName) errs.push(...invalidEach(path.child('generateName'), m.generateName, nameFn(m.generateName, true)));
  if (!m.name) errs.push(field.required(path.child('name'), 'name or generateName is required'));
  else errs.push(...invalidEach(path.child('name'), m.name, nameFn(m.name, false)));
  if (namespaced) {
    if (!m.namespace) errs.push(field.required(path.child('namespace')));
    else errs.push(...invalidEach(path.child('namespace'), m.namespace, validateNamespaceName(m.namespace, false)));
  } else if (m.namespace) {
    errs.push(field.forbidden(path.child('namespace'), 'not allowed on this type'));
  }
  if ((m.generation ?? 0) < 0) errs.push(field.invalid(path.child('generation'), m.generation, 'must be greater than or equal to 0'));
  errs.push(...validateCommonMeta(m, path));
  return errs;
}

/**
 * ObjectMeta of an update against the stored object. An absent uid or creationTimestamp means
 * "unchanged": Kubernetes copies both from the stored object before it validates.
 */
export function validateObjectMetaUpdate(
  meta: ObjectMeta | undefined,
  oldMeta: ObjectMeta | undefined,
  path: FieldPath = field.root('metadata'),
): FieldError[] {
  const m = meta ?? {};
  const old = oldMeta ?? {};
  const errs: FieldError[] = [];
  if (old.deletionTimestamp) {
    const added = [...new Set(m.finalizers ?? [])].filter((f) => !(old.finalizers ?? []).includes(f)).sort();
    if (added.length > 0) {
      errs.push(
        field.forbidden(
          path.child('finalizers'),
          `no new finalizers can be added if the object is being deleted, found new finalizers []string{${added.map((f) => JSON.stringify(f)).join(', ')}}`,
        ),
      );
    }
  }
  if ((m.generation ?? 0) < (old.generation ?? 0)) {
    errs.push(field.invalid(path.child('generation'), m.generation ?? 0, 'must not be decremented'));
  }
  errs.push(...validateImmutableField(m.name ?? '', old.name ?? '', path.child('name')));
  errs.push(...validateImmutableField(m.namespace ?? '', old.namespace ?? '', path.child('namespace')));
  if (m.uid) errs.push(...validateImmutableField(m.uid, old.uid ?? '', path.child('uid')));
  if (m.creationTimestamp) {
    errs.push(...validateImmutableField(m.creationTimestamp, old.creationTimestamp ?? '', path.child('creationTimestamp')));
  }
  errs.push(...validateImmutableField(m.deletionTimestamp ?? null, old.deletionTimestamp ?? null, path.child('deletionTimestamp')));
  errs.push(
    ...validateImmutableField(
      m.deletionGracePeriodSeconds ?? null,
      old.deletionGracePeriodSeconds ?? null,
      path.child('deletionGracePeriodSeconds'),
    ),
  );
  errs.push(...validateCommonMeta(m, path));
  return errs;
}
