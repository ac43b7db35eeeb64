import type { CycleState, StateData } from '../../framework/cycle-state.js';
import { ActionType, clusterEvent } from '../../framework/events.js';
import type {
  EnqueueExtensions,
  FilterPlugin,
  FrameworkHandle,
  PreFilterExtensions,
  PreFilterPlugin,
  PreScorePlugin,
  ScorePlugin,
} from '../../framework/interfaces.js';
import { MAX_NODE_SCORE } from '../../framework/interfaces.js';
import type { NodeInfo } from '../../framework/node-info.js';
import type { Labels } from '../../../../lib/api/node-selector.js';
import type { PodInfo, SpreadConstraint } from '../../framework/pod-info.js';
import { Status, type PluginResult } from '../../framework/status.js';
import type { Selector } from '../../../../lib/labels/selector.js';
import * as names from '../names.js';

export const ERR_REASON_CONSTRAINTS_NOT_MATCH = "node(s) didn't match pod topology spread constraints";
export const ERR_REASON_NODE_LABEL_NOT_MATCH = `${ERR_REASON_CONSTRAINTS_NOT_MATCH} (missing required label)`;
const LABEL_HOSTNAME = 'kubernetes.io/hostname';

const PRE_FILTER_KEY = `PreFilter${names.PodTopologySpread}`;
const PRE_SCORE_KEY = `PreScore${names.PodTopologySpread}`;

/** Pods the constraint counts: same namespace as the incoming pod, matching, not terminating. */
function countMatching(pods: readonly PodInfo[], selector: Selector, namespace: string): number {
  let n = 0;
  for (const p of pods) {
    if (p.terminating || p.namespace !== namespace) continue;
    if (selector.matches(p.labels)) n++;
  }
  return n;
}

function hasAllKeys(labels: Labels, constraints: readonly SpreadConstraint[]): boolean {
  for (const c of constraints) if (!(c.topologyKey in labels)) return false;
  return true;
}

/**
 * Matching pods per topology domain for each hard constraint. The global minimum per
 * constraint is cached and recomputed only after a count changes (preemption's dry runs).
 */
class PreFilterState implements StateData {
  constructor(
    readonly constraints: readonly SpreadConstraint[],
    /** Per constraint: domain value → matching pods. Every eligible domain has an entry. */
    readonly counts: Array<Map<string, number>>,
    /** Per constraint: 1 when the incoming pod matches its own selector. */
    readonly selfMatch: readonly number[],
    readonly minimums: Array<number | undefined> = counts.map(() => undefined),
  ) {}

  /** The global minimum, or 0 when fewer domains than `minDomains` exist. */
  minMatch(i: number): number {
    const c = this.constraints[i] as SpreadConstraint;
    const counts = this.counts[i] as Map<string, number>;
    if (counts.size < c.minDomains) return 0;
    let min = this.minimums[i];
    if (min === undefined) {
      min = Number.MAX_SAFE_INTEGER;
      for (const n of counts.values()) if (n < min) min = n;
      this.minimums[i] = min;
    }
    return min;
  }

  update(i: number, domain: string, delta: number): void {
    const counts = this.counts[i] as Map<string, number>;
    counts.set(domain, (counts.get(domain) ?? 0) + delta);
    this.minimums[i] = undefined;
  }

  clone(): StateData {
    return new PreFilterState(this.constraints, this.counts.map((m) => new Map(m)), this.selfMatch, this.minimums.slice());
  }
}

class PreScoreState implements StateData {
  constructor(
    readonly constraints: readonly SpreadConstraint[],
    readonly ignoredNodes: ReadonlySet<string>,
    /** Per constraint (hostname constraints are counted per node at Score time). */
    readonly counts: Array<Map<string, number>>,
    readonly weights: readonly number[],
  ) {}
  clone(): StateData {
    return this;
  }
}

/**
 * Spreads pods over topology domains (zones, hosts, ...). Filter (`DoNotSchedule`): placing the
 * pod must keep `matching pods in the node's domain + 1 - global minimum <= maxSkew`. Score
 * (`ScheduleAnyway`): fewer matching pods in the node's domains is better. Only nodes that pass
 * the pod's node selector/affinity and carry every topology key count (nodeAffinityPolicy
 * Honor, nodeTaintsPolicy Ignore, Kubernetes' defaults).
 */
