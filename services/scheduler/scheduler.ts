import { pino, type Logger } from 'pino';
import type { Condition, Node, Pod } from '../../lib/api/generated/index.js';
import { SchedulerCache } from './cache/cache.js';
import { Snapshot } from './cache/snapshot.js';
import type { NamespaceLabelsLookup } from './framework/affinity-term.js';
import { CycleState } from './framework/cycle-state.js';
import { ActionType, AssignedPodAdded, AssignedPodDeleted, NodeAdded, clusterEvent } from './framework/events.js';
import { Diagnosis, FitError } from './framework/fit-error.js';
import { Framework, type PluginSpec } from './framework/framework.js';
import { NO_VOLUMES, type FrameworkHandle, type VolumeLister } from './framework/interfaces.js';
import type { NodeInfo } from './framework/node-info.js';
import { DEFAULT_SCHEDULER_NAME, PodInfo } from './framework/pod-info.js';
import { Code, Status } from './framework/status.js';
import { Preemption, type Candidate } from './preemption/preemption.js';
import { defaultPlugins } from './plugins/registry.js';
import { SchedulingQueue, type QueuedPodInfo } from './queue/scheduling-queue.js';
import { recordAttempt, reportPending } from './metrics.js';

/** How the scheduler reaches the outside world; the process wiring implements these over the API. */
export interface SchedulerCallbacks {
  /** Writes the Binding. Rejecting makes the scheduler forget the assumption and retry the pod. */
  bind(pod: Pod, nodeName: string): Promise<void>;
  recordEvent(pod: Pod, type: 'Normal' | 'Warning', reason: string, message: string): void;
  /**
   * One status update of the pod: `condition` (PodScheduled, or DisruptionTarget on a preemption
   * victim) unless null, and `status.nominatedNodeName` unless undefined ('' clears it).
   */
  updatePodCondition(pod: Pod, condition: Condition | null, nominatedNodeName?: string): Promise<void>;
  /** Deletes a preemption victim gracefully (with its own grace period). */
  deletePod(pod: Pod): Promise<void>;
  /** Milliseconds since the epoch. */
  now(): number;
}

export interface SchedulerOptions {
  /** Pods naming another scheduler are ignored. Default `default-scheduler`. */
  schedulerName?: string;
  /** Share of nodes to find feasible before scoring, 1-100; 0 (default) adapts to the cluster size. */
  percentageOfNodesToScore?: number;
  /** The profile; defaults to kube-scheduler's default plugins and weights. */
  plugins?: PluginSpec[];
  /** Namespace labels, for affinity terms with a namespaceSelector. */
  namespaceLabels?: NamespaceLabelsLookup;
  /** Claims, volumes and storage classes, for the volume plugins. */
  volumes?: VolumeLister;
  /** Random numbers in [0, 1): breaks score ties and picks where preemption starts looking. */
  random?: () => number;
  initialBackoffMs?: number;
  maxBackoffMs?: number;
  /**
   * How long the run loop schedules waiting pods before it yields to the event loop (informer
   * events, binding results). Default 5 ms.
   */
  cycleBatchMs?: number;
  maxUnschedulableMs?: number;
  log?: Logger;
}

type Config = Required<Omit<SchedulerOptions, 'log'>> & { log: Logger };

function compileOptions(o: SchedulerOptions): Config {
  const pct = o.percentageOfNodesToScore ?? 0;
  if (!Number.isInteger(pct) || pct < 0 || pct > 100) {
    throw new RangeError(`percentageOfNodesToScore must be an integer from 0 to 100, got ${pct}`);
  }
  return {
    schedulerName: o.schedulerName ?? DEFAULT_SCHEDULER_NAME,
    percentageOfNodesToScore: pct,
    plugins: o.plugins ?? defaultPlugins(),
    namespaceLabels: o.namespaceLabels ?? (() => undefined),
    volumes: o.volumes ?? NO_VOLUMES,
    random: o.random ?? Math.random,
    initialBackoffMs: o.initialBackoffMs ?? 1000,
    maxBackoffMs: o.maxBackoffMs ?? 10_000,
    cycleBatchMs: o.cycleBatchMs ?? 5,
    maxUnschedulableMs: o.maxUnschedulableMs ?? 5 * 60_000,
    log: (o.log ?? pino({ level: 'silent' })).child({ component: 'scheduler' }),
  };
}

