import { isDeepStrictEqual } from 'node:util';
import type { AnyObject, ResourceInfo } from '../../../lib/api/resources.js';
import type { FieldError } from '../../../lib/validation/field-errors.js';
import { strategyFor } from '../kinds/index.js';
import { newUid, rfc3339 } from './object-meta.js';

// The rules every write follows, with the kind's own parts from its strategy (../kinds), as
// Kubernetes' generic registry runs its strategies: the main endpoint never changes status, the
// status endpoint never changes anything else, spec changes bump metadata.generation. Errors read
// exactly like Kubernetes' (`spec.containers[0].image: Required value`) and are reported in
// Kubernetes' order; the same error found twice is reported once.

type WithSpecStatus = AnyObject & { spec?: unknown; status?: unknown };

/**
 * Server-owned metadata and initial status for a create. Sets them on the caller's own copy: V8
 * gives a `{ ...meta, uid, ... }` copy that adds keys a map of its own on every call, which made
 * this the create path's costliest step (4 µs of a small object's 8).
 */
export function prepareForCreate(info: ResourceInfo, object: AnyObject): void {
  const strategy = strategyFor(info);
  const meta = (object.metadata ??= {});
  meta.uid = newUid();
  meta.creationTimestamp = rfc3339();
  meta.resourceVersion = undefined;
  meta.deletionTimestamp = undefined;
  meta.deletionGracePeriodSeconds = undefined;
  meta.generation = strategy.tracksGeneration ? 1 : undefined;
  if (strategy.status) (object as WithSpecStatus).status = strategy.status.initial(object);
}

/**
 * Carries server-owned fields over from the stored object on an update of the main resource. Sets
 * them on the caller's own copy of the object and its metadata, as prepareForCreate does.
 */
export function prepareForUpdate(info: ResourceInfo, object: AnyObject, old: AnyObject): void {
  const strategy = strategyFor(info);
  strategy.prepareForUpdate?.(object, old);
  const oldMeta = old.metadata ?? {};
  const meta = (object.metadata ??= {});
  meta.uid = oldMeta.uid;
  meta.creationTimestamp = oldMeta.creationTimestamp;
  meta.deletionTimestamp = oldMeta.deletionTimestamp;
  meta.deletionGracePeriodSeconds = oldMeta.deletionGracePeriodSeconds;
  meta.generation = oldMeta.generation;
  if (strategy.status) (object as WithSpecStatus).status = (old as WithSpecStatus).status;
}

/**
 * Fills in what a client may leave out, so that what is stored and shown is the complete object.
 * Mutates `object`; the caller passes its own copy. Runs before validation, on every create and
 * update of the main resource.
 */
export function applyDefaults(info: ResourceInfo, object: AnyObject): void {
  strategyFor(info).defaults?.(object);
}

/**
 * Bumps metadata.generation (on the caller's copy) when the spec changed. Runs after defaulting: a
 * client that sends the spec without the defaults the server fills in has not changed it.
 */
export function updateGeneration(info: ResourceInfo, object: AnyObject, old: AnyObject): void {
  if (!strategyFor(info).tracksGeneration) return;
  const specChanged = !isDeepStrictEqual((object as WithSpecStatus).spec, (old as WithSpecStatus).spec);
  (object.metadata ??= {}).generation = (old.metadata?.generation ?? 1) + (specChanged ? 1 : 0);
}

/** The object a status update produces: everything from the stored object but the status. */
export function statusUpdateOf(object: AnyObject, old: AnyObject): AnyObject {
  return { ...old, metadata: { ...old.metadata }, status: (object as WithSpecStatus).status } as AnyObject;
}

function unique(errs: FieldError[]): FieldError[] {
  const seen = new Set<string>();
  return errs.filter((err) => !seen.has(err.message) && Boolean(seen.add(err.message)));
}

/** Validates an object about to be created (defaulted). */
export function validateObject(info: ResourceInfo, object: AnyObject): FieldError[] {
  return unique(strategyFor(info).validateCreate(object));
}

/** Validates a new version of an object against the stored one: everything validateObject checks, plus what may not change. */
export function validateObjectUpdate(info: ResourceInfo, object: AnyObject, old: AnyObject): FieldError[] {
  const strategy = strategyFor(info);
  return unique([...strategy.validateUpdate(object, old), ...strategy.validateCreate(object)]);
}

/** Validates a write to the status (or approval) subresource (`object` carries the stored spec and the new status). */
export function validateStatusUpdate(info: ResourceInfo, object: AnyObject, old: AnyObject, part: 'status' | 'approval' = 'status'): FieldError[] {
  const sub = part === 'status' ? strategyFor(info).status : strategyFor(info).approval;
  if (!sub) throw new Error(`${info.resource} has no ${part} subresource`);
  return unique(sub.validateUpdate(object, old));
}
