import type { CycleState } from '../framework/cycle-state.js';
import { Diagnosis, NodeToStatus, fitErrorMessage } from '../framework/fit-error.js';
import type { Framework } from '../framework/framework.js';
import type { NodeInfoLister } from '../framework/interfaces.js';
import type { NodeInfo } from '../framework/node-info.js';
import type { PodInfo } from '../framework/pod-info.js';
import { Code, Status, type PluginResult } from '../framework/status.js';

const PREEMPTION_NAME = 'DefaultPreemption';
export const ERR_NO_VICTIMS = 'No preemption victims found for incoming pod';
const ERR_NOT_HELPFUL = 'Preemption is not helpful for scheduling';
const ERR_POLICY_NEVER = 'not eligible due to preemptionPolicy=Never.';
const ERR_TERMINATING_ON_NOMINATED = 'not eligible due to a terminating pod on the nominated node.';

/** kube-scheduler's DefaultPreemptionArgs defaults: dry-run at least 10% of nodes, at least 100. */
const MIN_CANDIDATE_NODES_PERCENTAGE = 10;
const MIN_CANDIDATE_NODES_ABSOLUTE = 100;

export interface Candidate {
  nodeName: string;
  /** Most important first. */
  victims: PodInfo[];
}

export interface PreemptionResult {
  /** Success: preempting `candidate` makes room. Unschedulable: preemption cannot help. */
  code: Code.Success | Code.Unschedulable;
  /** Why not, in kube-scheduler's words (the text after "preemption: " in the event). */
  message: string;
  candidate?: Candidate;
  /** Whether to clear a nomination the pod holds from an earlier preemption. */
  clearNomination: boolean;
}

interface PreemptionDeps {
  framework: Framework;
  snapshot: NodeInfoLister;
  nominatedPodsForNode: (nodeName: string) => readonly PodInfo[];
  random: () => number;
}

/** kube-scheduler's MoreImportantPod: higher priority, then the one that started earlier. */
function moreImportant(a: PodInfo, b: PodInfo): boolean {
  if (a.priority !== b.priority) return a.priority > b.priority;
  return startTimeOf(a) < startTimeOf(b);
}

/** A pod that has not started yet counts as starting now, i.e. after every started pod. */
function startTimeOf(p: PodInfo): number {
  return p.startTime === 0 ? Number.POSITIVE_INFINITY : p.startTime;
}

/**
 * kube-scheduler's DefaultPreemption (PostFilter): when a pod fits no node, find nodes where
 * deleting pods of lower priority would make it fit, keep the fewest and least important
 * victims per node, and pick the node whose victims matter least.
 */
export class Preemption {
  readonly #noVictims = Status.unresolvable(PREEMPTION_NAME, ERR_NO_VICTIMS);

  constructor(private readonly deps: PreemptionDeps) {}

  preempt(state: CycleState, pod: PodInfo, nominatedNodeName: string | undefined, statuses: NodeToStatus): PreemptionResult {
    const ineligible = this.#ineligibleReason(pod, nominatedNodeName, statuses);
    if (ineligible) return { code: Code.Unschedulable, message: ineligible, clearNomination: false };

    const allNodes = this.deps.snapshot.list();
    const potential = allNodes.filter((n) => statuses.get(n.name).code === Code.Unschedulable);
    const dryRun = new NodeToStatus();
    dryRun.absentStatus = Status.unresolvable(PREEMPTION_NAME, ERR_NOT_HELPFUL);
    const candidates = potential.length === 0 ? [] : this.#findCandidates(state, pod, potential, dryRun);
    if (candidates.length === 0) {
      const d = new Diagnosis();
      for (const [name, s] of dryRun.entries()) d.nodeToStatus.set(name, s);
      d.nodeToStatus.absentStatus = dryRun.absentStatus;
      return { code: Code.Unschedulable, message: fitErrorMessage(allNodes.length, d), clearNomination: true };
    }
    return { code: Code.Success, message: '', candidate: pickCandidate(candidates), clearNomination: false };
  }

