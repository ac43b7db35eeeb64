import type { PersistentVolumeClaim, PodTemplateSpec, StatefulSet, StatefulSetSpec, StatefulSetStatus } from '../../../lib/api/generated/index.js';
import * as field from '../../../lib/validation/field-errors.js';
import type { FieldError, FieldPath } from '../../../lib/validation/field-errors.js';
import { semanticEqual } from './equality.js';
import { nameIsDNSSubdomain, validateDNS1123Label, validateNonnegativeField } from './helpers.js';
import { validateObjectMeta, validateObjectMetaUpdate } from './object-meta.js';
import { validatePersistentVolumeClaimSpec } from './storage.js';
import { STATUS_REPLICAS_MSG, validateSelectorAndTemplate } from './workloads.js';

// apps/v1 StatefulSet (ValidateStatefulSet, ValidateStatefulSetUpdate, ValidateStatefulSetStatus).

const POD_MANAGEMENT_POLICIES = ['OrderedReady', 'Parallel'];
const UPDATE_STRATEGY_TYPES = ['RollingUpdate', 'OnDelete'];
const RETENTION_POLICIES = ['Retain', 'Delete'];
/** The spec fields an update may change; everything else is fixed at creation. */
const MUTABLE_SPEC_FIELDS = ['replicas', 'ordinals', 'template', 'updateStrategy', 'persistentVolumeClaimRetentionPolicy', 'minReadySeconds'] as const;

function mustBeOneOf(path: FieldPath, value: string | undefined, allowed: readonly string[]): FieldError[] {
  if (!value) return [field.required(path)];
  return allowed.includes(value) ? [] : [field.invalid(path, value, `must be '${allowed[0]}' or '${allowed[1]}'`)];
}

/**
 * The template as its pods will be: each claim template becomes a volume of that name, so
 * volumeMounts naming a claim template are checked like any other mount. Appended after the
 * template's own volumes, so their indexes in errors stay the user's.
 */
function templateWithClaimVolumes(template: PodTemplateSpec | undefined, claims: readonly PersistentVolumeClaim[]): PodTemplateSpec | undefined {
  if (!template?.spec || claims.length === 0) return template;
  const ownNames = new Set((template.spec.volumes ?? []).map((v) => v.name));
  // A nameless claim template is reported on its own; a volume of the template's wins over a claim of its name.
  const claimNames = claims.map((c) => c.metadata?.name ?? '').filter((name) => name && !ownNames.has(name));
  const claimVolumes = claimNames.map((name) => ({ name, persistentVolumeClaim: { claimName: name } }));
  return { ...template, spec: { ...template.spec, volumes: [...(template.spec.volumes ?? []), ...claimVolumes] } };
}

function validateClaimTemplates(claims: readonly PersistentVolumeClaim[], path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  claims.forEach((claim, i) => {
    const claimPath = path.index(i);
    const name = claim.metadata?.name ?? '';
    if (!name) errs.push(field.required(claimPath.child('metadata', 'name')));
    else errs.push(...validateDNS1123Label(name, claimPath.child('metadata', 'name')));
    errs.push(...validatePersistentVolumeClaimSpec(claim.spec ?? {}, claimPath.child('spec')));
  });
  return errs;
}

