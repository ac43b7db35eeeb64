import type { DaemonSet, DaemonSetStatus, DaemonSetUpdateStrategy } from '../../../lib/api/generated/index.js';
import * as field from '../../../lib/validation/field-errors.js';
import type { FieldError, FieldPath } from '../../../lib/validation/field-errors.js';
import { intOrStringValue, nameIsDNSSubdomain, validateImmutableField, validateNonnegativeField } from './helpers.js';
import { validateObjectMeta, validateObjectMetaUpdate } from './object-meta.js';
import { intOrPercentValue, percentValue, validatePositiveIntOrPercent, validateSelectorAndTemplate } from './workloads.js';

// apps/v1 DaemonSet (ValidateDaemonSet, ValidateDaemonSetUpdate, ValidateDaemonSetStatusUpdate).

const UPDATE_STRATEGY_TYPES = ['OnDelete', 'RollingUpdate'];

function notMoreThan100Percent(value: Parameters<typeof percentValue>[0], path: FieldPath): FieldError[] {
  return (percentValue(value) ?? 0) > 100 ? [field.invalid(path, intOrStringValue(value), 'must not be greater than 100%')] : [];
}

function validateUpdateStrategy(strategy: DaemonSetUpdateStrategy | undefined, path: FieldPath): FieldError[] {
  const s = strategy ?? {};
  if (s.type === 'OnDelete') return [];
  if (s.type !== 'RollingUpdate') return [field.notSupported(path.child('type'), s.type ?? '', UPDATE_STRATEGY_TYPES)];
  const rollingPath = path.child('rollingUpdate');
  const rolling = s.rollingUpdate;
  if (!rolling) return [field.required(rollingPath)];
  const unavailablePath = rollingPath.child('maxUnavailable');
  const surgePath = rollingPath.child('maxSurge');
  const errs = [
    ...validatePositiveIntOrPercent(rolling.maxUnavailable, unavailablePath),
    ...validatePositiveIntOrPercent(rolling.maxSurge, surgePath),
    ...notMoreThan100Percent(rolling.maxUnavailable, unavailablePath),
    ...notMoreThan100Percent(rolling.maxSurge, surgePath),
  ];
  // A node runs its old pod while the new one starts (surge) or loses it first (unavailable), never both.
  const hasUnavailable = intOrPercentValue(rolling.maxUnavailable) !== 0;
  const hasSurge = intOrPercentValue(rolling.maxSurge) !== 0;
  if (hasUnavailable && hasSurge) errs.push(field.invalid(surgePath, intOrStringValue(rolling.maxSurge), 'may not be set when maxUnavailable is non-zero'));
  if (!hasUnavailable && !hasSurge) errs.push(field.required(unavailablePath, 'cannot be 0 when maxSurge is 0'));
  return errs;
}

function validateDaemonSetSpec(ds: DaemonSet): FieldError[] {
  const path = field.root('spec');
  const spec = ds.spec ?? {};
  const errs = [
    ...validateSelectorAndTemplate(spec.selector, spec.template, path, { word: 'daemonset', controller: 'DaemonSet' }),
    ...validateNonnegativeField(spec.minReadySeconds, path.child('minReadySeconds')),
    ...validateUpdateStrategy(spec.updateStrategy, path.child('updateStrategy')),
  ];
  if (spec.revisionHistoryLimit !== undefined) errs.push(...validateNonnegativeField(spec.revisionHistoryLimit, path.child('revisionHistoryLimit')));
  return errs;
}

export function validateDaemonSet(ds: DaemonSet): FieldError[] {
  return [...validateObjectMeta(ds.metadata, true, nameIsDNSSubdomain), ...validateDaemonSetSpec(ds)];
}

export function validateDaemonSetUpdate(ds: DaemonSet, old: DaemonSet): FieldError[] {
  return [
    ...validateObjectMetaUpdate(ds.metadata, old.metadata),
    ...validateDaemonSetSpec(ds),
    ...validateImmutableField(ds.spec?.selector, old.spec?.selector, field.root('spec', 'selector')),
  ];
}

export function validateDaemonSetStatus(status: DaemonSetStatus | undefined, old: DaemonSetStatus | undefined): FieldError[] {
  const path = field.root('status');
  const s = status ?? {};
  const errs: FieldError[] = [];
  for (const key of [
    'currentNumberScheduled',
    'numberMisscheduled',
    'desiredNumberScheduled',
    'numberReady',
    'observedGeneration',
    'updatedNumberScheduled',
    'numberAvailable',
    'numberUnavailable',
  ] as const) {
    errs.push(...validateNonnegativeField(s[key], path.child(key)));
  }
  if (s.collisionCount !== undefined) errs.push(...validateNonnegativeField(s.collisionCount, path.child('collisionCount')));
  const oldCount = old?.collisionCount;
  if (oldCount !== undefined && (s.collisionCount === undefined || s.collisionCount < oldCount)) {
    errs.push(field.invalid(path.child('collisionCount'), s.collisionCount ?? 0, 'cannot be decremented'));
  }
  return errs;
}
