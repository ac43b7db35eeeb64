import { isApiError, isGoneOrReplaced } from '../../../lib/api/errors.js';
import type { OwnerReference } from '../../../lib/api/generated/index.js';
import type { KubeObject } from '../../../lib/client/keys.js';
import type { ResourceClient } from '../../../lib/client/resource-client.js';
import type { Selector } from '../../../lib/labels/selector.js';

// Controller references, as Kubernetes' ControllerRefManager uses them: an object has at most one
// owner with controller: true; a controller adopts orphans its selector matches and releases the
// objects it owns that stop matching.

export interface OwnerKind {
  kind: string;
  apiVersion: string;
}

/** The owner reference marked controller: true, if any. */
export function controllerOf(obj: KubeObject): OwnerReference | undefined {
  return obj.metadata?.ownerReferences?.find((ref) => ref.controller === true);
}

/** The reference a controller puts on what it creates or adopts; blockOwnerDeletion makes foreground deletion wait for it. */
export function newControllerRef(owner: KubeObject, kind: OwnerKind): OwnerReference {
  return {
    apiVersion: kind.apiVersion,
    kind: kind.kind,
    name: owner.metadata?.name ?? '',
    uid: owner.metadata?.uid ?? '',
    controller: true,
    blockOwnerDeletion: true,
  };
}

/** Whether ref points at this owner: the same kind and uid (names are reused, uids are not). */
function refersTo(ref: OwnerReference | undefined, owner: KubeObject, kind: OwnerKind): boolean {
  return ref !== undefined && ref.kind === kind.kind && ref.uid === owner.metadata?.uid;
}

/** The owner changed under us (deleted, recreated or being deleted): adopting now could steal pods from its successor. */
class AdoptionRefusedError extends Error {
  override readonly name = 'AdoptionRefusedError';
}

interface ClaimOptions<T extends KubeObject> {
  owner: KubeObject;
  ownerKind: OwnerKind;
  selector: Selector;
  /** Where adoption and release patches go. */
  resource: ResourceClient<T>;
  /**
   * Reads the owner from the API, not the cache, before the first adoption (Kubernetes'
   * RecheckDeletionTimestamp): an owner deleted a moment ago must not adopt anything.
   */
  readOwner(): Promise<KubeObject | undefined>;
}

/**
 * Kubernetes' ClaimObjects: returns the objects this owner controls after adopting matching
 * orphans and releasing owned objects that no longer match. Objects another controller owns are
 * left alone. Patches carry the object's uid as a precondition, so a recreated object is not touched.
 */
export async function claimObjects<T extends KubeObject>(candidates: readonly T[], options: ClaimOptions<T>): Promise<T[]> {
  const { owner, ownerKind, selector } = options;
  const ownerDeleting = Boolean(owner.metadata?.deletionTimestamp);
  const claimed: T[] = [];
  let adoptionChecked = false;
  for (const obj of candidates) {
    const ref = controllerOf(obj);
    const matches = selector.matches(obj.metadata?.labels);
    if (ref) {
      if (!refersTo(ref, owner, ownerKind)) continue;
      if (matches) claimed.push(obj);
      else if (!ownerDeleting) await release(obj, options);
      continue;
    }
    if (!matches || ownerDeleting || obj.metadata?.deletionTimestamp) continue;
    if (!adoptionChecked) {
      await ensureCanAdopt(options);
      adoptionChecked = true;
    }
    if (await adopt(obj, options)) claimed.push(obj);
  }
  return claimed;
}

async function ensureCanAdopt<T extends KubeObject>(options: ClaimOptions<T>): Promise<void> {
  const meta = options.owner.metadata ?? {};
  const fresh = await options.readOwner();
  if (!fresh || fresh.metadata?.uid !== meta.uid) {
    throw new AdoptionRefusedError(`original ${options.ownerKind.kind} ${meta.namespace}/${meta.name} is gone: got uid ${fresh?.metadata?.uid ?? '<none>'}, wanted ${meta.uid}`);
  }
  if (fresh.metadata?.deletionTimestamp) {
    throw new AdoptionRefusedError(`${meta.namespace}/${meta.name} has just been deleted at ${fresh.metadata.deletionTimestamp}`);
  }
}

/** True if adopted; false if the object is gone or changed meanwhile (the next sync sees it as it is). */
async function adopt<T extends KubeObject>(obj: T, options: ClaimOptions<T>): Promise<boolean> {
  const meta = obj.metadata ?? {};
  const patch = { metadata: { ownerReferences: [newControllerRef(options.owner, options.ownerKind)], uid: meta.uid } };
  try {
    await options.resource.patch(meta.namespace ?? '', meta.name ?? '', patch, { type: 'strategic' });
    return true;
  } catch (err) {
    if (isGoneOrReplaced(err) || isApiError(err, 'Invalid')) return false;
    throw err;
  }
}

async function release<T extends KubeObject>(obj: T, options: ClaimOptions<T>): Promise<void> {
  const meta = obj.metadata ?? {};
  const patch = { metadata: { ownerReferences: [{ $patch: 'delete', uid: options.owner.metadata?.uid ?? '' }], uid: meta.uid } };
  try {
    await options.resource.patch(meta.namespace ?? '', meta.name ?? '', patch, { type: 'strategic' });
  } catch (err) {
    if (!isGoneOrReplaced(err) && !isApiError(err, 'Invalid')) throw err;
  }
}
