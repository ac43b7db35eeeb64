import protobuf from 'protobufjs';
import { fieldsAbsentIn } from '../../../lib/api/conversion/index.js';
import { documentationOf, encodedTypeOf, requiredFields, type EncodedType } from '../../../lib/api/field-docs.js';
import { isStoredVersion, resources, servedResources, type ResourceInfo } from '../../../lib/api/resources.js';
import { mergeKeyFor, mergesAsSet } from '../../../lib/patch/strategic-merge.js';
import { DefinitionNames, FIELDS_V1, INT_OR_STRING, kindName, listName, META, MICRO_TIME, QUANTITY, RAW_EXTENSION, TIME } from './names.js';

// The schema of every documented message, from the proto's reflection: field types, the field
// comments as descriptions (what kubectl explain shows), patch merge keys from the strategic merge
// patch rules, and the string-encoded types (quantities, times, int-or-string) as Kubernetes
// encodes them.

export type Schema = { [key: string]: unknown };
export type OpenApiVersion = 'v2' | 'v3';

const REF_PREFIX: Record<OpenApiVersion, string> = { v2: '#/definitions/', v3: '#/components/schemas/' };

/** A reference to a definition, as a request or response body names it. */
export function bodyRef(version: OpenApiVersion, name: string): Schema {
  return { $ref: REF_PREFIX[version] + name };
}

/**
 * A reference to a definition from a field. In v3, as Kubernetes does, it is wrapped in allOf, so
 * that a description may stand beside it and kubectl explain names the field's type after the
 * definition (`<Quantity>`, `<IntOrString>`).
 */
export function ref(version: OpenApiVersion, name: string, description?: string): Schema {
  const head = description ? { description } : {};
  return version === 'v2' ? { ...bodyRef(version, name), ...head } : { allOf: [bodyRef(version, name)], ...head };
}

const SCALARS: Record<string, Schema> = {
  string: { type: 'string' },
  bytes: { type: 'string', format: 'byte' },
  bool: { type: 'boolean' },
  double: { type: 'number', format: 'double' },
  float: { type: 'number', format: 'float' },
  int32: { type: 'integer', format: 'int32' },
  uint32: { type: 'integer', format: 'int32' },
  sint32: { type: 'integer', format: 'int32' },
  fixed32: { type: 'integer', format: 'int32' },
  sfixed32: { type: 'integer', format: 'int32' },
  int64: { type: 'integer', format: 'int64' },
  uint64: { type: 'integer', format: 'int64' },
  sint64: { type: 'integer', format: 'int64' },
  fixed64: { type: 'integer', format: 'int64' },
  sfixed64: { type: 'integer', format: 'int64' },
};

const TYPE_META_DESCRIPTIONS: Record<string, string> = {
  apiVersion: 'The versioned schema of this representation of an object: its API group and version ("v1", "apps/v1"). Servers convert recognized schemas to the latest internal value.',
  kind: 'The REST resource this object represents, in CamelCase ("Pod", "Deployment"). Servers infer it from the endpoint the client submits requests to.',
};

