import type { ControllerRevision, DaemonSet, StatefulSet } from '../../lib/api/generated/index.js';
import type { ApiClient } from '../../lib/client/client.js';
import { CHANGE_CAUSE_ANNOTATION } from '../../lib/deployment/annotations.js';
import { selectorFromLabelSelector } from '../../lib/labels/selector.js';
import { historyTable } from './history.js';

// The rollout history of daemon sets and stateful sets: the ControllerRevisions their controller
// keeps, numbered, each holding a pod template.

export type RevisionOwner = DaemonSet | StatefulSet;

/** The revisions the owner controls (by controller owner reference), oldest first. */
export async function ownedRevisions(client: ApiClient, owner: RevisionOwner): Promise<ControllerRevision[]> {
  const namespace = owner.metadata?.namespace ?? '';
  const selector = selectorFromLabelSelector(owner.spec?.selector).toString();
  const { items } = await client.resource('controllerRevision').listAll(namespace, { labelSelector: selector });
  const uid = owner.metadata?.uid;
  return items
    .filter((r) => (r.metadata?.ownerReferences ?? []).some((ref) => ref.controller && ref.uid === uid))
    .sort((a, b) => (a.revision ?? 0) - (b.revision ?? 0));
}

export function formatRevisionHistory(revisions: readonly ControllerRevision[]): string {
  return historyTable(revisions.map((r) => ({ revision: r.revision ?? 0, cause: r.metadata?.annotations?.[CHANGE_CAUSE_ANNOTATION] })));
}
