import type { Event } from '../../../lib/api/generated/index.js';
import { validateEvent, validateEventUpdate } from '../validation/event.js';
import { fieldText as str, selectableFields, type KindStrategy } from './types.js';

export const eventStrategy: KindStrategy<Event> = {
  validateCreate: validateEvent,
  validateUpdate: validateEventUpdate,
  tracksGeneration: false,
  fields: selectableFields({
    'involvedObject.kind': (e) => str(e.involvedObject?.kind),
    'involvedObject.namespace': (e) => str(e.involvedObject?.namespace),
    'involvedObject.name': (e) => str(e.involvedObject?.name),
    'involvedObject.uid': (e) => str(e.involvedObject?.uid),
    'involvedObject.apiVersion': (e) => str(e.involvedObject?.apiVersion),
    'involvedObject.resourceVersion': (e) => str(e.involvedObject?.resourceVersion),
    'involvedObject.fieldPath': (e) => str(e.involvedObject?.fieldPath),
    reason: (e) => str(e.reason),
    reportingComponent: (e) => str(e.reportingComponent),
    source: (e) => str(e.source?.component || e.reportingComponent),
    type: (e) => str(e.type),
  }),
  expiresAfterEventTtl: true,
  allowedInTerminatingNamespace: true,
};
