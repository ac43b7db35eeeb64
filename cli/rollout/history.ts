import type { Deployment, ReplicaSet } from '../../lib/api/generated/index.js';
import type { ApiClient } from '../../lib/client/client.js';
import { CHANGE_CAUSE_ANNOTATION, REVISION_ANNOTATION } from '../../lib/deployment/annotations.js';
import { selectorFromLabelSelector } from '../../lib/labels/selector.js';
import { alignTabs } from '../../lib/printers/tabwriter.js';
import { CliError } from '../errors.js';

// A deployment's rollout history lives in its ReplicaSets: each carries the revision it was
// created for (deployment.kubernetes.io/revision) and the change cause of that revision.

// kubectl's tabbedString: a tabwriter with no minimal width and two spaces of padding.
const HISTORY_LAYOUT = { minWidth: 0, padding: 2 } as const;

export function revisionOf(rs: ReplicaSet): number | undefined {
  const text = rs.metadata?.annotations?.[REVISION_ANNOTATION];
  if (text === undefined || !/^\d+$/.test(text)) return undefined;
  return Number(text);
}

/** The ReplicaSets a deployment controls (by controller owner reference), with their revisions. */
export async function deploymentReplicaSets(client: ApiClient, deployment: Deployment): Promise<ReplicaSet[]> {
  const namespace = deployment.metadata?.namespace ?? '';
  const selector = selectorFromLabelSelector(deployment.spec?.selector).toString();
  const { items } = await client.resource('replicaSet').listAll(namespace, { labelSelector: selector });
  const uid = deployment.metadata?.uid;
  return items.filter((rs) => (rs.metadata?.ownerReferences ?? []).some((ref) => ref.controller && ref.uid === uid));
}

/** One revision of a rollout history and the change cause recorded with it. */
export interface HistoryEntry {
  revision: number;
  cause: string | undefined;
}

/** The REVISION CHANGE-CAUSE table, one row per revision number, or kubectl's "No rollout history found." */
export function historyTable(entries: readonly HistoryEntry[]): string {
  const byRevision = new Map(entries.map((e) => [e.revision, e]));
  if (byRevision.size === 0) return 'No rollout history found.';
  const lines = ['REVISION\tCHANGE-CAUSE\n'];
  for (const revision of [...byRevision.keys()].sort((a, b) => a - b)) lines.push(`${revision}\t${byRevision.get(revision)!.cause || '<none>'}\n`);
  return alignTabs(lines.join(''), HISTORY_LAYOUT);
}

/** A deployment's history table, from its ReplicaSets' revision annotations. */
export function formatHistory(replicaSets: readonly ReplicaSet[]): string {
  return historyTable(
    replicaSets.flatMap((rs) => {
      const revision = revisionOf(rs);
      return revision === undefined ? [] : [{ revision, cause: rs.metadata?.annotations?.[CHANGE_CAUSE_ANNOTATION] }];
    }),
  );
}

/**
 * The item of a revision in a history (a deployment's ReplicaSets, a daemon or stateful set's
 * ControllerRevisions); revision 0 means the one before the latest. `owner` is `deployment "web"`.
 */
export function itemForRevision<T>(owner: string, items: readonly T[], revisionOf: (item: T) => number | undefined, toRevision: number): T {
  if (toRevision === 0) {
    if (items.length === 0) throw new CliError(`no rollout history found for ${owner}`);
    let latest: [number, T] | undefined;
    let previous: [number, T] | undefined;
    for (const item of items) {
      const revision = revisionOf(item) ?? 0;
      if (!latest || revision > latest[0]) {
        previous = latest;
        latest = [revision, item];
      } else if (!previous || revision > previous[0]) {
        previous = [revision, item];
      }
    }
    if (!previous) throw new CliError(`no revision found for ${owner}`);
    return previous[1];
  }
  const match = items.find((item) => revisionOf(item) === toRevision);
  if (match === undefined) throw new CliError(`unable to find specified revision ${toRevision} in history`);
  return match;
}

/** The ReplicaSet of a revision; revision 0 means the one before the latest. */
export function replicaSetForRevision(name: string, replicaSets: readonly ReplicaSet[], toRevision: number): ReplicaSet {
  return itemForRevision(`deployment "${name}"`, replicaSets, revisionOf, toRevision);
}