export class NoNodesAvailableError extends Error {
  override readonly name = 'NoNodesAvailableError';
  constructor() {
    super('no nodes available to schedule pods');
  }
}

/** A plugin failed (as opposed to rejecting nodes): the pod is retried with backoff. */
export class PluginError extends Error {
  override readonly name = 'PluginError';
  constructor(status: Status) {
    super(`running plugin ${status.plugin}: ${status.message()}`);
  }
}

/**
 * The "plugin" blamed for a pod the scheduler cannot parse. It registers no events: only an
 * update of the pod itself (or the 5-minute flush) retries it.
 */
const INVALID_POD = 'InvalidPod';

/** kube-scheduler: below this many nodes, every node is checked. */
const MIN_FEASIBLE_NODES_TO_FIND = 100;
const MIN_FEASIBLE_NODES_PERCENTAGE_TO_FIND = 5;

export interface ScheduleResult {
  nodeName: string;
  evaluatedNodes: number;
  feasibleNodes: number;
}

/** What one call to scheduleNext did, for tests and benchmarks. */
export type CycleOutcome =
  | { pod: string; result: 'scheduled'; nodeName: string }
  | { pod: string; result: 'unschedulable'; message: string; nominatedNodeName?: string }
  | { pod: string; result: 'error'; message: string }
  | { pod: string; result: 'skipped' };

/**
 * The scheduler without its process: informer notifications in (onPodAdd, onNodeUpdate, ...),
 * callbacks out (bind, events, status updates, deletions). One scheduling cycle is synchronous,
 * from snapshot to assume; binding and API writes run in the background while the next pod is
 * scheduled, as in kube-scheduler.
 */
export class Scheduler {
  readonly cache = new SchedulerCache();
  readonly snapshot = new Snapshot();
  readonly framework: Framework;
  readonly queue: SchedulingQueue;
  readonly #config: Config;
  readonly #log: Logger;
  readonly #preemption: Preemption;
  /** The latest version of each pending pod this scheduler is responsible for (a lister). */
  readonly #pending = new Map<string, Pod>();
  readonly #background = new Set<Promise<void>>();
  #nextStartNodeIndex = 0;

  constructor(
    private readonly callbacks: SchedulerCallbacks,
    options: SchedulerOptions = {},
  ) {
    this.#config = compileOptions(options);
    this.#log = this.#config.log;
    const handle: FrameworkHandle = { snapshot: this.snapshot, namespaceLabels: this.#config.namespaceLabels, volumes: this.#config.volumes };
    this.framework = new Framework(handle, this.#config.plugins);
    this.queue = new SchedulingQueue({
      now: callbacks.now,
      initialBackoffMs: this.#config.initialBackoffMs,
      maxBackoffMs: this.#config.maxBackoffMs,
      maxUnschedulableMs: this.#config.maxUnschedulableMs,
      eventsFor: (plugin) => (plugin === INVALID_POD ? [] : this.framework.eventsFor(plugin)),
    });
    this.#preemption = new Preemption({
      framework: this.framework,
      snapshot: this.snapshot,
      nominatedPodsForNode: (n) => this.queue.nominatedPodsForNode(n),
      random: this.#config.random,
    });
  }

  get schedulerName(): string {
    return this.#config.schedulerName;
  }

  // ---- informer notifications ----

  onNodeAdd(node: Node): void {
    this.cache.addNode(node);
    this.queue.moveAllToActiveOrBackoff(NodeAdded);
  }

  onNodeUpdate(oldNode: Node, newNode: Node): void {
    this.cache.updateNode(newNode);
    const actions = nodeUpdateActions(oldNode, newNode);
    if (actions !== 0) this.queue.moveAllToActiveOrBackoff(clusterEvent('Node', actions, 'NodeUpdate'));
  }

