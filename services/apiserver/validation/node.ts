import type { Node, Taint } from '../../../lib/api/generated/index.js';
import { validateCIDR } from './ip.js';
import * as field from '../../../lib/validation/field-errors.js';
import type { FieldError, FieldPath } from '../../../lib/validation/field-errors.js';
import { isValidLabelValue } from '../../../lib/validation/names.js';
import { nameIsDNSSubdomain } from './helpers.js';
import { validateLabelName } from './labels.js';
import { validateObjectMeta, validateObjectMetaUpdate } from './object-meta.js';
import { parseQuantityAt, validateResourceQuantityValue } from './resources.js';
import { validateTaintEffect } from './scheduling.js';

// Nodes (ValidateNode, ValidateNodeUpdate in pkg/apis/core/validation).

function validateTaints(taints: Taint[] | undefined, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const seen = new Set<string>();
  (taints ?? []).forEach((taint, i) => {
    const taintPath = path.index(i);
    const key = taint.key ?? '';
    const value = taint.value ?? '';
    errs.push(...validateLabelName(key, taintPath.child('key')));
    const valueErrors = isValidLabelValue(value);
    if (valueErrors.length > 0) errs.push(field.invalid(taintPath.child('value'), value, valueErrors.join(';')));
    errs.push(...validateTaintEffect(taint.effect, false, taintPath.child('effect')));
    const identity = `${taint.effect ?? ''}\u0000${key}`;
    if (seen.has(identity)) {
      errs.push(new field.FieldError('FieldValueDuplicate', taintPath, taint, 'taints must be unique by key and effect pair'));
    } else {
      seen.add(identity);
    }
  });
  return errs;
}

function validateNodeResources(node: Node): FieldError[] {
  const errs: FieldError[] = [];
  for (const list of ['capacity', 'allocatable'] as const) {
    for (const [name, value] of Object.entries(node.status?.[list] ?? {})) {
      // Kubernetes names these fields with dots, not subscripts.
      const path = field.root('status', list, name);
      const quantity = parseQuantityAt(value, path, errs);
      if (quantity) errs.push(...validateResourceQuantityValue(name, quantity, path));
    }
  }
  return errs;
}

/** Pod CIDRs must be CIDRs: the kubelet and the network set-up read them as such. */
function validatePodCIDRs(node: Node): FieldError[] {
  const errs: FieldError[] = [];
  if (node.spec?.podCIDR) errs.push(...validateCIDR(field.root('spec', 'podCIDR'), node.spec.podCIDR));
  (node.spec?.podCIDRs ?? []).forEach((cidr, i) => errs.push(...validateCIDR(field.root('spec', 'podCIDRs').index(i), cidr)));
  return errs;
}

function validateNodeSpec(node: Node): FieldError[] {
  // Kubernetes reports taints under metadata, a path quirk kept for identical messages.
  return [...validateTaints(node.spec?.taints, field.root('metadata', 'taints')), ...validatePodCIDRs(node), ...validateNodeResources(node)];
}

export function validateNode(node: Node): FieldError[] {
  return [...validateObjectMeta(node.metadata, false, nameIsDNSSubdomain), ...validateNodeSpec(node)];
}

/** Pod CIDRs and the provider ID may be set once, then never change. */
export function validateNodeUpdate(node: Node, old: Node): FieldError[] {
  const errs = [...validateObjectMetaUpdate(node.metadata, old.metadata), ...validateNodeSpec(node)];
  const oldCIDRs = old.spec?.podCIDRs ?? [];
  const cidrs = node.spec?.podCIDRs ?? [];
  const cidrMessage = 'node updates may not change podCIDR except from "" to valid';
  if (oldCIDRs.length > 0) {
    if (oldCIDRs.length !== cidrs.length) errs.push(field.forbidden(field.root('spec', 'podCIDRs'), cidrMessage));
    else oldCIDRs.forEach((cidr, i) => cidr !== cidrs[i] && errs.push(field.forbidden(field.root('spec', 'podCIDRs'), cidrMessage)));
  }
  const oldProvider = old.spec?.providerID ?? '';
  if (oldProvider && oldProvider !== (node.spec?.providerID ?? '')) {
    errs.push(field.forbidden(field.root('spec', 'providerID'), 'node updates may not change providerID except from "" to valid'));
  }
  const addresses = new Set<string>();
  (node.status?.addresses ?? []).forEach((address, i) => {
    const key = `${address.type ?? ''}\u0000${address.address ?? ''}`;
    if (addresses.has(key)) errs.push(field.duplicate(field.root('status', 'addresses').index(i), address));
    addresses.add(key);
  });
  return errs;
}
