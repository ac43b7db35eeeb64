import type { PersistentVolume, PersistentVolumeClaim, StorageClass } from '../../../lib/api/generated/index.js';
import type { NamespaceLabelsLookup } from './affinity-term.js';
import type { CycleState } from './cycle-state.js';
import type { ClusterEvent } from './events.js';
import type { NodeInfo } from './node-info.js';
import type { PodInfo } from './pod-info.js';
import type { PluginResult } from './status.js';

/** The highest score a plugin may give a node after normalization. */
export const MAX_NODE_SCORE = 100;

/** Read access to the cycle's node snapshot (kube-scheduler's SharedLister). */
export interface NodeInfoLister {
  /** Every node, in the order nodes are tried (zones interleaved). */
  list(): readonly NodeInfo[];
  get(name: string): NodeInfo | undefined;
  /** Nodes running at least one pod with pod affinity or anti-affinity. */
  havePodsWithAffinityList(): readonly NodeInfo[];
  /** Nodes running at least one pod with required anti-affinity. */
  havePodsWithRequiredAntiAffinityList(): readonly NodeInfo[];
  /** How many nodes report having the image (normalized name). */
  imageNumNodes(image: string): number;
}

/** The storage objects pods refer to, from the scheduler's informer caches. */
export interface VolumeLister {
  claim(namespace: string, name: string): PersistentVolumeClaim | undefined;
  volume(name: string): PersistentVolume | undefined;
  storageClass(name: string): StorageClass | undefined;
  volumes(): readonly PersistentVolume[];
}

export const NO_VOLUMES: VolumeLister = {
  claim: () => undefined,
  volume: () => undefined,
  storageClass: () => undefined,
  volumes: () => [],
};

/** What plugins get from the framework when they are built. */
export interface FrameworkHandle {
  readonly snapshot: NodeInfoLister;
  readonly namespaceLabels: NamespaceLabelsLookup;
  readonly volumes: VolumeLister;
}

export interface Plugin {
  readonly name: string;
}

/** Keeps a plugin's PreFilter state right when preemption adds or removes pods in a dry run. */
export interface PreFilterExtensions {
  addPod(state: CycleState, podToSchedule: PodInfo, podToAdd: PodInfo, nodeInfo: NodeInfo): PluginResult;
  removePod(state: CycleState, podToSchedule: PodInfo, podToRemove: PodInfo, nodeInfo: NodeInfo): PluginResult;
}

export interface PreFilterPlugin extends Plugin {
  /** A Skip status skips this plugin's Filter for the cycle; a rejection rejects every node. */
  preFilter(state: CycleState, pod: PodInfo, nodes: readonly NodeInfo[]): PluginResult;
  readonly preFilterExtensions?: PreFilterExtensions;
}

export interface FilterPlugin extends Plugin {
  filter(state: CycleState, pod: PodInfo, nodeInfo: NodeInfo): PluginResult;
}

export interface PreScorePlugin extends Plugin {
  /** A Skip status skips this plugin's Score for the cycle. */
  preScore(state: CycleState, pod: PodInfo, nodes: readonly NodeInfo[]): PluginResult;
}

export interface ScorePlugin extends Plugin {
  /** A raw score; plugins without normalizeScore must return 0..MAX_NODE_SCORE. */
  score(state: CycleState, pod: PodInfo, nodeInfo: NodeInfo): number;
  /** Rewrites `scores` (one per node in `nodes`) into 0..MAX_NODE_SCORE. */
  normalizeScore?(state: CycleState, pod: PodInfo, nodes: readonly NodeInfo[], scores: number[]): void;
}

/** The cluster events that could make a pod this plugin rejected schedulable. */
export interface EnqueueExtensions extends Plugin {
  eventsToRegister(): readonly ClusterEvent[];
}

export function isPreFilterPlugin(p: Plugin): p is PreFilterPlugin {
  return typeof (p as PreFilterPlugin).preFilter === 'function';
}
export function isFilterPlugin(p: Plugin): p is FilterPlugin {
  return typeof (p as FilterPlugin).filter === 'function';
}
export function isPreScorePlugin(p: Plugin): p is PreScorePlugin {
  return typeof (p as PreScorePlugin).preScore === 'function';
}
export function isScorePlugin(p: Plugin): p is ScorePlugin {
  return typeof (p as ScorePlugin).score === 'function';
}
export function isEnqueueExtensions(p: Plugin): p is EnqueueExtensions {
  return typeof (p as EnqueueExtensions).eventsToRegister === 'function';
}

export type PluginFactory = (handle: FrameworkHandle) => Plugin;