  onNodeDelete(node: Node): void {
    this.cache.removeNode(node);
    this.queue.moveAllToActiveOrBackoff(clusterEvent('Node', ActionType.Delete, 'NodeDelete'));
  }

  onPodAdd(pod: Pod): void {
    if (pod.spec?.nodeName) {
      this.cache.addPod(pod);
      this.#pending.delete(PodInfo.of(pod).key);
      this.queue.delete(pod);
      this.queue.deleteNominatedPod(pod);
      this.queue.moveAllToActiveOrBackoff(AssignedPodAdded);
    } else if (this.#responsibleFor(pod)) {
      this.#pending.set(PodInfo.of(pod).key, pod);
      this.queue.add(pod);
    }
  }

  onPodUpdate(oldPod: Pod, newPod: Pod): void {
    if (newPod.spec?.nodeName) {
      if (!oldPod.spec?.nodeName) {
        // Bound (by us or anyone): it leaves the queue and joins its node.
        this.#pending.delete(PodInfo.of(newPod).key);
        this.queue.delete(oldPod);
        this.cache.addPod(newPod);
        this.queue.moveAllToActiveOrBackoff(AssignedPodAdded);
        return;
      }
      this.cache.updatePod(oldPod, newPod);
      const actions = assignedPodUpdateActions(oldPod, newPod);
      if (actions !== 0) this.queue.moveAllToActiveOrBackoff(clusterEvent('AssignedPod', actions, 'AssignedPodUpdate'));
      return;
    }
    if (!this.#responsibleFor(newPod)) return;
    this.#pending.set(PodInfo.of(newPod).key, newPod);
    this.queue.update(newPod, oldPod);
  }

  onPodDelete(pod: Pod): void {
    const info = PodInfo.of(pod);
    // A pod we assumed may be deleted before the informer ever reports it bound.
    const cached = this.cache.getPod(info.uid);
    if (cached) {
      this.cache.removePod(pod);
      this.queue.moveAllToActiveOrBackoff(AssignedPodDeleted);
    }
    if (!pod.spec?.nodeName) {
      this.#pending.delete(info.key);
      this.queue.delete(pod);
    }
    this.queue.deleteNominatedPod(pod);
  }

  /** Handlers in the informer's shape, for `informer.addEventHandler(scheduler.podHandlers())`. */
  podHandlers() {
    return {
      onAdd: (p: Pod) => this.#safely('pod add', () => this.onPodAdd(p)),
      onUpdate: (o: Pod, n: Pod) => this.#safely('pod update', () => this.onPodUpdate(o, n)),
      onDelete: (p: Pod) => this.#safely('pod delete', () => this.onPodDelete(p)),
    };
  }

  /** Handlers for claims, volumes or classes: any change may make a pod the volume plugins rejected fit. */
  storageHandlers(resource: 'PersistentVolumeClaim' | 'PersistentVolume' | 'StorageClass') {
    const changed = (action: number) => () => this.#safely(`${resource} change`, () => this.queue.moveAllToActiveOrBackoff(clusterEvent(resource, action, `${resource}Change`)));
    return { onAdd: changed(ActionType.Add), onUpdate: changed(ActionType.Update), onDelete: changed(ActionType.Delete) };
  }

  nodeHandlers() {
    return {
      onAdd: (n: Node) => this.#safely('node add', () => this.onNodeAdd(n)),
      onUpdate: (o: Node, n: Node) => this.#safely('node update', () => this.onNodeUpdate(o, n)),
      onDelete: (n: Node) => this.#safely('node delete', () => this.onNodeDelete(n)),
    };
  }

  #safely(what: string, fn: () => void): void {
    try {
      fn();
    } catch (err) {
      this.#log.error({ err }, `handling ${what} failed`);
    }
  }

