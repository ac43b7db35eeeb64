import protobuf from 'protobufjs';

// The proto's comments are the API's documentation: `kubets explain` and the OpenAPI schema the
// apiserver serves (which `kubectl explain` reads) both show them. A comment line `+required`
// (Kubernetes' marker for the same) marks a field users must set; it is not part of the text.
// Some fields hold values the proto keeps as strings or small messages but Kubernetes documents
// as types of their own (quantities, times, int-or-string); both readers name them alike.

const REQUIRED_MARKER = /^\s*\+required\s*$/m;

export interface Documentation {
  /** The comment as one paragraph, markers left out. */
  description?: string;
  required: boolean;
}

export function documentationOf(object: protobuf.ReflectionObject): Documentation {
  const comment = object.comment ?? '';
  const description = comment.replace(new RegExp(REQUIRED_MARKER.source, 'gm'), '').replace(/\s+/g, ' ').trim();
  return { ...(description ? { description } : {}), required: REQUIRED_MARKER.test(comment) };
}

/** Fields a message's users must set, in declaration order. */
export function requiredFields(type: protobuf.Type): string[] {
  return type.fieldsArray.filter((field) => documentationOf(field).required).map((field) => field.name);
}

export type EncodedType = 'IntOrString' | 'Quantity' | 'Time' | 'MicroTime' | 'FieldsV1';

// The proto keeps quantities and times as strings; these fields hold them.
const QUANTITY_MAPS = new Set(['limits', 'requests', 'capacity', 'allocatable', 'hard', 'used']);
const QUANTITY_FIELDS = new Set(['sizeLimit', 'storage', 'averageValue']);
const MICRO_TIME_FIELDS = new Set(['acquireTime', 'renewTime', 'eventTime']);
const TIME_FIELD = /(Time|Timestamp)$|^(startedAt|finishedAt)$/;

/** Messages that stand for one of Kubernetes' specially encoded values (FieldsV1 is a free-form JSON object). */
const MESSAGE_ENCODED_TYPES: Record<string, EncodedType> = { '.kubets.v1.IntOrString': 'IntOrString', '.kubets.v1.FieldsV1': 'FieldsV1' };

/** The Kubernetes type a field's values are encoded as, where the proto's own type does not say. */
export function encodedTypeOf(field: protobuf.Field): EncodedType | undefined {
  field.resolve();
  if (field.resolvedType) return MESSAGE_ENCODED_TYPES[field.resolvedType.fullName];
  if (field.type !== 'string') return undefined;
  if (field.map ? QUANTITY_MAPS.has(field.name) : QUANTITY_FIELDS.has(field.name)) return 'Quantity';
  if (field.map || field.repeated) return undefined;
  if (MICRO_TIME_FIELDS.has(field.name)) return 'MicroTime';
  return TIME_FIELD.test(field.name) ? 'Time' : undefined;
}
