import type { AffinityTerm } from '../../framework/affinity-term.js';
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
import type { PodInfo } from '../../framework/pod-info.js';
import { Status, type PluginResult } from '../../framework/status.js';
import * as names from '../names.js';

export const ERR_REASON_EXISTING_ANTI_AFFINITY = "node(s) didn't satisfy existing pods anti-affinity rules";
export const ERR_REASON_AFFINITY = "node(s) didn't match pod affinity rules";
export const ERR_REASON_ANTI_AFFINITY = "node(s) didn't match pod anti-affinity rules";

const PRE_FILTER_KEY = `PreFilter${names.InterPodAffinity}`;
const PRE_SCORE_KEY = `PreScore${names.InterPodAffinity}`;

/** Counts per topology pair, keyed `key\0value`. */
type TopologyCounts = Map<string, number>;

const pair = (key: string, value: string): string => `${key}\0${value}`;

function addCount(counts: TopologyCounts, labels: Labels, topologyKey: string, delta: number): void {
  const value = labels[topologyKey];
  if (value === undefined) return;
  const k = pair(topologyKey, value);
  const n = (counts.get(k) ?? 0) + delta;
  if (n === 0) counts.delete(k);
  else counts.set(k, n);
}

class PreFilterState implements StateData {
  constructor(
    readonly pod: PodInfo,
    /** Existing pods whose required anti-affinity selects the incoming pod, per topology pair. */
    readonly existingAntiAffinity: TopologyCounts,
    /** Existing pods matching all of the incoming pod's required affinity terms. */
    readonly affinity: TopologyCounts,
    /** Existing pods matching the incoming pod's required anti-affinity terms. */
    readonly antiAffinity: TopologyCounts,
  ) {}
  clone(): StateData {
    return new PreFilterState(this.pod, new Map(this.existingAntiAffinity), new Map(this.affinity), new Map(this.antiAffinity));
  }
}

class PreScoreState implements StateData {
  constructor(readonly topologyScore: Map<string, Map<string, number>>) {}
  clone(): StateData {
    return this;
  }
}

/**
 * Required pod affinity and anti-affinity (Filter), in both directions: the incoming pod's
 * terms against existing pods, and existing pods' anti-affinity against the incoming pod
 * (symmetry). Preferred terms of both sides, plus existing pods' required affinity, score.
 */
class InterPodAffinityPlugin implements PreFilterPlugin, FilterPlugin, PreScorePlugin, ScorePlugin, EnqueueExtensions {
  readonly name = names.InterPodAffinity;
  readonly #skip = Status.skip(this.name);
  readonly #affinityRejected = Status.unresolvable(this.name, ERR_REASON_AFFINITY);
  readonly #antiAffinityRejected = Status.unschedulable(this.name, ERR_REASON_ANTI_AFFINITY);
  readonly #existingRejected = Status.unschedulable(this.name, ERR_REASON_EXISTING_ANTI_AFFINITY);
  readonly preFilterExtensions: PreFilterExtensions;

  constructor(private readonly handle: FrameworkHandle) {
    this.preFilterExtensions = {
      addPod: (state, _pod, podToAdd, nodeInfo) => this.#updateWithPod(state, podToAdd, nodeInfo, 1),
      removePod: (state, _pod, podToRemove, nodeInfo) => this.#updateWithPod(state, podToRemove, nodeInfo, -1),
    };
  }