  #responsibleFor(pod: Pod): boolean {
    return (pod.spec?.schedulerName || DEFAULT_SCHEDULER_NAME) === this.#config.schedulerName;
  }

  // ---- the loop ----

  /**
   * Schedules pods until `signal` aborts: waits for a pod, runs its cycle and those of the pods
   * waiting after it for up to `cycleBatchMs`, then yields to the event loop so informer events
   * and binding results are not starved. Also
   * runs kube-scheduler's two queue timers: backoff expiry (every second) and the flush of pods
   * unschedulable for over 5 minutes (every 30 seconds).
   */
  async run(signal: AbortSignal): Promise<void> {
    const hidePending = reportPending(this.queue);
    const backoffTimer = setInterval(() => this.queue.flushBackoffCompleted(), 1000);
    const leftoverTimer = setInterval(() => this.queue.flushUnschedulableLeftover(), 30_000);
    backoffTimer.unref();
    leftoverTimer.unref();
    try {
      while (!signal.aborted) {
        let q = await this.queue.pop(signal);
        if (!q) break;
        // Pods already waiting run in the same turn, up to a time budget: a turn per pod cost a
        // pass of the event loop each, and sent each binding in a write of its own.
        const until = this.callbacks.now() + this.#config.cycleBatchMs;
        while (q) {
          this.#scheduleQueued(q);
          if (signal.aborted || this.callbacks.now() >= until) break;
          q = this.queue.tryPop();
        }
        await new Promise<void>((resolve) => setImmediate(resolve));
      }
    } finally {
      clearInterval(backoffTimer);
      clearInterval(leftoverTimer);
      hidePending();
    }
  }

  /** Runs one cycle for the next active pod; undefined when none is waiting. */
  scheduleNext(): CycleOutcome | undefined {
    const q = this.queue.tryPop();
    return q ? this.#scheduleQueued(q) : undefined;
  }

  /** Waits for the bindings and API writes started so far. */
  async settle(): Promise<void> {
    await Promise.allSettled([...this.#background]);
  }

  /** One attempt, counted in the scheduler's metrics unless the pod was skipped. */
  #scheduleQueued(q: QueuedPodInfo): CycleOutcome {
    const start = process.hrtime.bigint();
    const outcome = this.#attempt(q);
    if (outcome.result !== 'skipped') recordAttempt(outcome.result, this.#config.schedulerName, start);
    return outcome;
  }

  #attempt(q: QueuedPodInfo): CycleOutcome {
    const podCycle = this.queue.schedulingCycle;
    const latest = this.#pending.get(q.podInfo.key);
    if (!latest) return { pod: q.podInfo.key, result: 'skipped' };
    if (latest !== q.podInfo.pod) q.podInfo = PodInfo.of(latest);
    const pod = q.podInfo;
    if (pod.terminating || this.cache.isAssumed(pod.uid)) return { pod: pod.key, result: 'skipped' };
    if (this.cache.getPod(pod.uid)) {
      // Bound already, as the cache knows from the informer (the update that would have taken it
      // out of the queue came as an add, or was older than the queued copy): nothing to schedule.
      this.#pending.delete(pod.key);
      return { pod: pod.key, result: 'skipped' };
    }
    if (pod.parseErrors.length > 0) {
      const message = `invalid pod: ${pod.parseErrors.join('; ')}`;
      this.#handleFailure(q, podCycle, 'Unschedulable', message, new Set([INVALID_POD]));
      return { pod: pod.key, result: 'unschedulable', message };
    }

    const state = new CycleState();
    let result: ScheduleResult;
    try {
      result = this.schedulePod(state, pod);
    } catch (err) {
      return this.#onScheduleError(q, podCycle, state, err as Error);
    }
    this.#assumeAndBind(q, result.nodeName);
    return { pod: pod.key, result: 'scheduled', nodeName: result.nodeName };
  }

  #onScheduleError(q: QueuedPodInfo, podCycle: number, state: CycleState, err: Error): CycleOutcome {
    const pod = q.podInfo;
    if (err instanceof NoNodesAvailableError) {
      this.#handleFailure(q, podCycle, 'Unschedulable', err.message, new Set(), '');
      return { pod: pod.key, result: 'unschedulable', message: err.message };
    }
    if (!(err instanceof FitError)) {
      this.#log.error({ err, pod: pod.key }, 'scheduling cycle failed');
      this.#handleFailure(q, podCycle, 'SchedulerError', err.message, undefined);
      return { pod: pod.key, result: 'error', message: err.message };
    }
    const diagnosis = err.diagnosis;
    const nominated = this.queue.nominatedNodeOf(pod) ?? pod.pod.status?.nominatedNodeName;
    const preemption = this.#preemption.preempt(state, pod, nominated, diagnosis.nodeToStatus);
    if (preemption.message) diagnosis.postFilterMsg = `preemption: ${preemption.message}`;
    let nominatedNodeName: string | undefined = preemption.clearNomination ? '' : undefined;
    if (preemption.candidate) {
      nominatedNodeName = preemption.candidate.nodeName;
      this.#preempt(pod, preemption.candidate);
    }
    const message = new FitError(err.numAllNodes, diagnosis).message;
    this.#handleFailure(q, podCycle, 'Unschedulable', message, diagnosis.unschedulablePlugins, nominatedNodeName);
    return nominatedNodeName ? { pod: pod.key, result: 'unschedulable', message, nominatedNodeName } : { pod: pod.key, result: 'unschedulable', message };
  }

  // ---- one cycle ----

  /** Finds the best node for `pod`; throws FitError, NoNodesAvailableError or PluginError. */
  schedulePod(state: CycleState, pod: PodInfo): ScheduleResult {
    this.cache.updateSnapshot(this.snapshot);
    const numNodes = this.snapshot.numNodes();
    if (numNodes === 0) throw new NoNodesAvailableError();
    const diagnosis = new Diagnosis();
    const feasible = this.#findNodesThatFitPod(state, pod, diagnosis);
    if (feasible.length === 0) throw new FitError(numNodes, diagnosis);
    const evaluatedNodes = feasible.length + diagnosis.nodeToStatus.size;
    if (feasible.length === 1) return { nodeName: (feasible[0] as NodeInfo).name, evaluatedNodes, feasibleNodes: 1 };

    const pre = this.framework.runPreScorePlugins(state, pod, feasible);
    if (pre) throw new PluginError(pre);
    const scores = this.framework.runScorePlugins(state, pod, feasible);
    return { nodeName: this.#selectHost(feasible, scores), evaluatedNodes, feasibleNodes: feasible.length };
  }

  #findNodesThatFitPod(state: CycleState, pod: PodInfo, diagnosis: Diagnosis): NodeInfo[] {
    const allNodes = this.snapshot.list();
    const pre = this.framework.runPreFilterPlugins(state, pod, allNodes);
    if (pre) {
      if (!pre.isRejected()) throw new PluginError(pre);
      diagnosis.nodeToStatus.absentStatus = pre;
      diagnosis.preFilterMsg = pre.message();
      diagnosis.addPluginStatus(pre);
      return [];
    }
    // A pod that preempted waits for its nominated node: try that first.
    const nominated = this.queue.nominatedNodeOf(pod) ?? pod.pod.status?.nominatedNodeName;
    const nominatedNode = nominated ? this.snapshot.get(nominated) : undefined;
    if (nominatedNode && this.#filterNode(state, pod, nominatedNode, diagnosis)) return [nominatedNode];

    const n = allNodes.length;
    const wanted = this.numFeasibleNodesToFind(n);
    const feasible: NodeInfo[] = [];
    let processed = 0;
    const start = this.#nextStartNodeIndex % n;
    for (let i = 0; i < n && feasible.length < wanted; i++) {
      const nodeInfo = allNodes[(start + i) % n] as NodeInfo;
      processed++;
      if (nodeInfo === nominatedNode) continue;
      if (this.#filterNode(state, pod, nodeInfo, diagnosis)) feasible.push(nodeInfo);
    }
    // Start the next pod where this one stopped, so every node gets its turn.
    this.#nextStartNodeIndex = (start + processed) % n;
    return feasible;
  }

  #filterNode(state: CycleState, pod: PodInfo, nodeInfo: NodeInfo, diagnosis: Diagnosis): boolean {
    const nominated = this.queue.hasNominatedPods ? this.queue.nominatedPodsForNode(nodeInfo.name) : [];
    const status =
      nominated.length > 0
        ? this.framework.runFilterPluginsWithNominatedPods(state, pod, nodeInfo, nominated)
        : this.framework.runFilterPlugins(state, pod, nodeInfo);
    if (status === null) return true;
    if (status.code === Code.Error) throw new PluginError(status);
    diagnosis.nodeToStatus.set(nodeInfo.name, status);
    diagnosis.addPluginStatus(status);
    return false;
  }

  /** kube-scheduler's numFeasibleNodesToFind: all of small clusters, 50% - n/125 (at least 5%) of big ones. */
  numFeasibleNodesToFind(numAllNodes: number): number {
    if (numAllNodes < MIN_FEASIBLE_NODES_TO_FIND) return numAllNodes;
    let pct = this.#config.percentageOfNodesToScore;
    if (pct === 0) pct = Math.max(50 - Math.trunc(numAllNodes / 125), MIN_FEASIBLE_NODES_PERCENTAGE_TO_FIND);
    return Math.max(Math.trunc((numAllNodes * pct) / 100), MIN_FEASIBLE_NODES_TO_FIND);
  }

  /** The highest total score; ties are broken uniformly at random (reservoir sampling). */
  #selectHost(nodes: readonly NodeInfo[], scores: readonly number[]): string {
    let best = 0;
    let ties = 1;
    for (let i = 1; i < nodes.length; i++) {
      const s = scores[i] as number;
      const top = scores[best] as number;
      if (s > top) {
        best = i;
        ties = 1;
      } else if (s === top) {
        ties++;
        if (this.#config.random() * ties < 1) best = i;
      }
    }
    return (nodes[best] as NodeInfo).name;
  }

  // ---- after the cycle ----

  #assumeAndBind(q: QueuedPodInfo, nodeName: string): void {
    const pod = q.podInfo;
    const assumed = pod.withPod({ ...pod.pod, spec: { ...pod.pod.spec, nodeName } });
    this.cache.assumePod(assumed);
    this.queue.deleteNominatedPod(pod.pod);
    this.#track(
      this.callbacks.bind(pod.pod, nodeName).then(
        () => {
          this.callbacks.recordEvent(pod.pod, 'Normal', 'Scheduled', `Successfully assigned ${pod.key} to ${nodeName}`);
        },
        (err: Error) => {
          this.#log.warn({ err, pod: pod.key, node: nodeName }, 'binding failed');
          this.cache.forgetPod(assumed);
          // The room it held is free again for the pods waiting on it.
          this.queue.moveAllToActiveOrBackoff(AssignedPodDeleted, (other) => other.podInfo.key !== pod.key);
          this.#handleFailure(q, this.queue.schedulingCycle, 'SchedulerError', err.message, undefined);
        },
      ),
    );
  }

  /**
   * Reports a failed attempt (FailedScheduling event, PodScheduled=False condition, nomination)
   * and puts the pod back: `unschedulablePlugins` set means rejected (park until an event),
   * undefined means an error (retry after backoff).
   */
  #handleFailure(
    q: QueuedPodInfo,
    podCycle: number,
    reason: 'Unschedulable' | 'SchedulerError',
    message: string,
    unschedulablePlugins: ReadonlySet<string> | undefined,
    nominatedNodeName?: string,
  ): void {
    const pod = q.podInfo;
    this.callbacks.recordEvent(pod.pod, 'Warning', 'FailedScheduling', message);
    const latest = this.#pending.get(pod.key);
    if (!latest || PodInfo.of(latest).uid !== pod.uid) return;
    q.podInfo = PodInfo.of(latest);
    if (nominatedNodeName) this.queue.addNominatedPod(q.podInfo, nominatedNodeName);
    else if (nominatedNodeName === '') this.queue.deleteNominatedPod(latest);
    if (unschedulablePlugins) this.queue.addUnschedulable(q, podCycle, unschedulablePlugins);
    else this.queue.addBackoff(q);

    const condition: Condition = {
      type: 'PodScheduled',
      status: 'False',
      reason,
      message,
      lastTransitionTime: new Date(this.callbacks.now()).toISOString(),
    };
    const current = latest.status?.conditions?.find((c) => c.type === 'PodScheduled');
    const currentNomination = latest.status?.nominatedNodeName ?? '';
    const sameCondition = current?.status === 'False' && current.reason === reason && current.message === message;
    const sameNomination = nominatedNodeName === undefined || nominatedNodeName === currentNomination;
    if (sameCondition && sameNomination) return;
    this.#write('update pod condition', this.callbacks.updatePodCondition(latest, sameCondition ? null : condition, nominatedNodeName));
  }

  /** Deletes the victims (marking each DisruptionTarget first) and un-nominates lesser pods there. */
  #preempt(preemptor: PodInfo, candidate: Candidate): void {
    const node = candidate.nodeName;
    for (const victim of candidate.victims) {
      if (victim.terminating) continue;
      const condition: Condition = {
        type: 'DisruptionTarget',
        status: 'True',
        reason: 'PreemptionByScheduler',
        message: `${this.#config.schedulerName}: preempting to accommodate a higher priority pod`,
        lastTransitionTime: new Date(this.callbacks.now()).toISOString(),
      };
      this.#track(
        this.callbacks
          .updatePodCondition(victim.pod, condition)
          .then(() => this.callbacks.deletePod(victim.pod))
          .then(
            () => this.callbacks.recordEvent(victim.pod, 'Normal', 'Preempted', `Preempted by pod ${preemptor.uid} on node ${node}`),
            (err: Error) => {
              this.#log.warn({ err, pod: victim.key, preemptor: preemptor.key }, 'preempting victim failed');
              // No deletion event will come to wake the preemptor: retry it now.
              this.queue.activate(preemptor.key);
            },
          ),
      );
    }
    for (const other of this.queue.nominatedPodsForNode(node)) {
      if (other.priority >= preemptor.priority || other.uid === preemptor.uid) continue;
      this.queue.deleteNominatedPod(other.pod);
      this.#write('clear nomination', this.callbacks.updatePodCondition(other.pod, null, ''));
    }
  }

  #write(what: string, p: Promise<void>): void {
    this.#track(p.catch((err: Error) => this.#log.warn({ err }, `${what} failed`)));
  }

  #track(p: Promise<void>): void {
    this.#background.add(p);
    void p.finally(() => this.#background.delete(p));
  }
}