  #ineligibleReason(pod: PodInfo, nominatedNodeName: string | undefined, statuses: NodeToStatus): string | undefined {
    if (pod.preemptionPolicy === 'Never') return ERR_POLICY_NEVER;
    if (!nominatedNodeName) return undefined;
    // A nominated node that can never fit deserves a new preemption; otherwise wait for the
    // victims already terminating there instead of preempting more pods.
    if (statuses.get(nominatedNodeName).code === Code.UnschedulableAndUnresolvable) return undefined;
    const node = this.deps.snapshot.get(nominatedNodeName);
    if (node?.pods.some((p) => p.priority < pod.priority && p.terminating)) return ERR_TERMINATING_ON_NOMINATED;
    return undefined;
  }

  #findCandidates(state: CycleState, pod: PodInfo, potential: readonly NodeInfo[], statuses: NodeToStatus): Candidate[] {
    const wanted = Math.min(
      potential.length,
      Math.max(Math.trunc((potential.length * MIN_CANDIDATE_NODES_PERCENTAGE) / 100), MIN_CANDIDATE_NODES_ABSOLUTE),
    );
    const offset = Math.floor(this.deps.random() * potential.length);
    const candidates: Candidate[] = [];
    for (let i = 0; i < potential.length && candidates.length < wanted; i++) {
      const original = potential[(offset + i) % potential.length] as NodeInfo;
      // Most nodes of a cluster without priorities have nothing to preempt: skip the copies.
      if (!original.pods.some((p) => p.priority < pod.priority)) {
        statuses.set(original.name, this.#noVictims);
        continue;
      }
      const result = this.selectVictimsOnNode(state.clone(), pod, original.clone());
      if (Array.isArray(result)) candidates.push({ nodeName: original.name, victims: result });
      else statuses.set(original.name, result);
    }
    return candidates;
  }

  /**
   * The fewest, least important pods to delete from `nodeInfo` (a copy this call changes) so
   * `pod` fits: remove every lower-priority pod, check the pod fits, then put pods back from
   * the most important down as long as it still fits. Returns the status when it cannot fit.
   */
  selectVictimsOnNode(state: CycleState, pod: PodInfo, nodeInfo: NodeInfo): PodInfo[] | Status {
    const fwk = this.deps.framework;
    const potential = nodeInfo.pods.filter((p) => p.priority < pod.priority);
    if (potential.length === 0) return this.#noVictims;
    for (const p of potential) {
      nodeInfo.removePod(p);
      const s = fwk.runPreFilterExtensionRemovePod(state, pod, p, nodeInfo);
      if (s) return s;
    }
    const nominated = this.deps.nominatedPodsForNode(nodeInfo.name);
    const fits = (): PluginResult => fwk.runFilterPluginsWithNominatedPods(state, pod, nodeInfo, nominated);
    const status = fits();
    if (status) return status;

    potential.sort((a, b) => (moreImportant(a, b) ? -1 : moreImportant(b, a) ? 1 : 0));
    const victims: PodInfo[] = [];
    for (const p of potential) {
      nodeInfo.addPod(p);
      const added = fwk.runPreFilterExtensionAddPod(state, pod, p, nodeInfo);
      if (added) return added;
      if (fits() === null) continue;
      nodeInfo.removePod(p);
      const removed = fwk.runPreFilterExtensionRemovePod(state, pod, p, nodeInfo);
      if (removed) return removed;
      victims.push(p);
    }
    if (victims.length === 0) return Status.error(PREEMPTION_NAME, `expected at least one victim pod on node "${nodeInfo.name}"`);
    return victims;
  }
}

/**
 * kube-scheduler's pickOneNodeForPreemption, without PodDisruptionBudgets: the node whose most
 * important victim is least important, then the smallest sum of victim priorities, then the
 * fewest victims, then the node whose most important victims started last, then the first.
 */
export function pickCandidate(candidates: readonly Candidate[]): Candidate {
  const priorityOffset = 2 ** 31; // keeps sums of negative priorities comparable
  const criteria: Array<(c: Candidate) => number> = [
    (c) => -(c.victims[0] as PodInfo).priority,
    (c) => -c.victims.reduce((sum, v) => sum + v.priority + priorityOffset, 0),
    (c) => -c.victims.length,
    (c) => earliestStartOfTopVictims(c),
  ];
  let remaining = candidates.slice();
  for (const score of criteria) {
    let best = Number.NEGATIVE_INFINITY;
    let next: Candidate[] = [];
    for (const c of remaining) {
      const s = score(c);
      if (s > best) {
        best = s;
        next = [c];
      } else if (s === best) {
        next.push(c);
      }
    }
    remaining = next;
    if (remaining.length === 1) break;
  }
  return remaining[0] as Candidate;
}

/** The earliest start time among the victims of the highest priority. */
function earliestStartOfTopVictims(c: Candidate): number {
  const top = (c.victims[0] as PodInfo).priority;
  let earliest = Number.POSITIVE_INFINITY;
  for (const v of c.victims) {
    if (v.priority === top) earliest = Math.min(earliest, startTimeOf(v));
  }
  return earliest;
}
