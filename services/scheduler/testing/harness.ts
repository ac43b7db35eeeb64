/**
 * Runs plugins the way a scheduling cycle does, on a cache built from plain objects, so plugin
 * tests read as tables of (pod, nodes, existing pods) → statuses or scores.
 */
import type { Node, Pod } from '../../../lib/api/generated/index.js';
import { SchedulerCache } from '../cache/cache.js';
import { Snapshot } from '../cache/snapshot.js';
import { CycleState } from '../framework/cycle-state.js';
import { Framework, type PluginSpec } from '../framework/framework.js';
import { NO_VOLUMES, type FrameworkHandle, type VolumeLister } from '../framework/interfaces.js';
import type { Labels } from '../../../lib/api/node-selector.js';
import type { NodeInfo } from '../framework/node-info.js';
import { PodInfo } from '../framework/pod-info.js';
import { Code, type PluginResult } from '../framework/status.js';

interface TestCluster {
  cache: SchedulerCache;
  snapshot: Snapshot;
  handle: FrameworkHandle;
  /** NodeInfos in the order the nodes were given. */
  nodeInfos: NodeInfo[];
}

/** Existing pods must have `spec.nodeName` set. */
export function testCluster(nodes: Node[], pods: Pod[] = [], namespaceLabels: Record<string, Labels> = {}, volumes: VolumeLister = NO_VOLUMES): TestCluster {
  const cache = new SchedulerCache();
  for (const n of nodes) cache.addNode(n);
  for (const p of pods) cache.addPod(p);
  const snapshot = new Snapshot();
  cache.updateSnapshot(snapshot);
  const nodeInfos = nodes.map((n) => snapshot.get(n.metadata?.name ?? '') as NodeInfo);
  return { cache, snapshot, handle: { snapshot, namespaceLabels: (ns) => namespaceLabels[ns], volumes }, nodeInfos };
}

/** PreFilter then Filter on every node; a PreFilter rejection is every node's answer. */
function runFilters(specs: PluginSpec[], pod: Pod, nodes: Node[], pods: Pod[], namespaceLabels: Record<string, Labels>, volumes: VolumeLister): PluginResult[] {
  const { handle, nodeInfos, snapshot } = testCluster(nodes, pods, namespaceLabels, volumes);
  const fwk = new Framework(handle, specs);
  const state = new CycleState();
  const info = PodInfo.of(pod);
  const pre = fwk.runPreFilterPlugins(state, info, snapshot.list());
  if (pre) return nodeInfos.map(() => pre);
  return nodeInfos.map((n) => fwk.runFilterPlugins(state, info, n));
}

/** The reasons of each node's status (empty for a fit). */
export function filterReasons(
  specs: PluginSpec[],
  pod: Pod,
  nodes: Node[],
  pods: Pod[] = [],
  namespaceLabels: Record<string, Labels> = {},
  volumes: VolumeLister = NO_VOLUMES,
): string[][] {
  return runFilters(specs, pod, nodes, pods, namespaceLabels, volumes).map((s) => (s ? [...s.reasons] : []));
}

/** PreScore, Score and NormalizeScore of one plugin over all nodes (unweighted); Skip gives zeros. */
export function runScore(spec: PluginSpec, pod: Pod, nodes: Node[], pods: Pod[] = []): number[] {
  const { handle, nodeInfos } = testCluster(nodes, pods);
  const fwk = new Framework(handle, [{ ...spec, weight: 1 }]);
  const state = new CycleState();
  const info = PodInfo.of(pod);
  const pre = fwk.runPreScorePlugins(state, info, nodeInfos);
  if (pre && pre.code !== Code.Skip) throw new Error(`PreScore failed: ${pre.message()}`);
  return fwk.runScorePlugins(state, info, nodeInfos);
}
