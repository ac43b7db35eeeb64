import { badRequest } from '../../../lib/api/errors.js';
import type * as t from '../../../lib/api/generated/index.js';
import { fromStoredVersion, toStoredVersion } from '../../../lib/api/conversion/index.js';
import { withGoZeroStructs } from '../../../lib/api/go-zero-structs.js';
import { decodeKubeJSON, DecodeError, toKubeJSON } from '../../../lib/api/json.js';
import type { AnyObject, ResourceInfo } from '../../../lib/api/resources.js';
import type { ListedObject } from '../operations.js';
import type { ListDocument } from './list-response.js';
import { dryRunOf, integerParam } from './query.js';
import { typeMetaMismatch } from './type-meta.js';

// Objects in and out of the HTTP API in Kubernetes' JSON shape, through the same schema-driven
// codec as manifests (lib/api/json.ts): strict about unknown fields and wrong types.

type JsonObject = Record<string, unknown>;

export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * A stored object in the route's version as Kubernetes' apiserver encodes it: with the zero
 * structs and fields Go's encoder writes (a pod template's `creationTimestamp: null`, `status: {}`).
 */
export function objectJSON(info: ResourceInfo, object: AnyObject): JsonObject {
  return withGoZeroStructs(info, configurationJSON(info, object));
}

/**
 * An object in the route's version with only the fields it holds: for an applied configuration,
 * where a zero struct would claim a field its sender never set.
 */
export function configurationJSON(info: ResourceInfo, object: AnyObject): ReturnType<typeof toKubeJSON> {
  return toKubeJSON(info, fromStoredVersion(info, object));
}

/** A list's metadata as Kubernetes writes it: unset and empty fields left out. */
export function listMetaJSON(metadata: t.ListMeta): JsonObject {
  return Object.fromEntries(Object.entries(metadata).filter(([, v]) => v !== undefined && v !== ''));
}

export function listJSON(info: ResourceInfo, entries: readonly ListedObject[], metadata: t.ListMeta): ListDocument {
  return {
    head: { apiVersion: info.apiVersion, kind: `${info.kind}List`, metadata: listMetaJSON(metadata) },
    field: 'items',
    entries,
    present: (entry) => objectJSON(info, entry.object),
  };
}

/** Kubernetes' wording for a body its decoder refuses; unknown fields read as strict decoding errors. */
function undecodable(info: ResourceInfo, err: DecodeError): Error {
  const unknownOnly = err.found.every((p) => typeof p === 'string' && (p.startsWith('unknown field') || p.startsWith('duplicate field')));
  const problems = unknownOnly ? `strict decoding error: ${err.problems.join(', ')}` : err.message;
  return badRequest(`${info.kind} in version "${info.version}" cannot be handled as a ${info.kind}: ${problems}`);
}

/**
 * How the server treats fields its schema does not know (the fieldValidation query parameter):
 * Strict refuses the request, Warn (the default, as in Kubernetes 1.27+) drops them with a Warning
 * header each, Ignore drops them silently.
 */
export type FieldValidation = 'Strict' | 'Warn' | 'Ignore';
const FIELD_VALIDATIONS: readonly FieldValidation[] = ['Ignore', 'Strict', 'Warn'];

export function fieldValidationOf(query: URLSearchParams): FieldValidation {
  const value = query.get('fieldValidation') ?? '';
  if (value === '') return 'Warn';
  if (!FIELD_VALIDATIONS.includes(value as FieldValidation)) {
    throw badRequest(`fieldValidation: Unsupported value: ${JSON.stringify(value)}: supported values: ${FIELD_VALIDATIONS.map((v) => JSON.stringify(v)).join(', ')}`);
  }
  return value as FieldValidation;
}

/**
 * Decodes a request body that must be an object of the route's kind and version (apiVersion and
 * kind default to the route's), into the stored version. Unknown fields (and the
 * duplicates found in its text) are refused under Strict; otherwise unknown fields are dropped,
 * the last of duplicates wins, and both are returned as warnings (none under Ignore).
 */
export function decodeObject(info: ResourceInfo, body: JsonObject, validation: FieldValidation = 'Strict', duplicates: readonly string[] = []): { object: AnyObject; warnings: string[] } {
  const mismatch = typeMetaMismatch(info, body);
  if (mismatch) throw mismatch;
  try {
    const { object, unknownFields } = decodeKubeJSON(info, body as never);
    const problems = [...duplicates, ...unknownFields];
    if (validation === 'Strict' && problems.length > 0) throw new DecodeError(problems);
    return { object: toStoredVersion(info, object), warnings: validation === 'Warn' ? problems : [] };
  } catch (err) {
    if (err instanceof DecodeError) throw undecodable(info, err);
    throw err;
  }
}

/** Delete options from a DeleteOptions body and the query (the query wins, as in Kubernetes). */
export function deleteOptions(body: unknown, query: URLSearchParams): t.DeleteOptions {
  const b = isObject(body) ? body : {};
  const preconditions = isObject(b.preconditions) ? b.preconditions : undefined;
  const dryRun = dryRunOf([...query.getAll('dryRun'), ...(Array.isArray(b.dryRun) ? b.dryRun : [])]);
  const orphan = query.get('orphanDependents') ?? (b.orphanDependents === undefined ? undefined : String(b.orphanDependents));
  const policy = query.get('propagationPolicy') ?? (typeof b.propagationPolicy === 'string' ? b.propagationPolicy : orphan === 'true' ? 'Orphan' : '');
  return {
    gracePeriodSeconds: integerParam('gracePeriodSeconds', query.get('gracePeriodSeconds') ?? b.gracePeriodSeconds),
    propagationPolicy: policy,
    dryRun,
    preconditions: preconditions
      ? {
          uid: typeof preconditions.uid === 'string' ? preconditions.uid : undefined,
          resourceVersion: typeof preconditions.resourceVersion === 'string' ? preconditions.resourceVersion : undefined,
        }
      : undefined,
  };
}