/** Definitions that are strings or opaque objects on the wire rather than proto messages. */
const encodedTypes = (version: OpenApiVersion): Record<string, Schema> => ({
  // Swagger 2.0 has no oneOf: Kubernetes gives both as strings there, and their alternatives in v3.
  [INT_OR_STRING]: {
    description: 'An int32 or a string: a JSON number or a JSON string ("8080", "http", "25%").',
    ...(version === 'v2' ? { type: 'string' } : { oneOf: [{ type: 'integer' }, { type: 'string' }] }),
    format: 'int-or-string',
  },
  [QUANTITY]: {
    description: 'A fixed-point number with a unit suffix as a string: decimal SI ("500m", "1k", "2M"), binary SI ("128Mi", "1Gi") or a decimal exponent ("1e3").',
    ...(version === 'v2' ? { type: 'string' } : { oneOf: [{ type: 'string' }, { type: 'number' }] }),
  },
  [TIME]: { description: 'A time in RFC 3339 form in UTC, to the second ("2024-01-02T15:04:05Z").', type: 'string', format: 'date-time' },
  [MICRO_TIME]: { description: 'A time in RFC 3339 form in UTC with microseconds ("2024-01-02T15:04:05.000000Z").', type: 'string', format: 'date-time' },
  [RAW_EXTENSION]: { description: 'An object of any kind, with its apiVersion and kind.', type: 'object' },
  [FIELDS_V1]: { description: 'A set of fields in FieldsV1 form: `f:<name>` for a field, `k:<keys>` for a list element, `v:<value>` for a value of a set, `.` for the node itself.', type: 'object' },
  [`${META}.Patch`]: { description: 'A patch document: JSON patch, merge patch or strategic merge patch, as the request Content-Type says.', type: 'object' },
  [`${META}.WatchEvent`]: {
    description: 'One change of a watched collection.',
    type: 'object',
    required: ['type', 'object'],
    properties: {
      type: { description: 'ADDED, MODIFIED, DELETED, BOOKMARK or ERROR.', type: 'string' },
      object: ref(version, RAW_EXTENSION, 'The object as it is after the change (for DELETED, as it was); a Status for ERROR.'),
    },
  },
});

function comment(object: protobuf.ReflectionObject): string | undefined {
  return documentationOf(object).description;
}

const ENCODED_DEFINITIONS: Record<EncodedType, string> = { IntOrString: INT_OR_STRING, Quantity: QUANTITY, Time: TIME, MicroTime: MICRO_TIME, FieldsV1: FIELDS_V1 };

class SchemaBuilder {
  constructor(
    private readonly names: DefinitionNames,
    private readonly version: OpenApiVersion,
  ) {}

  private encodedRef(field: protobuf.Field): string | undefined {
    const encoded = encodedTypeOf(field);
    return encoded && ENCODED_DEFINITIONS[encoded];
  }

  /** The schema of one value of the field (an element of a list, a value of a map). */
  private valueSchema(field: protobuf.Field, description?: string): Schema {
    const encoded = this.encodedRef(field);
    if (encoded) return ref(this.version, encoded, description);
    const resolved = field.resolvedType;
    if (resolved instanceof protobuf.Type) return ref(this.version, this.names.nameOf(resolved), description);
    const base = resolved instanceof protobuf.Enum ? { type: 'string', enum: Object.keys(resolved.values) } : SCALARS[field.type];
    if (!base) throw new Error(`no OpenAPI type for ${field.fullName} (${field.type})`);
    return description ? { description, ...base } : { ...base };
  }

  /** Strategic merge patch's rules for a list field, as Kubernetes' OpenAPI extensions. */
  private patchExtensions(parent: protobuf.Type, field: protobuf.Field): Schema {
    if (field.resolvedType instanceof protobuf.Type) {
      const key = mergeKeyFor(parent.name === 'Container' ? ['containers'] : [], field.name);
      if (key && field.resolvedType.fields[key]) return { 'x-kubernetes-patch-merge-key': key, 'x-kubernetes-patch-strategy': 'merge' };
      return {};
    }
    return mergesAsSet(field.name) ? { 'x-kubernetes-patch-strategy': 'merge' } : {};
  }

  private fieldSchema(parent: protobuf.Type, field: protobuf.Field): Schema {
    field.resolve();
    const description = comment(field) ?? TYPE_META_DESCRIPTIONS[field.name];
    const head = description ? { description } : {};
    if (field.map) return { ...head, type: 'object', additionalProperties: this.valueSchema(field) };
    if (field.repeated) return { ...head, type: 'array', items: this.valueSchema(field), ...this.patchExtensions(parent, field) };
    return this.valueSchema(field, description);
  }

  messageSchema(type: protobuf.Type): Schema {
    const properties: Schema = {};
    for (const field of type.fieldsArray) properties[field.name] = this.fieldSchema(type, field);
    const description = comment(type);
    const gvk = this.names.groupVersionKindOf(type);
    const required = requiredFields(type);
    return {
      ...(description ? { description } : {}),
      type: 'object',
      ...(required.length > 0 ? { required } : {}),
      properties,
      ...(gvk ? { 'x-kubernetes-group-version-kind': [gvk] } : {}),
    };
  }

