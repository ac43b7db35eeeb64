import type { CycleState } from './cycle-state.js';
import type { ClusterEvent } from './events.js';
import {
  isEnqueueExtensions,
  isFilterPlugin,
  isPreFilterPlugin,
  isPreScorePlugin,
  isScorePlugin,
  type FilterPlugin,
  type FrameworkHandle,
  type Plugin,
  type PluginFactory,
  type PreFilterPlugin,
  type PreScorePlugin,
  type ScorePlugin,
} from './interfaces.js';
import type { NodeInfo } from './node-info.js';
import type { PodInfo } from './pod-info.js';
import { Code, Status, type PluginResult } from './status.js';

/** One entry of a profile: a plugin and, if it scores, its weight. */
export interface PluginSpec {
  name: string;
  factory: PluginFactory;
  /** Score weight; defaults to 1. */
  weight?: number;
}

export class PluginConfigError extends Error {
  override readonly name = 'PluginConfigError';
}

interface WeightedScorePlugin {
  plugin: ScorePlugin;
  weight: number;
}

/**
 * Runs a profile's plugins at each extension point, in profile order (kube-scheduler's
 * frameworkImpl). Filters stop at the first rejection, so a node reports the reasons of one
 * plugin, exactly as kube-scheduler's FailedScheduling histogram counts them.
 */
export class Framework {
  readonly preFilterPlugins: readonly PreFilterPlugin[];
  readonly filterPlugins: readonly FilterPlugin[];
  readonly preScorePlugins: readonly PreScorePlugin[];
  readonly scorePlugins: readonly WeightedScorePlugin[];
  readonly plugins: ReadonlyMap<string, Plugin>;
  readonly #events = new Map<string, readonly ClusterEvent[]>();

  constructor(handle: FrameworkHandle, specs: readonly PluginSpec[]) {
    const plugins = new Map<string, Plugin>();
    const scorePlugins: WeightedScorePlugin[] = [];
    for (const spec of specs) {
      if (plugins.has(spec.name)) throw new PluginConfigError(`plugin ${spec.name} is configured twice`);
      const plugin = spec.factory(handle);
      if (plugin.name !== spec.name) throw new PluginConfigError(`plugin ${spec.name} calls itself ${plugin.name}`);
      plugins.set(spec.name, plugin);
      if (isScorePlugin(plugin)) scorePlugins.push({ plugin, weight: spec.weight ?? 1 });
      if (isEnqueueExtensions(plugin)) this.#events.set(plugin.name, plugin.eventsToRegister());
    }
    const all = [...plugins.values()];
    this.plugins = plugins;
    this.preFilterPlugins = all.filter(isPreFilterPlugin);
    this.filterPlugins = all.filter(isFilterPlugin);
    this.preScorePlugins = all.filter(isPreScorePlugin);
    this.scorePlugins = scorePlugins;
  }

  /** The events that could undo a rejection by `pluginName` (none known: every event might). */
  eventsFor(pluginName: string): readonly ClusterEvent[] | undefined {
    return this.#events.get(pluginName);
  }

  /** Returns null, or the first rejection/error; Skip results mark plugins to skip in Filter. */
  runPreFilterPlugins(state: CycleState, pod: PodInfo, nodes: readonly NodeInfo[]): PluginResult {
    for (const p of this.preFilterPlugins) {
      const s = p.preFilter(state, pod, nodes);
      if (s === null || s.code === Code.Success) continue;
      if (s.code === Code.Skip) {
        state.skipFilterPlugins.add(p.name);
        continue;
      }
      return s.plugin ? s : new Status(s.code, s.reasons, p.name);
    }
    const skip = state.skipFilterPlugins;
    state.activeFilters = skip.size === 0 ? this.filterPlugins : this.filterPlugins.filter((p) => !skip.has(p.name));
    return null;
  }

  runFilterPlugins(state: CycleState, pod: PodInfo, nodeInfo: NodeInfo): PluginResult {
    const plugins = state.activeFilters ?? this.filterPlugins;
    for (let i = 0; i < plugins.length; i++) {
      const s = (plugins[i] as FilterPlugin).filter(state, pod, nodeInfo);
      if (s !== null && s.code !== Code.Success) return s;
    }
    return null;
  }

  runPreFilterExtensionAddPod(state: CycleState, podToSchedule: PodInfo, podToAdd: PodInfo, nodeInfo: NodeInfo): PluginResult {
    for (const p of this.preFilterPlugins) {
      if (!p.preFilterExtensions || state.skipFilterPlugins.has(p.name)) continue;
      const s = p.preFilterExtensions.addPod(state, podToSchedule, podToAdd, nodeInfo);
      if (s !== null && s.code !== Code.Success) return s;
    }
    return null;
  }

  runPreFilterExtensionRemovePod(state: CycleState, podToSchedule: PodInfo, podToRemove: PodInfo, nodeInfo: NodeInfo): PluginResult {
    for (const p of this.preFilterPlugins) {
      if (!p.preFilterExtensions || state.skipFilterPlugins.has(p.name)) continue;
      const s = p.preFilterExtensions.removePod(state, podToSchedule, podToRemove, nodeInfo);
      if (s !== null && s.code !== Code.Success) return s;
    }
    return null;
  }

  /**
   * Filters with the pods nominated to this node (by earlier preemptions) counted in when they
   * have at least this pod's priority, so a preemptor's room is not taken by a lesser pod. As
   * in kube-scheduler, a node that passes with them must also pass without them, since pod
   * affinity could depend on a nominated pod that may never arrive.
   */
  runFilterPluginsWithNominatedPods(state: CycleState, pod: PodInfo, nodeInfo: NodeInfo, nominated: readonly PodInfo[]): PluginResult {
    let stateWith = state;
    let nodeWith = nodeInfo;
    let added = false;
    for (const n of nominated) {
      if (n.uid === pod.uid || n.priority < pod.priority) continue;
      if (!added) {
        stateWith = state.clone();
        nodeWith = nodeInfo.clone();
        added = true;
      }
      nodeWith.addPod(n);
      const s = this.runPreFilterExtensionAddPod(stateWith, pod, n, nodeWith);
      if (s !== null) return s;
    }
    const status = this.runFilterPlugins(stateWith, pod, nodeWith);
    if (status !== null || !added) return status;
    return this.runFilterPlugins(state, pod, nodeInfo);
  }

  runPreScorePlugins(state: CycleState, pod: PodInfo, nodes: readonly NodeInfo[]): PluginResult {
    for (const p of this.preScorePlugins) {
      const s = p.preScore(state, pod, nodes);
      if (s === null || s.code === Code.Success) continue;
      if (s.code === Code.Skip) {
        state.skipScorePlugins.add(p.name);
        continue;
      }
      return s;
    }
    return null;
  }

  /** The weighted sum of normalized scores, one per node. */
  runScorePlugins(state: CycleState, pod: PodInfo, nodes: readonly NodeInfo[]): number[] {
    const totals = new Array<number>(nodes.length).fill(0);
    const scores = new Array<number>(nodes.length);
    for (const { plugin, weight } of this.scorePlugins) {
      if (state.skipScorePlugins.has(plugin.name)) continue;
      for (let i = 0; i < nodes.length; i++) scores[i] = plugin.score(state, pod, nodes[i] as NodeInfo);
      plugin.normalizeScore?.(state, pod, nodes, scores);
      for (let i = 0; i < nodes.length; i++) totals[i] = (totals[i] as number) + (scores[i] as number) * weight;
    }
    return totals;
  }

  get hasScorePlugins(): boolean {
    return this.scorePlugins.length > 0;
  }
}
