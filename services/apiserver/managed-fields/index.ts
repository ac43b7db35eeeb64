import { parse as parseYaml } from 'yaml';
import { ApiError, badRequest, invalid } from '../../../lib/api/errors.js';
import { DecodeError, fromKubeJSON, toKubeJSON } from '../../../lib/api/json.js';
import { checkPatchLimits } from '../../../lib/patch/patch-limits.js';
import { invalid as fieldInvalid, root } from '../../../lib/validation/field-errors.js';
import type { AnyObject, ResourceInfo } from '../../../lib/api/resources.js';
import { strategicMergePatch } from '../../../lib/patch/strategic-merge.js';
import { strategyFor } from '../kinds/index.js';
import { rfc3339 } from '../registry/object-meta.js';
import type { RequestScope } from '../request-scope.js';
import { describePath, type FieldPart, type JsonObject } from './field-set.js';
import { applyOwnership, ApplyConflicts, ownersOnCreate, ownersOnUpdate, type Writer } from './ownership.js';

// metadata.managedFields as the apiserver keeps it on every write: the registry records the
// request's field manager as the owner of what a create or update set (Update), and server-side
// apply (applyConfiguration) merges a configuration under its manager's ownership (Apply). The
// manager is the one of the request scope a write is given, which the transports fill
// (fieldManagerOf); writes made outside a request (the apiserver's own bootstrap) record no owner.

// Every request names its manager, and a client sends the same user agent on every call.
let lastUserAgent: string | undefined;
let lastProduct = 'unknown';

/** Kubernetes' default manager: the user agent's product name (`kubectl/v1.32.0 (...)` → kubectl). */
export function fieldManagerOf(explicit: string | undefined, userAgent: string | undefined): string {
  if (explicit) return explicit;
  if (userAgent !== lastUserAgent) {
    lastUserAgent = userAgent;
    lastProduct = (userAgent ?? '').split('/')[0]!.trim() || 'unknown';
  }
  return lastProduct;
}

const MAX_MANAGER_LENGTH = 128;

/**
 * Names the request's field manager (from the request's fieldManager, else its user
 * agent); the transports call it for every request. A name Kubernetes refuses is refused here.
 */
export function noteFieldManager(scope: RequestScope, explicit: string | undefined, userAgent: string | undefined): void {
  const manager = fieldManagerOf(explicit, userAgent);
  if (manager.length > MAX_MANAGER_LENGTH) {
    throw new ApiError('BadRequest', `fieldManager: Invalid value: "${manager}": must be no more than ${MAX_MANAGER_LENGTH} characters`);
  }
  scope.fieldManager = manager;
}

function partOf(info: ResourceInfo, part: 'main' | 'status' | 'approval'): FieldPart {
  if (part !== 'main') return 'status';
  return strategyFor(info).status ? 'main' : 'all';
}

function writerOf(info: ResourceInfo, part: 'main' | 'status' | 'approval', manager: string | undefined): Writer | undefined {
  if (!manager) return undefined;
  return { manager, apiVersion: info.apiVersion, subresource: part === 'main' ? '' : part, time: rfc3339() };
}

/**
 * Records the request's manager as the owner of what a create (no `old`) or an update set. An
 * update that sends no managedFields keeps the stored ones; one that sends them replaces them
 * (`[{}]` clears them, as in Kubernetes).
 */
export function recordManagedFields(info: ResourceInfo, object: AnyObject, old: AnyObject | undefined, part: 'main' | 'status' | 'approval', manager: string | undefined): void {
  const meta = (object.metadata ??= {});
  const sent = meta.managedFields?.length ? meta.managedFields.filter((e) => e.manager || e.operation) : undefined;
  const base = sent ?? old?.metadata?.managedFields;
  meta.managedFields = base?.length ? base : undefined;
  const writer = writerOf(info, part, manager);
  if (!writer) return;
  if (!old) {
    const owners = ownersOnCreate(toKubeJSON(info, object), partOf(info, part), writer);
    meta.managedFields = owners.length > 0 ? owners : undefined;
    return;
  }
  const owners = ownersOnUpdate(base, toKubeJSON(info, old), toKubeJSON(info, object), partOf(info, part), writer);
  if (owners) meta.managedFields = owners.length > 0 ? owners : undefined;
}

function conflictError(err: ApplyConflicts): ApiError {
  return new ApiError('Conflict', err.message, {
    causes: err.conflicts.map((c) => ({ reason: 'FieldManagerConflict', message: `conflict with ${c.manager}`, field: describePath(c.path) })),
  });
}

/**
 * Server-side apply of `applied` (Kubernetes JSON of `info`, the version the client applied in)
 * onto `live` (that version of the stored object, or undefined to create it). Returns the object
 * to write, with its managedFields; a conflict is Kubernetes' 409 with FieldManagerConflict causes.
 */
export function applyConfiguration(info: ResourceInfo, live: AnyObject | undefined, applied: JsonObject, force: boolean, manager: string | undefined): AnyObject {
  const writer = writerOf(info, 'main', manager);
  if (!writer) throw new ApiError('BadRequest', 'PATCH, application/apply-patch+yaml requests require fieldManager to be set');
  const { apiVersion: _v, kind: _k, ...configuration } = applied;
  const liveJson = live ? toKubeJSON(info, live) : { metadata: {} };
  delete (liveJson.metadata as JsonObject | undefined)?.managedFields;
  const merged = strategicMergePatch(liveJson, configuration) as JsonObject;
  try {
    const { object, managedFields } = applyOwnership(live?.metadata?.managedFields, liveJson, configuration, merged, partOf(info, 'main'), writer, force);
    const result = fromKubeJSON(info, { ...object, apiVersion: info.apiVersion, kind: info.kind });
    result.metadata = { ...result.metadata, managedFields: managedFields.length > 0 ? managedFields : undefined };
    return result;
  } catch (err) {
    if (err instanceof ApplyConflicts) throw conflictError(err);
    throw err;
  }
}

/**
 * An applied configuration sent as text (gRPC's Patch with patchType "apply": JSON or YAML),
 * decoded strictly as the kind and written back as its Kubernetes JSON.
 */
export function configurationOf(info: ResourceInfo, name: string, text: string): JsonObject {
  checkPatchLimits(text);
  let parsed: unknown;
  try {
    parsed = parseYaml(text);
  } catch (err) {
    throw badRequest(`error decoding YAML: ${(err as Error).message}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw badRequest('the applied configuration must be an object');
  const config = parsed as JsonObject;
  const meta = config.metadata as JsonObject | undefined;
  if (meta?.name !== undefined && meta.name !== name) throw badRequest(`the name of the object (${String(meta.name)}) does not match the name on the URL (${name})`);
  try {
    return toKubeJSON(info, fromKubeJSON(info, { ...config, apiVersion: info.apiVersion, kind: info.kind }));
  } catch (err) {
    if (err instanceof DecodeError) throw invalid(info.kind, name, err.problems.map((p) => fieldInvalid(root('patch'), '', p)));
    throw err;
  }
}