function validateStatefulSetSpec(spec: StatefulSetSpec): FieldError[] {
  const path = field.root('spec');
  const errs = mustBeOneOf(path.child('podManagementPolicy'), spec.podManagementPolicy, POD_MANAGEMENT_POLICIES);
  const strategyPath = path.child('updateStrategy');
  const strategy = spec.updateStrategy ?? {};
  errs.push(...mustBeOneOf(strategyPath, strategy.type, UPDATE_STRATEGY_TYPES));
  if (strategy.type === 'OnDelete' && strategy.rollingUpdate) {
    errs.push(field.forbidden(strategyPath.child('rollingUpdate'), "only allowed for updateStrategy 'RollingUpdate'"));
  }
  if (strategy.rollingUpdate?.partition !== undefined) {
    errs.push(...validateNonnegativeField(strategy.rollingUpdate.partition, strategyPath.child('rollingUpdate', 'partition')));
  }
  const retention = spec.persistentVolumeClaimRetentionPolicy;
  if (retention) {
    const retentionPath = path.child('persistentVolumeClaimRetentionPolicy');
    for (const key of ['whenDeleted', 'whenScaled'] as const) {
      if (!RETENTION_POLICIES.includes(retention[key] ?? '')) errs.push(field.notSupported(retentionPath.child(key), retention[key] ?? '', RETENTION_POLICIES));
    }
  }
  if (spec.ordinals) errs.push(...validateNonnegativeField(spec.ordinals.start, path.child('ordinals', 'start')));
  if (spec.serviceName) errs.push(...validateDNS1123Label(spec.serviceName, path.child('serviceName')));
  errs.push(...validateNonnegativeField(spec.replicas, path.child('replicas')));
  errs.push(...validateNonnegativeField(spec.minReadySeconds, path.child('minReadySeconds')));
  if (spec.revisionHistoryLimit !== undefined) errs.push(...validateNonnegativeField(spec.revisionHistoryLimit, path.child('revisionHistoryLimit')));
  const claims = spec.volumeClaimTemplates ?? [];
  errs.push(...validateClaimTemplates(claims, path.child('volumeClaimTemplates')));
  errs.push(
    ...validateSelectorAndTemplate(spec.selector, templateWithClaimVolumes(spec.template, claims), path, { word: 'statefulset', controller: 'StatefulSet' }),
  );
  return errs;
}

export function validateStatefulSet(sts: StatefulSet): FieldError[] {
  return [...validateObjectMeta(sts.metadata, true, nameIsDNSSubdomain), ...validateStatefulSetSpec(sts.spec ?? {})];
}

function withoutMutableFields(spec: StatefulSetSpec | undefined): Record<string, unknown> {
  const rest: Record<string, unknown> = { ...spec };
  for (const key of MUTABLE_SPEC_FIELDS) delete rest[key];
  return rest;
}

export function validateStatefulSetUpdate(sts: StatefulSet, old: StatefulSet): FieldError[] {
  const errs = [...validateObjectMetaUpdate(sts.metadata, old.metadata), ...validateStatefulSetSpec(sts.spec ?? {})];
  if (!semanticEqual(withoutMutableFields(sts.spec), withoutMutableFields(old.spec))) {
    errs.push(
      field.forbidden(
        field.root('spec'),
        `updates to statefulset spec for fields other than ${MUTABLE_SPEC_FIELDS.map((f) => `'${f}'`).join(', ')} are forbidden`,
      ),
    );
  }
  return errs;
}

export function validateStatefulSetStatus(status: StatefulSetStatus | undefined, old: StatefulSetStatus | undefined): FieldError[] {
  const path = field.root('status');
  const s = status ?? {};
  const errs: FieldError[] = [];
  for (const key of ['replicas', 'readyReplicas', 'currentReplicas', 'updatedReplicas', 'availableReplicas', 'observedGeneration'] as const) {
    errs.push(...validateNonnegativeField(s[key], path.child(key)));
  }
  if (s.collisionCount !== undefined) errs.push(...validateNonnegativeField(s.collisionCount, path.child('collisionCount')));
  for (const key of ['readyReplicas', 'currentReplicas', 'updatedReplicas'] as const) {
    if ((s[key] ?? 0) > (s.replicas ?? 0)) errs.push(field.invalid(path.child(key), s[key] ?? 0, STATUS_REPLICAS_MSG));
  }
  if ((s.availableReplicas ?? 0) > (s.readyReplicas ?? 0)) {
    errs.push(field.invalid(path.child('availableReplicas'), s.availableReplicas ?? 0, 'cannot be greater than status.readyReplicas'));
  }
  const oldCount = old?.collisionCount;
  if (oldCount !== undefined && (s.collisionCount === undefined || s.collisionCount < oldCount)) {
    errs.push(field.invalid(path.child('collisionCount'), s.collisionCount ?? 0, 'cannot be decremented'));
  }
  return errs;
}
