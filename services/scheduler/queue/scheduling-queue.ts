import type { Pod } from '../../../lib/api/generated/index.js';
import { eventMatches, type ClusterEvent } from '../framework/events.js';
import { PodInfo } from '../framework/pod-info.js';
import { KeyedHeap } from './heap.js';

/** A pod waiting in the scheduling queue, with its retry bookkeeping. */
export interface QueuedPodInfo {
  podInfo: PodInfo;
  /** When the pod last entered the queue (after its last failure, for requeued pods). */
  timestamp: number;
  /** Scheduling attempts so far; drives the backoff. */
  attempts: number;
  /** Plugins that rejected the pod last time: only events they care about requeue it. */
  unschedulablePlugins: Set<string>;
  /** Enqueue order, the final tie-breaker among equal priority and creation time. */
  seq: number;
}

export interface SchedulingQueueOptions {
  now: () => number;
  /** First backoff after a failure; doubles per attempt (kube-scheduler: 1 s). */
  initialBackoffMs?: number;
  /** Longest backoff (kube-scheduler: 10 s). */
  maxBackoffMs?: number;
  /** How long a pod may sit unschedulable before a periodic flush retries it (kube-scheduler: 5 min). */
  maxUnschedulableMs?: number;
  /** The events a plugin registered; undefined means any event may help. */
  eventsFor: (plugin: string) => readonly ClusterEvent[] | undefined;
}

/** Which queue a pod is in, for tests and debugging. */
type QueueName = 'active' | 'backoff' | 'unschedulable';

/**
 * kube-scheduler's PriorityQueue: an active queue ordered by priority then creation time, a
 * backoff queue of pods waiting out their retry delay, and a pool of unschedulable pods that
 * only a relevant cluster event (or the 5-minute flush) moves back. An event that arrives
 * while a pod is being scheduled sends that pod to backoff rather than the pool when it fails,
 * so the event is not lost. Also tracks which pods are nominated to which node.
 */