/** What changed on a node that could make pods fit (kube-scheduler's nodeSchedulingPropertiesChange). */
export function nodeUpdateActions(oldNode: Node, newNode: Node): number {
  let actions = 0;
  const json = (v: unknown): string => JSON.stringify(v ?? null);
  if (json(oldNode.status?.allocatable) !== json(newNode.status?.allocatable) || json(oldNode.status?.capacity) !== json(newNode.status?.capacity)) {
    actions |= ActionType.UpdateNodeAllocatable;
  }
  if (json(oldNode.metadata?.labels) !== json(newNode.metadata?.labels)) actions |= ActionType.UpdateNodeLabel;
  if (json(oldNode.spec?.taints) !== json(newNode.spec?.taints) || !!oldNode.spec?.unschedulable !== !!newNode.spec?.unschedulable) {
    actions |= ActionType.UpdateNodeTaint;
  }
  const conditions = (n: Node): string => json((n.status?.conditions ?? []).map((c) => [c.type, c.status]));
  if (conditions(oldNode) !== conditions(newNode)) actions |= ActionType.UpdateNodeCondition;
  return actions;
}

/** What changed on a bound pod that could make other pods fit. */
export function assignedPodUpdateActions(oldPod: Pod, newPod: Pod): number {
  let actions = 0;
  if (JSON.stringify(oldPod.metadata?.labels ?? {}) !== JSON.stringify(newPod.metadata?.labels ?? {})) actions |= ActionType.UpdatePodLabel;
  const o = PodInfo.of(oldPod).requests;
  const n = PodInfo.of(newPod).requests;
  if (n.milliCPU < o.milliCPU || n.memory < o.memory || n.ephemeralStorage < o.ephemeralStorage) actions |= ActionType.UpdatePodScaleDown;
  return actions;
}