  listSchema(info: ResourceInfo): Schema {
    return {
      description: `A list of ${info.kind} objects.`,
      type: 'object',
      required: ['items'],
      properties: {
        apiVersion: { description: TYPE_META_DESCRIPTIONS.apiVersion, type: 'string' },
        items: { description: `The ${info.kind} objects.`, type: 'array', items: ref(this.version, kindName(info)) },
        kind: { description: TYPE_META_DESCRIPTIONS.kind, type: 'string' },
        metadata: ref(this.version, `${META}.ListMeta`, 'The list\'s metadata: its resourceVersion and the continue token of the next page.'),
      },
      'x-kubernetes-group-version-kind': [{ group: info.group, kind: `${info.kind}List`, version: info.version }],
    };
  }
}

/** The definition name a field's schema refers to, if it refers to one. */
function refNameOf(schema: Schema, version: OpenApiVersion): string | undefined {
  const target = version === 'v2' ? schema.$ref : (schema.allOf as Schema[] | undefined)?.[0]?.$ref;
  return typeof target === 'string' ? target.slice(REF_PREFIX[version].length) : undefined;
}

/**
 * A copy of a definition without some of its fields (dotted paths). A field whose own fields go is
 * pointed at a copy of its definition, named in the package of \`name\`, made the same way.
 */
function withoutFields(definitions: Record<string, Schema>, source: string, name: string, absent: readonly string[], version: OpenApiVersion): Schema {
  const schema = structuredClone(definitions[source]!);
  const properties = schema.properties as Record<string, Schema>;
  const nested = new Map<string, string[]>();
  for (const path of absent) {
    const [head, ...rest] = path.split('.') as [string, ...string[]];
    if (rest.length === 0) delete properties[head];
    else nested.set(head, [...(nested.get(head) ?? []), rest.join('.')]);
  }
  for (const [field, paths] of nested) {
    const property = properties[field];
    const from = property && refNameOf(property, version);
    if (!property || !from) continue;
    const to = `${name.slice(0, name.lastIndexOf('.'))}.${from.slice(from.lastIndexOf('.') + 1)}`;
    definitions[to] = withoutFields(definitions, from, to, paths, version);
    const description = property.description as string | undefined;
    properties[field] = ref(version, to, description);
  }
  return schema;
}

/**
 * A kind in a served version other than its stored one (autoscaling/v1 HorizontalPodAutoscaler):
 * the stored definition under the version's name and group-version-kind, without the fields that
 * version has not, so that clients validating against it (kubectl --validate) accept its objects.
 */
function versionViewSchema(definitions: Record<string, Schema>, view: ResourceInfo, version: OpenApiVersion): Schema {
  const stored = resources.find((r) => r.field === view.field)!;
  const schema = withoutFields(definitions, kindName(stored), kindName(view), fieldsAbsentIn(view), version);
  return { ...schema, 'x-kubernetes-group-version-kind': [{ group: view.group, kind: view.kind, version: view.version }] };
}

/** Every definition of the API, sorted by name, with references in the given version's form. */
export function buildDefinitions(names: DefinitionNames, version: OpenApiVersion): Record<string, Schema> {
  const builder = new SchemaBuilder(names, version);
  const definitions: Record<string, Schema> = {};
  for (const [type, name] of names.entries()) {
    if (name !== INT_OR_STRING) definitions[name] = builder.messageSchema(type);
  }
  for (const info of resources) definitions[listName(info)] = builder.listSchema(info);
  for (const view of servedResources().filter((v) => !isStoredVersion(v))) {
    definitions[kindName(view)] = versionViewSchema(definitions, view, version);
    definitions[listName(view)] = builder.listSchema(view);
  }
  Object.assign(definitions, encodedTypes(version));
  return Object.fromEntries(Object.entries(definitions).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
