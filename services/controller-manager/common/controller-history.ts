import { isDeepStrictEqual } from 'node:util';
import { isApiError, isGoneOrReplaced } from '../../../lib/api/errors.js';
import type { ControllerRevision, PodTemplateSpec } from '../../../lib/api/generated/index.js';
import type { KubeObject } from '../../../lib/client/keys.js';
import type { ResourceClient } from '../../../lib/client/resource-client.js';
import type { Informer } from '../../../lib/informer/informer.js';
import { NAMESPACE_INDEX } from '../../../lib/informer/store.js';
import type { Selector } from '../../../lib/labels/selector.js';
import { claimObjects, newControllerRef, type OwnerKind } from './controller-ref.js';
import { computePodTemplateHash } from './template-hash.js';

// Kubernetes' controller history (pkg/controller/history) for DaemonSets and StatefulSets: every
// template an owner has had is kept as a numbered ControllerRevision named `<owner>-<hash>`; going
// back to an earlier template renumbers its revision as the newest instead of making a copy.

/** The label carrying a revision's hash, on the revision and (as DaemonSets and StatefulSets set it) on its pods. */
export const CONTROLLER_REVISION_HASH_LABEL = 'controller-revision-hash';

/** A DaemonSet or StatefulSet: what its history is made of. */
export interface HistoryOwner extends KubeObject {
  spec?: { template?: PodTemplateSpec; revisionHistoryLimit?: number };
  status?: { collisionCount?: number };
}

/** How many times a name collision moves the hash on before the sync gives up and retries later. */
const MAX_COLLISIONS = 10;

/** Oldest first: by revision number, then name. */
export function byRevision(a: ControllerRevision, b: ControllerRevision): number {
  return (a.revision ?? 0) - (b.revision ?? 0) || (a.metadata?.name ?? '').localeCompare(b.metadata?.name ?? '');
}

/** Whether a revision holds the owner's current template. */
export function revisionMatches(revision: ControllerRevision, owner: HistoryOwner): boolean {
  return isDeepStrictEqual(revision.data?.spec?.template ?? {}, owner.spec?.template ?? {});
}

export function revisionHash(revision: ControllerRevision): string {
  return revision.metadata?.labels?.[CONTROLLER_REVISION_HASH_LABEL] ?? '';
}

export interface UpdateRevision {
  revision: ControllerRevision;
  /** The owner's status.collisionCount from now on (raised when a name was taken by another template). */
  collisionCount: number;
}

export class ControllerHistory {
  constructor(
    private readonly revisions: Informer<ControllerRevision>,
    private readonly client: ResourceClient<ControllerRevision>,
    private readonly ownerKind: OwnerKind,
  ) {}

  /** The revisions the owner controls (adopting orphans its selector matches), oldest first. */
  async claim(owner: HistoryOwner, selector: Selector, readOwner: () => Promise<KubeObject | undefined>): Promise<ControllerRevision[]> {
    const candidates = this.revisions.store.listByIndex(NAMESPACE_INDEX, owner.metadata?.namespace ?? '');
    const claimed = await claimObjects(candidates, { owner, ownerKind: this.ownerKind, selector, resource: this.client, readOwner });
    return claimed.sort(byRevision);
  }

  /**
   * Kubernetes' constructHistory: the revision of the owner's current template, numbered after
   * every other one. An existing match keeps its name and is renumbered if it is not the newest
   * (a rollback); otherwise a new revision is created.
   */
  async updateRevision(owner: HistoryOwner, revisions: readonly ControllerRevision[]): Promise<UpdateRevision> {
    const matching = revisions.filter((r) => revisionMatches(r, owner));
    const newest = Math.max(0, ...revisions.filter((r) => !matching.includes(r)).map((r) => r.revision ?? 0)) + 1;
    const collisionCount = owner.status?.collisionCount ?? 0;
    const current = matching.sort(byRevision).at(-1);
    if (!current) return this.create(owner, newest, collisionCount);
    for (const duplicate of matching.slice(0, -1)) await this.delete(duplicate);
    if ((current.revision ?? 0) >= newest) return { revision: current, collisionCount };
    const renumbered = await this.client.update({ ...current, metadata: { ...current.metadata }, revision: newest });
    return { revision: renumbered, collisionCount };
  }

  /** Deletes the oldest revisions beyond `limit` among those not in `keep` (revision names in use). */
  async truncate(revisions: readonly ControllerRevision[], keep: ReadonlySet<string>, limit: number): Promise<void> {
    const removable = revisions.filter((r) => !keep.has(r.metadata?.name ?? '')).sort(byRevision);
    for (const r of removable.slice(0, Math.max(0, removable.length - limit))) await this.delete(r);
  }

  private async create(owner: HistoryOwner, number: number, collisionCount: number): Promise<UpdateRevision> {
    const meta = owner.metadata ?? {};
    const template = owner.spec?.template ?? {};
    for (let collisions = collisionCount; collisions < collisionCount + MAX_COLLISIONS; collisions++) {
      const hash = computePodTemplateHash(template, collisions);
      const revision: ControllerRevision = {
        metadata: {
          name: `${meta.name ?? ''}-${hash}`,
          namespace: meta.namespace ?? '',
          labels: { ...template.metadata?.labels, [CONTROLLER_REVISION_HASH_LABEL]: hash },
          ownerReferences: [newControllerRef(owner, this.ownerKind)],
        },
        data: { spec: { template: structuredClone(template) } },
        revision: number,
      };
      // As Kubernetes does: the owner's annotations (kubernetes.io/change-cause among them) go with the revision, for rollout history.
      if (meta.annotations && Object.keys(meta.annotations).length > 0) revision.metadata!.annotations = { ...meta.annotations };
      try {
        return { revision: await this.client.create(revision), collisionCount: collisions };
      } catch (err) {
        if (!isApiError(err, 'AlreadyExists')) throw err;
        // The same template under that name (made by an earlier sync the cache has not shown yet) is ours to use.
        const existing = await this.client.get(meta.namespace ?? '', revision.metadata?.name ?? '');
        if (revisionMatches(existing, owner)) return { revision: existing, collisionCount: collisions };
      }
    }
    throw new Error(`${this.ownerKind.kind} ${meta.namespace}/${meta.name}: no free revision name after ${MAX_COLLISIONS} hash collisions`);
  }

  private async delete(revision: ControllerRevision): Promise<void> {
    const meta = revision.metadata ?? {};
    try {
      await this.client.delete(meta.namespace ?? '', meta.name ?? '', { preconditions: { uid: meta.uid ?? '' } });
    } catch (err) {
      if (!isGoneOrReplaced(err)) throw err;
    }
  }
}
