import { badRequest, type ApiError } from '../../../lib/api/errors.js';
import { JsonSyntaxError, parseJson } from '../../../lib/api/go-json-syntax.js';
import { acceptsApiVersion, servedResources, type ResourceInfo } from '../../../lib/api/resources.js';

// How Kubernetes' apiserver reads the apiVersion and kind of a create or update body before the
// object itself, and its words when they do not fit the route: clients and scripts match on them.
// Its decoder first unmarshals the body into a struct of those two fields (Go's encoding/json);
// a body that fails there is "unrecognized", quoted in a short summary. A kind or version the
// route does not take is named as Go's runtime scheme names it.

type JsonObject = Record<string, unknown>;

/** The Go type Kubernetes reads apiVersion and kind into, as Go's unmarshal errors print it. */
const TYPE_META_STRUCT = 'struct { APIVersion string "json:\\"apiVersion,omitempty\\""; Kind string "json:\\"kind,omitempty\\"" }';
/** Where Kubernetes' built-in kinds are registered, as its errors name the scheme. */
const SCHEME = 'pkg/api/legacyscheme/scheme.go:30';
/** Bytes of the body a summary shows. */
const SUMMARY_BYTES = 30;

/** A JSON value's type as Go's unmarshal errors name it. */
function goJsonType(value: unknown): string {
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'boolean') return 'bool';
  return typeof value;
}

/** The start of the body: as text when it opens an object, in hex otherwise. */
function summarize(raw: Buffer): string {
  if (raw.length === 0) return '<empty>';
  const head = raw.subarray(0, SUMMARY_BYTES);
  const shown = raw[0] === 0x7b ? head.toString('utf8') : head.toString('hex');
  return raw.length > SUMMARY_BYTES ? `${shown} ...` : shown;
}

function unrecognized(info: ResourceInfo, problem: string, raw: Buffer): ApiError {
  return badRequest(`the object provided is unrecognized (must be of type ${info.kind}): couldn't get version/kind; json parse error: ${problem} (${summarize(raw)})`);
}

/**
 * The body as the object whose apiVersion and kind can be read, or Kubernetes' refusal: a body
 * that is not a JSON object, or whose apiVersion or kind is not a string. `null` reads as an
 * empty object, as Go's decoder leaves its target untouched.
 */
export function typeMetaObject(info: ResourceInfo, body: unknown, raw: Buffer): JsonObject {
  if (body === null) return {};
  if (typeof body !== 'object' || Array.isArray(body)) {
    throw unrecognized(info, `json: cannot unmarshal ${goJsonType(body)} into Go value of type ${TYPE_META_STRUCT}`, raw);
  }
  // Go reports the first mismatch in the order the body has them.
  for (const [field, value] of Object.entries(body)) {
    if ((field === 'apiVersion' || field === 'kind') && value !== null && typeof value !== 'string') {
      throw unrecognized(info, `json: cannot unmarshal ${goJsonType(value)} into Go struct field .${field} of type string`, raw);
    }
  }
  return body as JsonObject;
}

/** A JSON create or update body, parsed and checked as typeMetaObject says; syntax errors in Go's words. */
export function parseObjectJSON(info: ResourceInfo, raw: Buffer): JsonObject {
  let body: unknown;
  try {
    body = parseJson(raw.toString('utf8'));
  } catch (err) {
    if (err instanceof JsonSyntaxError) throw unrecognized(info, err.message, raw);
    throw err;
  }
  return typeMetaObject(info, body, raw);
}

/** The package of Kubernetes' internal types of a group, which its conversion errors name. */
function internalPackage(group: string): string {
  return group === '' || group === 'events.k8s.io' ? 'core' : group.split('.')[0]!;
}

/**
 * Kubernetes' refusal of a body whose apiVersion or kind (each defaulted from the route when
 * absent) the route does not take, or undefined when it takes them: a kind no version serves, a
 * kind the route's type cannot be converted from, or the route's kind in another version.
 */
export function typeMetaMismatch(info: ResourceInfo, body: JsonObject): ApiError | undefined {
  const kind = typeof body.kind === 'string' && body.kind !== '' ? body.kind : info.kind;
  const apiVersion = typeof body.apiVersion === 'string' && body.apiVersion !== '' ? body.apiVersion : info.apiVersion;
  if (kind === info.kind && acceptsApiVersion(info, apiVersion)) return undefined;
  const version = apiVersion.slice(apiVersion.indexOf('/') + 1);
  const handledAs = `${kind} in version "${version}" cannot be handled as a ${info.kind}`;
  const served = servedResources().find((r) => r.kind === kind && acceptsApiVersion(r, apiVersion));
  if (!served) return badRequest(`${handledAs}: no kind "${kind}" is registered for version "${apiVersion}" in scheme "${SCHEME}"`);
  if (kind === info.kind) return badRequest(`the API version in the data (${apiVersion}) does not match the expected API version (${info.apiVersion})`);
  return badRequest(`${handledAs}: converting (${version}.${kind}) to (${internalPackage(info.group)}.${info.kind}): unknown conversion`);
}
