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

/** The REVISION CHANGE-CAUSE table, or kubectl's "No rollout history found." */
export function formatHistory(replicaSets: readonly ReplicaSet[]): string {
  const byRevision = new Map<number, ReplicaSet>();
  for (const rs of replicaSets) {
    const revision = revisionOf(rs);
    if (revision !== undefined) byRevision.set(revision, rs);
  }
  if (byRevision.size === 0) return 'No rollout history found.';
  const lines = ['REVISION\tCHANGE-CAUSE\n'];
  for (const revision of [...byRevision.keys()].sort((a, b) => a - b)) {
    const cause = byRevision.get(revision)!.metadata?.annotations?.[CHANGE_CAUSE_ANNOTATION] || '<none>';
    lines.push(`${revision}\t${cause}\n`);
  }
  return alignTabs(lines.join(''), HISTORY_LAYOUT);
}

/** The ReplicaSet of a revision; revision 0 means the one before the latest. */
export function replicaSetForRevision(name: string, replicaSets: readonly ReplicaSet[], toRevision: number): ReplicaSet {
  if (toRevision === 0) {
    if (replicaSets.length === 0) throw new CliError(`no rollout history found for deployment "${name}"`);
    let latest: [number, ReplicaSet] | undefined;
    let previous: [number, ReplicaSet] | undefined;
    for (const rs of replicaSets) {
      const revision = revisionOf(rs) ?? 0;
      if (!latest || revision > latest[0]) {
        previous = latest;
        latest = [revision, rs];
      } else if (!previous || revision > previous[0]) {
        previous = [revision, rs];
      }
    }
    if (!previous) throw new CliError(`no revision found for deployment "${name}"`);
    return previous[1];
  }
  const match = replicaSets.find((rs) => revisionOf(rs) === toRevision);
  if (!match) throw new CliError(`unable to find specified revision ${toRevision} in history`);
  return match;
}