class PodTopologySpreadPlugin implements PreFilterPlugin, FilterPlugin, PreScorePlugin, ScorePlugin, EnqueueExtensions {
  readonly name = names.PodTopologySpread;
  readonly #skip = Status.skip(this.name);
  readonly #missingLabel = Status.unresolvable(this.name, ERR_REASON_NODE_LABEL_NOT_MATCH);
  readonly #skewed = Status.unschedulable(this.name, ERR_REASON_CONSTRAINTS_NOT_MATCH);
  readonly preFilterExtensions: PreFilterExtensions;

  constructor(private readonly handle: FrameworkHandle) {
    this.preFilterExtensions = {
      addPod: (state, podToSchedule, podToAdd, nodeInfo) => this.#updateWithPod(state, podToSchedule, podToAdd, nodeInfo, 1),
      removePod: (state, podToSchedule, podToRemove, nodeInfo) => this.#updateWithPod(state, podToSchedule, podToRemove, nodeInfo, -1),
    };
  }

  preFilter(state: CycleState, pod: PodInfo): PluginResult {
    const constraints = pod.spreadConstraints.filter((c) => c.whenUnsatisfiable === 'DoNotSchedule');
    if (constraints.length === 0) return this.#skip;
    const counts = constraints.map(() => new Map<string, number>());
    for (const nodeInfo of this.handle.snapshot.list()) {
      if (!pod.requiredNodeAffinity.matches(nodeInfo.labels, nodeInfo.name)) continue;
      if (!hasAllKeys(nodeInfo.labels, constraints)) continue;
      for (let i = 0; i < constraints.length; i++) {
        const c = constraints[i] as SpreadConstraint;
        const domain = nodeInfo.labels[c.topologyKey] as string;
        const m = counts[i] as Map<string, number>;
        m.set(domain, (m.get(domain) ?? 0) + countMatching(nodeInfo.pods, c.selector, pod.namespace));
      }
    }
    const selfMatch = constraints.map((c) => (c.selector.matches(pod.labels) ? 1 : 0));
    state.write(PRE_FILTER_KEY, new PreFilterState(constraints, counts, selfMatch));
    return null;
  }

  filter(state: CycleState, pod: PodInfo, nodeInfo: NodeInfo): PluginResult {
    const s = state.read<PreFilterState>(PRE_FILTER_KEY);
    if (!s) return Status.error(this.name, `reading ${PRE_FILTER_KEY} from cycle state: not found`);
    for (let i = 0; i < s.constraints.length; i++) {
      const c = s.constraints[i] as SpreadConstraint;
      const domain = nodeInfo.labels[c.topologyKey];
      if (domain === undefined) return this.#missingLabel;
      const matchNum = s.counts[i]?.get(domain) ?? 0;
      if (matchNum + (s.selfMatch[i] as number) - s.minMatch(i) > c.maxSkew) return this.#skewed;
    }
    return null;
  }

