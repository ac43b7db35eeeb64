import type { Event } from '../../../lib/api/generated/index.js';
import * as field from '../../../lib/validation/field-errors.js';
import type { FieldError } from '../../../lib/validation/field-errors.js';
import { isDNS1123Subdomain, isQualifiedName } from '../../../lib/validation/names.js';
import { invalidEach, nameIsDNSSubdomain } from './helpers.js';
import { validateObjectMeta, validateObjectMetaUpdate } from './object-meta.js';

// core/v1 Events (legacyValidateEvent in pkg/apis/core/validation/events.go), plus the rule that an
// event is about some object.

const REPORTING_INSTANCE_LENGTH_LIMIT = 128;
const ACTION_LENGTH_LIMIT = 128;
const REASON_LENGTH_LIMIT = 128;
const NOTE_LENGTH_LIMIT = 1024;

function validateEventFields(event: Event): FieldError[] {
  const errs: FieldError[] = [];
  const involved = event.involvedObject;
  if (!involved || (!involved.kind && !involved.name)) errs.push(field.required(field.root('involvedObject')));
  const namespace = event.metadata?.namespace ?? '';
  const involvedNamespace = involved?.namespace ?? '';
  const namespacePath = field.root('involvedObject', 'namespace');
  const mismatch = (): FieldError => field.invalid(namespacePath, involvedNamespace, 'does not match event.namespace');
  if (!event.eventTime) {
    // Events about cluster-scoped objects live in "default" (or nowhere); others in their object's namespace.
    if (!involvedNamespace) {
      if (namespace !== '' && namespace !== 'default') errs.push(mismatch());
    } else if (namespace !== involvedNamespace) {
      errs.push(mismatch());
    }
  } else {
    if (!involvedNamespace && namespace !== 'default' && namespace !== 'kube-system') errs.push(mismatch());
    const controller = event.reportingComponent ?? '';
    if (!controller) errs.push(field.required(field.root('reportingComponent')));
    errs.push(...invalidEach(field.root('reportingComponent'), controller, isQualifiedName(controller)));
    const limited: Array<[string, string, number, boolean]> = [
      ['reportingInstance', event.reportingInstance ?? '', REPORTING_INSTANCE_LENGTH_LIMIT, true],
      ['action', event.action ?? '', ACTION_LENGTH_LIMIT, true],
      ['reason', event.reason ?? '', REASON_LENGTH_LIMIT, true],
      ['message', event.message ?? '', NOTE_LENGTH_LIMIT, false],
    ];
    for (const [name, value, limit, required] of limited) {
      if (required && !value) errs.push(field.required(field.root(name)));
      if (value.length > limit) errs.push(field.invalid(field.root(name), '', `can have at most ${limit} characters`));
    }
  }
  errs.push(...invalidEach(field.root('namespace'), namespace, isDNS1123Subdomain(namespace)));
  return errs;
}

export function validateEvent(event: Event): FieldError[] {
  return [...validateObjectMeta(event.metadata, true, nameIsDNSSubdomain), ...validateEventFields(event)];
}

export function validateEventUpdate(event: Event, old: Event): FieldError[] {
  return [...validateObjectMetaUpdate(event.metadata, old.metadata), ...validateEventFields(event)];
}
