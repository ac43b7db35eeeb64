/**
 * A stand-in for the apiserver and the informers around a Scheduler: it stores pods and nodes,
 * implements the scheduler's callbacks the way the API would (a binding sets spec.nodeName, a
 * deletion removes the pod) and feeds every change back as an informer notification, one
 * microtask later, like a watch would.
 */
import type { Condition, Node, Pod } from '../../../lib/api/generated/index.js';
import { podKey } from '../framework/pod-info.js';
import type { CycleOutcome, Scheduler, SchedulerCallbacks } from '../scheduler.js';

interface RecordedEvent {
  pod: string;
  type: string;
  reason: string;
  message: string;
}

export class FakeApi implements SchedulerCallbacks {
  readonly pods = new Map<string, Pod>();
  readonly nodes = new Map<string, Node>();
  readonly events: RecordedEvent[] = [];
  readonly bindings: Array<{ pod: string; node: string }> = [];
  readonly deleted: string[] = [];
  clock = Date.UTC(2024, 0, 1);
  /** Return an error to make the next bindings of matching pods fail. */
  failBind: ((pod: Pod, nodeName: string) => Error | undefined) | undefined;
  #scheduler: Scheduler | undefined;

  attach(s: Scheduler): this {
    this.#scheduler = s;
    return this;
  }

  get scheduler(): Scheduler {
    if (!this.#scheduler) throw new Error('FakeApi: attach a scheduler first');
    return this.#scheduler;
  }

  now = (): number => this.clock;

  createNode(node: Node): void {
    this.nodes.set(node.metadata?.name ?? '', node);
    this.scheduler.onNodeAdd(node);
  }

  updateNode(node: Node): void {
    const name = node.metadata?.name ?? '';
    const old = this.nodes.get(name) as Node;
    this.nodes.set(name, node);
    this.scheduler.onNodeUpdate(old, node);
  }

  removeNode(name: string): void {
    const old = this.nodes.get(name);
    if (!old) return;
    this.nodes.delete(name);
    this.scheduler.onNodeDelete(old);
  }

  createPod(pod: Pod): void {
    this.pods.set(podKey(pod), pod);
    this.scheduler.onPodAdd(pod);
  }

  /** Deletes a pod as a user would (immediately, no grace period). */
  removePod(key: string): void {
    const pod = this.pods.get(key);
    if (!pod) return;
    this.pods.delete(key);
    this.scheduler.onPodDelete(pod);
  }

  async bind(pod: Pod, nodeName: string): Promise<void> {
    await null;
    const key = podKey(pod);
    const current = this.pods.get(key);
    if (!current) throw new Error(`pods "${pod.metadata?.name}" not found`);
    const injected = this.failBind?.(pod, nodeName);
    if (injected) throw injected;
    if (!this.nodes.has(nodeName)) throw new Error(`nodes "${nodeName}" not found`);
    if (current.spec?.nodeName) throw new Error(`pod ${key} is already assigned to node "${current.spec.nodeName}"`);
    const bound: Pod = { ...current, spec: { ...current.spec, nodeName } };
    this.pods.set(key, bound);
    this.bindings.push({ pod: key, node: nodeName });
    this.scheduler.onPodUpdate(current, bound);
  }

  recordEvent(pod: Pod, type: string, reason: string, message: string): void {
    this.events.push({ pod: podKey(pod), type, reason, message });
  }

  async updatePodCondition(pod: Pod, condition: Condition | null, nominatedNodeName?: string): Promise<void> {
    await null;
    const key = podKey(pod);
    const current = this.pods.get(key);
    if (!current) throw new Error(`pods "${pod.metadata?.name}" not found`);
    const conditions = (current.status?.conditions ?? []).filter((c) => !condition || c.type !== condition.type);
    if (condition) conditions.push(condition);
    const status = { ...current.status, conditions };
    if (nominatedNodeName !== undefined) status.nominatedNodeName = nominatedNodeName;
    const updated: Pod = { ...current, status };
    this.pods.set(key, updated);
    this.scheduler.onPodUpdate(current, updated);
  }

  async deletePod(pod: Pod): Promise<void> {
    await null;
    const key = podKey(pod);
    if (!this.pods.has(key)) throw new Error(`pods "${pod.metadata?.name}" not found`);
    this.deleted.push(key);
    this.removePod(key);
  }

  /**
   * Runs scheduling cycles and lets bindings and status writes land, until no pod is active.
   * Returns what each cycle did.
   */
  async runUntilIdle(maxCycles = 10_000): Promise<CycleOutcome[]> {
    const outcomes: CycleOutcome[] = [];
    for (let i = 0; i < maxCycles; i++) {
      const outcome = this.scheduler.scheduleNext();
      if (outcome) {
        outcomes.push(outcome);
        continue;
      }
      await this.scheduler.settle();
      if (this.scheduler.queue.activeCount === 0) return outcomes;
    }
    throw new Error(`still scheduling after ${maxCycles} cycles`);
  }

  /** Advances the clock and lets pods whose backoff has expired become active. */
  advance(ms: number): void {
    this.clock += ms;
    this.scheduler.queue.flushBackoffCompleted();
  }

  nodeOf(key: string): string | undefined {
    return this.pods.get(key)?.spec?.nodeName;
  }

  condition(key: string, type = 'PodScheduled'): Condition | undefined {
    return this.pods.get(key)?.status?.conditions?.find((c) => c.type === type);
  }

  eventsFor(key: string, reason?: string): RecordedEvent[] {
    return this.events.filter((e) => e.pod === key && (!reason || e.reason === reason));
  }
}