  #matches(term: AffinityTerm, pod: PodInfo): boolean {
    return term.matches(pod.namespace, pod.labels, this.handle.namespaceLabels);
  }

  #matchesAll(terms: readonly AffinityTerm[], pod: PodInfo): boolean {
    if (terms.length === 0) return false;
    for (const t of terms) if (!this.#matches(t, pod)) return false;
    return true;
  }

  preFilter(state: CycleState, pod: PodInfo): PluginResult {
    const existingAntiAffinity: TopologyCounts = new Map();
    for (const nodeInfo of this.handle.snapshot.havePodsWithRequiredAntiAffinityList()) {
      for (const existing of nodeInfo.podsWithRequiredAntiAffinity) {
        for (const t of existing.requiredAntiAffinityTerms) {
          if (this.#matches(t, pod)) addCount(existingAntiAffinity, nodeInfo.labels, t.topologyKey, 1);
        }
      }
    }
    const affinity: TopologyCounts = new Map();
    const antiAffinity: TopologyCounts = new Map();
    const hasOwnTerms = pod.requiredAffinityTerms.length > 0 || pod.requiredAntiAffinityTerms.length > 0;
    if (existingAntiAffinity.size === 0 && !hasOwnTerms) return this.#skip;
    if (hasOwnTerms) {
      for (const nodeInfo of this.handle.snapshot.list()) {
        for (const existing of nodeInfo.pods) {
          if (this.#matchesAll(pod.requiredAffinityTerms, existing)) {
            for (const t of pod.requiredAffinityTerms) addCount(affinity, nodeInfo.labels, t.topologyKey, 1);
          }
          for (const t of pod.requiredAntiAffinityTerms) {
            if (this.#matches(t, existing)) addCount(antiAffinity, nodeInfo.labels, t.topologyKey, 1);
          }
        }
      }
    }
    state.write(PRE_FILTER_KEY, new PreFilterState(pod, existingAntiAffinity, affinity, antiAffinity));
    return null;
  }

  #updateWithPod(state: CycleState, updated: PodInfo, nodeInfo: NodeInfo, delta: number): PluginResult {
    const s = state.read<PreFilterState>(PRE_FILTER_KEY);
    if (!s) return null;
    for (const t of updated.requiredAntiAffinityTerms) {
      if (this.#matches(t, s.pod)) addCount(s.existingAntiAffinity, nodeInfo.labels, t.topologyKey, delta);
    }
    if (this.#matchesAll(s.pod.requiredAffinityTerms, updated)) {
      for (const t of s.pod.requiredAffinityTerms) addCount(s.affinity, nodeInfo.labels, t.topologyKey, delta);
    }
    for (const t of s.pod.requiredAntiAffinityTerms) {
      if (this.#matches(t, updated)) addCount(s.antiAffinity, nodeInfo.labels, t.topologyKey, delta);
    }
    return null;
  }

  filter(state: CycleState, pod: PodInfo, nodeInfo: NodeInfo): PluginResult {
    const s = state.read<PreFilterState>(PRE_FILTER_KEY);
    if (!s) return Status.error(this.name, `reading ${PRE_FILTER_KEY} from cycle state: not found`);
    if (!this.#satisfiesAffinity(s, pod, nodeInfo.labels)) return this.#affinityRejected;
    if (s.antiAffinity.size > 0) {
      for (const t of pod.requiredAntiAffinityTerms) {
        const value = nodeInfo.labels[t.topologyKey];
        if (value !== undefined && (s.antiAffinity.get(pair(t.topologyKey, value)) ?? 0) > 0) return this.#antiAffinityRejected;
      }
    }
    if (s.existingAntiAffinity.size > 0) {
      for (const key in nodeInfo.labels) {
        if ((s.existingAntiAffinity.get(pair(key, nodeInfo.labels[key] as string)) ?? 0) > 0) return this.#existingRejected;
      }
    }
    return null;
  }

  #satisfiesAffinity(s: PreFilterState, pod: PodInfo, labels: Labels): boolean {
    let podsExist = true;
    for (const t of pod.requiredAffinityTerms) {
      const value = labels[t.topologyKey];
      // Every topology key must exist on the node.
      if (value === undefined) return false;
      if ((s.affinity.get(pair(t.topologyKey, value)) ?? 0) <= 0) podsExist = false;
    }
    if (podsExist) return true;
    // The first pod of a group with affinity to itself: nothing matches anywhere yet, so let
    // it in when it matches its own terms instead of leaving the whole group pending forever.
    return s.affinity.size === 0 && this.#matchesAll(pod.requiredAffinityTerms, pod);
  }

  preScore(state: CycleState, pod: PodInfo): PluginResult {
    const hasPreferred = pod.preferredAffinityTerms.length > 0 || pod.preferredAntiAffinityTerms.length > 0;
    // Without preferred terms of its own, only existing pods with affinity can move the score.
    const nodes = hasPreferred ? this.handle.snapshot.list() : this.handle.snapshot.havePodsWithAffinityList();
    const topologyScore = new Map<string, Map<string, number>>();
    const add = (term: AffinityTerm, target: PodInfo, labels: Labels, weight: number): void => {
      const value = labels[term.topologyKey];
      if (value === undefined || !this.#matches(term, target)) return;
      let byValue = topologyScore.get(term.topologyKey);
      if (!byValue) topologyScore.set(term.topologyKey, (byValue = new Map()));
      byValue.set(value, (byValue.get(value) ?? 0) + weight);
    };
    for (const nodeInfo of nodes) {
      const labels = nodeInfo.labels;
      const pods = hasPreferred ? nodeInfo.pods : nodeInfo.podsWithAffinity;
      for (const existing of pods) {
        for (const t of pod.preferredAffinityTerms) add(t, existing, labels, t.weight);
        for (const t of pod.preferredAntiAffinityTerms) add(t, existing, labels, -t.weight);
        if (!existing.hasAffinity) continue;
        for (const t of existing.requiredAffinityTerms) add(t, pod, labels, t.weight);
        for (const t of existing.preferredAffinityTerms) add(t, pod, labels, t.weight);
        for (const t of existing.preferredAntiAffinityTerms) add(t, pod, labels, -t.weight);
      }
    }
    if (topologyScore.size === 0) return this.#skip;
    state.write(PRE_SCORE_KEY, new PreScoreState(topologyScore));
    return null;
  }

  score(state: CycleState, _pod: PodInfo, nodeInfo: NodeInfo): number {
    const s = state.read<PreScoreState>(PRE_SCORE_KEY);
    if (!s) return 0;
    let score = 0;
    for (const [key, byValue] of s.topologyScore) {
      const value = nodeInfo.labels[key];
      if (value !== undefined) score += byValue.get(value) ?? 0;
    }
    return score;
  }

  normalizeScore(_state: CycleState, _pod: PodInfo, _nodes: readonly NodeInfo[], scores: number[]): void {
    let max = 0;
    let min = 0;
    for (const s of scores) {
      if (s > max) max = s;
      if (s < min) min = s;
    }
    const diff = max - min;
    for (let i = 0; i < scores.length; i++) {
      scores[i] = diff > 0 ? Math.trunc(MAX_NODE_SCORE * (((scores[i] as number) - min) / diff)) : 0;
    }
  }

  eventsToRegister() {
    return [
      clusterEvent('AssignedPod', ActionType.Add | ActionType.UpdatePodLabel | ActionType.Delete, 'AssignedPodChange'),
      clusterEvent('Node', ActionType.Add | ActionType.UpdateNodeLabel, 'NodeLabelChange'),
    ];
  }
}

export const newInterPodAffinity = (handle: FrameworkHandle) => new InterPodAffinityPlugin(handle);