export class SchedulingQueue {
  readonly #now: () => number;
  readonly #initialBackoffMs: number;
  readonly #maxBackoffMs: number;
  readonly #maxUnschedulableMs: number;
  readonly #eventsFor: SchedulingQueueOptions['eventsFor'];
  readonly #active = new KeyedHeap<QueuedPodInfo>(
    (q) => q.podInfo.key,
    (a, b) =>
      a.podInfo.priority !== b.podInfo.priority
        ? a.podInfo.priority > b.podInfo.priority
        : a.podInfo.creationTime !== b.podInfo.creationTime
          ? a.podInfo.creationTime < b.podInfo.creationTime
          : a.seq < b.seq,
  );
  readonly #backoff = new KeyedHeap<QueuedPodInfo>(
    (q) => q.podInfo.key,
    (a, b) => this.#backoffExpiry(a) < this.#backoffExpiry(b),
  );
  readonly #unschedulable = new Map<string, QueuedPodInfo>();
  #seq = 0;
  /** Incremented on every pop. */
  #schedulingCycle = 0;
  /** The cycle during which the last move request (cluster event) happened. */
  #moveRequestCycle = -1;
  #waiters: Array<(q: QueuedPodInfo | undefined) => void> = [];
  readonly #nominated = new Map<string, Map<string, PodInfo>>();
  readonly #nominatedNodeOf = new Map<string, string>();

  constructor(options: SchedulingQueueOptions) {
    this.#now = options.now;
    this.#initialBackoffMs = options.initialBackoffMs ?? 1000;
    this.#maxBackoffMs = options.maxBackoffMs ?? 10_000;
    this.#maxUnschedulableMs = options.maxUnschedulableMs ?? 5 * 60_000;
    this.#eventsFor = options.eventsFor;
  }

  get schedulingCycle(): number {
    return this.#schedulingCycle;
  }

  // ---- informer notifications for pending pods ----

  /** A new pending pod. */
  add(pod: Pod): void {
    const info = PodInfo.of(pod);
    this.#updateNominated(info);
    if (this.#where(info.key)) {
      this.update(pod);
      return;
    }
    this.#pushActive(this.#newQueued(info));
  }

  /** A pending pod changed. Changes to its spec or metadata may make it schedulable. */
  update(newPod: Pod, oldPod?: Pod): void {
    const info = PodInfo.of(newPod);
    this.#updateNominated(info, oldPod);
    const key = info.key;
    const inHeap = this.#active.get(key) ?? this.#backoff.get(key);
    if (inHeap) {
      inHeap.podInfo = info;
      (this.#active.has(key) ? this.#active : this.#backoff).push(inHeap);
      return;
    }
    const parked = this.#unschedulable.get(key);
    if (parked) {
      const previous = oldPod ?? parked.podInfo.pod;
      parked.podInfo = info;
      if (specChanged(previous, newPod)) {
        this.#unschedulable.delete(key);
        this.#requeue(parked);
      }
      return;
    }
    // Not queued: either new to us or in flight. An in-flight pod is requeued when it fails.
    if (!oldPod) this.#pushActive(this.#newQueued(info));
  }

  /** A pending pod was deleted (or bound, so it is no longer pending). */
  delete(pod: Pod): void {
    const key = PodInfo.of(pod).key;
    this.#active.delete(key);
    this.#backoff.delete(key);
    this.#unschedulable.delete(key);
    this.deleteNominatedPod(pod);
  }

  // ---- the scheduling loop's side ----

  /** The next pod to schedule, or undefined when none is active. */
  tryPop(): QueuedPodInfo | undefined {
    const q = this.#active.pop();
    if (!q) return undefined;
    q.attempts++;
    this.#schedulingCycle++;
    return q;
  }

  /** Waits for a pod; resolves undefined when `signal` aborts. */
  pop(signal?: AbortSignal): Promise<QueuedPodInfo | undefined> {
    const q = this.tryPop();
    if (q || signal?.aborted) return Promise.resolve(q);
    return new Promise((resolve) => {
      const onAbort = (): void => {
        this.#waiters = this.#waiters.filter((w) => w !== waiter);
        resolve(undefined);
      };
      const waiter = (): void => {
        signal?.removeEventListener('abort', onAbort);
        resolve(this.tryPop());
      };
      this.#waiters.push(waiter);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  /**
   * Puts back a pod that failed to schedule in cycle `podSchedulingCycle`. It waits in the
   * unschedulable pool, unless a cluster event happened meanwhile: then it retries after its
   * backoff, since that event may already have made room.
   */
  addUnschedulable(q: QueuedPodInfo, podSchedulingCycle: number, unschedulablePlugins: ReadonlySet<string>): void {
    if (this.#where(q.podInfo.key)) return;
    q.timestamp = this.#now();
    q.unschedulablePlugins = new Set(unschedulablePlugins);
    if (this.#moveRequestCycle >= podSchedulingCycle) this.#backoff.push(q);
    else this.#unschedulable.set(q.podInfo.key, q);
  }

  /** Puts back a pod that hit an error (a failed binding, say): it retries after its backoff. */
  addBackoff(q: QueuedPodInfo): void {
    if (this.#where(q.podInfo.key)) return;
    q.timestamp = this.#now();
    q.unschedulablePlugins = new Set();
    this.#backoff.push(q);
  }

  /** A cluster event happened: retry the unschedulable pods it may help. */
  moveAllToActiveOrBackoff(event: ClusterEvent, onlyIf?: (q: QueuedPodInfo) => boolean): void {
    for (const [key, q] of this.#unschedulable) {
      if (onlyIf && !onlyIf(q)) continue;
      if (!this.#helps(q, event)) continue;
      this.#unschedulable.delete(key);
      this.#requeue(q);
    }
    this.#moveRequestCycle = this.#schedulingCycle;
  }

  /** Retries one unschedulable pod now (after its backoff), whatever its rejecting plugins. */
  activate(key: string): void {
    const q = this.#unschedulable.get(key);
    if (!q) return;
    this.#unschedulable.delete(key);
    this.#requeue(q);
  }

  /** Moves pods whose backoff has expired to the active queue (kube-scheduler: every second). */
  flushBackoffCompleted(): void {
    const now = this.#now();
    for (let q = this.#backoff.peek(); q && this.#backoffExpiry(q) <= now; q = this.#backoff.peek()) {
      this.#backoff.pop();
      this.#pushActive(q);
    }
  }

  /** Retries pods that have been unschedulable for too long (kube-scheduler: every 30 s, 5 min). */
  flushUnschedulableLeftover(): void {
    const now = this.#now();
    for (const [key, q] of this.#unschedulable) {
      if (now - q.timestamp < this.#maxUnschedulableMs) continue;
      this.#unschedulable.delete(key);
      this.#requeue(q);
    }
  }

  // ---- nominated pods ----

  /** Records that `pod` waits for room on `nodeName` (set by preemption, or seen on the pod). */
  addNominatedPod(pod: PodInfo, nodeName: string): void {
    this.deleteNominatedPod(pod.pod);
    let onNode = this.#nominated.get(nodeName);
    if (!onNode) this.#nominated.set(nodeName, (onNode = new Map()));
    onNode.set(pod.key, pod);
    this.#nominatedNodeOf.set(pod.key, nodeName);
  }

  deleteNominatedPod(pod: Pod): void {
    const key = PodInfo.of(pod).key;
    const nodeName = this.#nominatedNodeOf.get(key);
    if (nodeName === undefined) return;
    this.#nominatedNodeOf.delete(key);
    const onNode = this.#nominated.get(nodeName);
    onNode?.delete(key);
    if (onNode?.size === 0) this.#nominated.delete(nodeName);
  }

  nominatedPodsForNode(nodeName: string): readonly PodInfo[] {
    const onNode = this.#nominated.get(nodeName);
    return onNode ? [...onNode.values()] : EMPTY;
  }

  nominatedNodeOf(pod: PodInfo): string | undefined {
    return this.#nominatedNodeOf.get(pod.key);
  }

  get hasNominatedPods(): boolean {
    return this.#nominated.size > 0;
  }

  // ---- inspection ----

  /** Which queue holds the pod with this key, if any. */
  where(key: string): QueueName | undefined {
    return this.#where(key);
  }

  get activeCount(): number {
    return this.#active.size;
  }
  get backoffCount(): number {
    return this.#backoff.size;
  }
  get unschedulableCount(): number {
    return this.#unschedulable.size;
  }

  // ---- internals ----

  #where(key: string): QueueName | undefined {
    if (this.#active.has(key)) return 'active';
    if (this.#backoff.has(key)) return 'backoff';
    if (this.#unschedulable.has(key)) return 'unschedulable';
    return undefined;
  }

  #newQueued(info: PodInfo): QueuedPodInfo {
    return { podInfo: info, timestamp: this.#now(), attempts: 0, unschedulablePlugins: new Set(), seq: this.#seq++ };
  }

  #pushActive(q: QueuedPodInfo): void {
    this.#active.push(q);
    const waiter = this.#waiters.shift();
    if (waiter) waiter(undefined);
  }

  #requeue(q: QueuedPodInfo): void {
    if (this.#backoffExpiry(q) > this.#now()) this.#backoff.push(q);
    else this.#pushActive(q);
  }

  #backoffExpiry(q: QueuedPodInfo): number {
    if (q.attempts === 0) return q.timestamp;
    const duration = Math.min(this.#initialBackoffMs * 2 ** Math.min(q.attempts - 1, 30), this.#maxBackoffMs);
    return q.timestamp + duration;
  }

  #helps(q: QueuedPodInfo, event: ClusterEvent): boolean {
    if (q.unschedulablePlugins.size === 0) return true;
    for (const plugin of q.unschedulablePlugins) {
      const registered = this.#eventsFor(plugin);
      if (!registered) return true;
      for (const r of registered) if (eventMatches(r, event)) return true;
    }
    return false;
  }

  #updateNominated(info: PodInfo, oldPod?: Pod): void {
    const nominated = info.pod.status?.nominatedNodeName;
    const inMemory = this.#nominatedNodeOf.get(info.key);
    if (nominated) {
      this.addNominatedPod(info, nominated);
    } else if (inMemory !== undefined) {
      // Preemption nominates in memory before the status write lands: an update that never
      // carried the nomination keeps it (with the newer pod object); one that drops it clears it.
      if (oldPod?.status?.nominatedNodeName) this.deleteNominatedPod(info.pod);
      else this.addNominatedPod(info, inMemory);
    }
  }
}

const EMPTY: readonly PodInfo[] = [];

/** Whether a pod changed in a way that may change where it fits (not just its status). */
function specChanged(oldPod: Pod, newPod: Pod): boolean {
  const strip = (p: Pod): string => {
    const { resourceVersion: _rv, generation: _gen, ...meta } = p.metadata ?? {};
    return JSON.stringify([meta, p.spec]);
  };
  return strip(oldPod) !== strip(newPod);
}