  #updateWithPod(state: CycleState, preemptor: PodInfo, updated: PodInfo, nodeInfo: NodeInfo, delta: number): PluginResult {
    const s = state.read<PreFilterState>(PRE_FILTER_KEY);
    if (!s || updated.namespace !== preemptor.namespace) return null;
    if (!hasAllKeys(nodeInfo.labels, s.constraints)) return null;
    if (!preemptor.requiredNodeAffinity.matches(nodeInfo.labels, nodeInfo.name)) return null;
    for (let i = 0; i < s.constraints.length; i++) {
      const c = s.constraints[i] as SpreadConstraint;
      if (c.selector.matches(updated.labels)) s.update(i, nodeInfo.labels[c.topologyKey] as string, delta);
    }
    return null;
  }

  preScore(state: CycleState, pod: PodInfo, filteredNodes: readonly NodeInfo[]): PluginResult {
    const constraints = pod.spreadConstraints.filter((c) => c.whenUnsatisfiable === 'ScheduleAnyway');
    if (constraints.length === 0) return this.#skip;
    const ignored = new Set<string>();
    const counts = constraints.map(() => new Map<string, number>());
    for (const n of filteredNodes) {
      if (!hasAllKeys(n.labels, constraints)) {
        ignored.add(n.name);
        continue;
      }
      for (let i = 0; i < constraints.length; i++) {
        const c = constraints[i] as SpreadConstraint;
        if (c.topologyKey !== LABEL_HOSTNAME) (counts[i] as Map<string, number>).set(n.labels[c.topologyKey] as string, 0);
      }
    }
    const weights = constraints.map((c, i) => {
      const size = c.topologyKey === LABEL_HOSTNAME ? filteredNodes.length - ignored.size : (counts[i] as Map<string, number>).size;
      return Math.log(size + 2);
    });
    for (const nodeInfo of this.handle.snapshot.list()) {
      if (!pod.requiredNodeAffinity.matches(nodeInfo.labels, nodeInfo.name)) continue;
      if (!hasAllKeys(nodeInfo.labels, constraints)) continue;
      for (let i = 0; i < constraints.length; i++) {
        const c = constraints[i] as SpreadConstraint;
        if (c.topologyKey === LABEL_HOSTNAME) continue;
        const m = counts[i] as Map<string, number>;
        const domain = nodeInfo.labels[c.topologyKey] as string;
        const current = m.get(domain);
        // Domains without a candidate node cannot receive the pod: no need to count them.
        if (current === undefined) continue;
        m.set(domain, current + countMatching(nodeInfo.pods, c.selector, pod.namespace));
      }
    }
    state.write(PRE_SCORE_KEY, new PreScoreState(constraints, ignored, counts, weights));
    return null;
  }

  score(state: CycleState, pod: PodInfo, nodeInfo: NodeInfo): number {
    const s = state.read<PreScoreState>(PRE_SCORE_KEY);
    if (!s || s.ignoredNodes.has(nodeInfo.name)) return 0;
    let score = 0;
    for (let i = 0; i < s.constraints.length; i++) {
      const c = s.constraints[i] as SpreadConstraint;
      const domain = nodeInfo.labels[c.topologyKey];
      if (domain === undefined) continue;
      const count =
        c.topologyKey === LABEL_HOSTNAME ? countMatching(nodeInfo.pods, c.selector, pod.namespace) : (s.counts[i]?.get(domain) ?? 0);
      // maxSkew - 1 waters down differences the constraint tolerates anyway.
      score += count * (s.weights[i] as number) + (c.maxSkew - 1);
    }
    return Math.round(score);
  }

  normalizeScore(state: CycleState, _pod: PodInfo, nodes: readonly NodeInfo[], scores: number[]): void {
    const s = state.read<PreScoreState>(PRE_SCORE_KEY);
    if (!s) return;
    let min = Number.MAX_SAFE_INTEGER;
    let max = 0;
    for (let i = 0; i < scores.length; i++) {
      if (s.ignoredNodes.has((nodes[i] as NodeInfo).name)) continue;
      const v = scores[i] as number;
      if (v < min) min = v;
      if (v > max) max = v;
    }
    for (let i = 0; i < scores.length; i++) {
      if (s.ignoredNodes.has((nodes[i] as NodeInfo).name)) {
        scores[i] = 0;
      } else if (max === 0) {
        scores[i] = MAX_NODE_SCORE;
      } else {
        scores[i] = Math.trunc((MAX_NODE_SCORE * (max + min - (scores[i] as number))) / max);
      }
    }
  }

  eventsToRegister() {
    return [
      clusterEvent('AssignedPod', ActionType.Add | ActionType.UpdatePodLabel | ActionType.Delete, 'AssignedPodChange'),
      clusterEvent('Node', ActionType.Add | ActionType.Delete | ActionType.UpdateNodeLabel | ActionType.UpdateNodeTaint, 'NodeChange'),
    ];
  }
}

export const newPodTopologySpread = (handle: FrameworkHandle) => new PodTopologySpreadPlugin(handle);
