import type { FilterPlugin } from './interfaces.js';

/** Per-cycle data a plugin computes in PreFilter/PreScore and reads per node. */
export interface StateData {
  /** A copy safe to change independently (preemption's dry runs mutate their copy). */
  clone(): StateData;
}

/**
 * Scratch space for one scheduling cycle, keyed by plugin-chosen keys (kube-scheduler's
 * CycleState). Also records which plugins asked to be skipped for this pod.
 */
export class CycleState {
  readonly #data = new Map<string, StateData>();
  /** Plugins whose PreFilter returned Skip: their Filter is not run this cycle. */
  readonly skipFilterPlugins = new Set<string>();
  /** Plugins whose PreScore returned Skip: their Score is not run this cycle. */
  readonly skipScorePlugins = new Set<string>();
  /**
   * The filter plugins to run this cycle (those not skipped), worked out once after PreFilter
   * instead of per node: the filter loop runs up to thousands of times per pod.
   */
  activeFilters: readonly FilterPlugin[] | undefined;

  write(key: string, data: StateData): void {
    this.#data.set(key, data);
  }

  read<T extends StateData>(key: string): T | undefined {
    return this.#data.get(key) as T | undefined;
  }

  clone(): CycleState {
    const c = new CycleState();
    for (const [k, v] of this.#data) c.#data.set(k, v.clone());
    for (const p of this.skipFilterPlugins) c.skipFilterPlugins.add(p);
    for (const p of this.skipScorePlugins) c.skipScorePlugins.add(p);
    c.activeFilters = this.activeFilters;
    return c;
  }
}
