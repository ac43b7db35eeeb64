import jsonpatch from 'fast-json-patch';
import mergePatch from 'json-merge-patch';
import { ApiError, badRequest, invalid } from '../api/errors.js';
import { JsonSyntaxError, parseJson } from '../api/go-json-syntax.js';
import { decodeKubeJSON, DecodeError, fromKubeJSON, toKubeJSON } from '../api/json.js';
import type { AnyObject, ResourceInfo } from '../api/resources.js';
import { FieldError, invalid as fieldInvalid, root } from '../validation/field-errors.js';
import { checkPatchLimits, MAX_JSON_PATCH_OPERATIONS } from './patch-limits.js';
import { strategicMergePatch } from './strategic-merge.js';

type JsonObject = Record<string, unknown>;

/**
 * The patch as JSON. A syntax error is worded as Go's encoding/json words it, and introduced as
 * Kubernetes does: a strategic merge patch's bare, a merge or JSON patch's after "error decoding patch:".
 */
function parsePatch(type: string, text: string): unknown {
  checkPatchLimits(text);
  try {
    return parseJson(text);
  } catch (err) {
    if (!(err instanceof JsonSyntaxError)) throw err;
    throw badRequest(type === 'strategic' ? err.message : `error decoding patch: ${err.message}`);
  }
}

/** A patch may not rename an object or move it: it names the object it applies to. */
function checkIdentityKept(current: AnyObject, patched: JsonObject): void {
  const meta = (typeof patched.metadata === 'object' && patched.metadata !== null ? patched.metadata : {}) as JsonObject;
  const name = current.metadata?.name ?? '';
  if (meta.name !== undefined && meta.name !== name) {
    throw badRequest(`the name of the object (${String(meta.name)}) does not match the name on the URL (${name})`);
  }
}

/**
 * Applies a patch to a JSON document: "merge" (RFC 7396), "json" (RFC 6902) or "strategic"
 * (Kubernetes' strategic merge patch, which merges lists by their patchMergeKey).
 */
export function patchDocument(original: JsonObject, type: string, text: string): unknown {
  const patch = parsePatch(type, text);
  if (type === 'json') {
    if (!Array.isArray(patch)) throw badRequest('json patch must be an array of operations');
    if (patch.length > MAX_JSON_PATCH_OPERATIONS) {
      throw new ApiError('RequestEntityTooLarge', `The allowed maximum operations in a JSON patch is ${MAX_JSON_PATCH_OPERATIONS}, got ${patch.length}`);
    }
    try {
      return jsonpatch.applyPatch(original, patch as jsonpatch.Operation[], true, false).newDocument;
    } catch (err) {
      throw badRequest(`the server rejected our request due to an error in our request: ${(err as Error).message.split('\n')[0]}`);
    }
  }
  if (type === 'merge' || type === 'strategic' || type === '') {
    if (typeof patch !== 'object' || patch === null || Array.isArray(patch)) throw badRequest(`${type || 'merge'} patch must be a JSON object`);
    return type === 'strategic' ? strategicMergePatch(original, patch) : mergePatch.apply(structuredClone(original), patch);
  }
  throw badRequest(`unsupported patch type "${type}": use merge, json or strategic`);
}

/**
 * Applies a patch to an object through its Kubernetes JSON form. The result is decoded strictly,
 * unless `onUnknownFields` is given: then fields the schema does not know are dropped and handed
 * to it (which may throw), as the HTTP API's fieldValidation asks.
 */
export function applyPatch(info: ResourceInfo, current: AnyObject, type: string, text: string, onUnknownFields?: (fields: string[]) => void): AnyObject {
  const patched = patchDocument(toKubeJSON(info, current) as JsonObject, type, text);
  const body = patched as JsonObject;
  checkIdentityKept(current, body);
  const json = { ...body, apiVersion: info.apiVersion, kind: info.kind } as never;
  try {
    if (!onUnknownFields) return fromKubeJSON(info, json);
    const { object, unknownFields } = decodeKubeJSON(info, json);
    if (unknownFields.length > 0) onUnknownFields(unknownFields);
    return object;
  } catch (err) {
    if (err instanceof DecodeError) {
      throw invalid(info.kind, current.metadata?.name ?? '', err.found.map((p) => (p instanceof FieldError ? p : fieldInvalid(root('patch'), '', p))));
    }
    throw err;
  }
}
