import { pino, type Logger } from 'pino';
import type { Pod, PodStatus } from '../../../lib/api/generated/index.js';
import { Backoff } from '../runtime/backoff.js';
import { podGracePeriodSeconds, podIdentity } from '../runtime/container-config.js';
import { discardEvents, type EventRecorder } from '../runtime/events.js';
import type { ContainerRuntime, PodSyncResult, ProbeVerdicts, RuntimePod, RuntimePodStatus } from '../runtime/types.js';
import { PodVolumesError, type PodVolumePaths, type PodVolumes } from '../runtime/volumes/volume-manager.js';
import { containerOptionsProvider } from './container-options.js';
import type { PodObjectSource } from './object-source.js';
import { ProbeManager } from './probes/probe-manager.js';
import { generatePodStatus, noProbes, type ContainerProbeState, type WaitingReason } from './status.js';
import { observePodStart } from '../metrics.js';

export interface PodWorkersOptions {
  runtime: ContainerRuntime;
  objects: PodObjectSource;
  volumes: PodVolumes;
  nodeName: string;
  /** The node's address: status.hostIP, and the pod IP of host-network pods. */
  nodeIP: string;
  events?: EventRecorder;
  /** Called with each new status of a pod, only when it changed. */
  onStatus?: (pod: Pod, status: PodStatus) => void;
  /** Called once a deleted pod's containers and volumes are gone: the API object may now be removed. */
  onTerminated?: (pod: Pod) => void;
  nodeAllocatable?: Record<string, string>;
  /** Crash-loop backoff (10 s doubling to 5 min by default). */
  crashBackoff?: Backoff;
  /** Every pod is synced at least this often (configMap and secret changes reach volumes this way). */
  resyncIntervalMs?: number;
  /** How often the node's containers are listed to notice exits (Kubernetes' PLEG relist). */
  relistIntervalMs?: number;
  /** false for the hollow runtime: no probes run, containers count as started and ready. */
  probes?: boolean;
  log?: Logger;
}

/**
 * Kubernetes' --sync-frequency. Container exits reach a pod within a relist, spec changes at once;
 * the resync is the backstop that repairs any other drift and carries configMap, secret and token
 * changes into volumes (tokens are renewed at 80% of at least ten minutes). Every 10 s it cost each
 * running pod a listing, an inspect per container and its volumes' set-up.
 */
const DEFAULT_RESYNC_MS = 60_000;
const DEFAULT_RELIST_MS = 1_000;
/** After ErrImagePull, look again soon so users see ImagePullBackOff while the backoff lasts. */
const IMAGE_PULL_RECHECK_MS = 1_000;
const ERROR_RETRY_INITIAL_MS = 1_000;
const ERROR_RETRY_MAX_MS = 30_000;
/** Docker's creation times and ours may differ a little; erring early only costs one extra sync. */
const CLOCK_SLACK_MS = 1_000;
/** How long a terminated pod's uid is remembered, so a late update cannot start it again. */
const FINISHED_MEMORY_MS = 10 * 60_000;

interface Worker {
  uid: string;
  pod: Pod;
  status?: PodStatus;
  reported?: string;
  reasons: Map<string, WaitingReason>;
  timer?: NodeJS.Timeout;
  timerAt?: number;
  running?: Promise<void>;
  dirty: boolean;
  /** Consecutive failed syncs (errors thrown), for the retry delay. */
  failures: number;
  /** Consecutive syncs that could not mount volumes or make the sandbox, for the retry delay. */
  setupFailures: number;
  terminating?: Promise<void>;
  terminatedPhaseKilled: boolean;
  /** Whether a sync of it has begun in this process (until then no container of it was made here). */
  synced?: boolean;
  /**
   * When this kubelet first saw the pod (performance.now()), until it is first reported running;
   * absent for pods already running when seen (adopted after a restart), which are not timed.
   */
  firstSeenAt?: number;
}

/**
 * Kubernetes' pod workers: one serialized sync loop per pod that sets up volumes, asks the runtime
 * to converge containers, turns what runs into a PodStatus and reports it. Syncs are triggered by
 * spec updates, container state changes (a relist every second), probe verdict changes, backoff
 * expiry and a periodic resync. The apiserver side is someone else's: pods come in via updatePod,
 * statuses leave via onStatus.
 */
export class PodWorkers {
  readonly #options: PodWorkersOptions;
  readonly #runtime: ContainerRuntime;
  readonly #events: EventRecorder;
  readonly #backoff: Backoff;
  readonly #probes: ProbeManager | undefined;
  readonly #verdicts: ProbeVerdicts & ContainerProbeState;
  readonly #log: Logger;
  readonly #workers = new Map<string, Worker>();
  readonly #resyncMs: number;
  readonly #relistMs: number;
  readonly #lastRelist = new Map<string, string>();
  /** The pods the last complete relist found containers of; undefined until one completed. */
  #relisted: Set<string> | undefined;
  /** Terminated pod uid → when; updates for these are not new pods. */
  readonly #finished = new Map<string, number>();
  #relistTimer: NodeJS.Timeout | undefined;
  #stopped = false;

  constructor(options: PodWorkersOptions) {
    this.#options = options;
    this.#runtime = options.runtime;
    this.#events = options.events ?? discardEvents;
    this.#backoff = options.crashBackoff ?? new Backoff();
    this.#log = options.log ?? pino({ level: 'silent' });
    this.#resyncMs = options.resyncIntervalMs ?? DEFAULT_RESYNC_MS;
    this.#relistMs = options.relistIntervalMs ?? DEFAULT_RELIST_MS;
    if (options.probes === false) {
      this.#verdicts = { ...noProbes, liveness: () => 'unknown', startup: () => 'unknown' };
    } else {
      this.#probes = new ProbeManager({ runtime: this.#runtime, events: this.#events, onChange: (uid) => this.#schedule(uid, 0) });
      this.#verdicts = this.#probes;
    }
  }

  /** Starts noticing container exits; pods are synced whether or not this runs. */
  start(): void {
    if (this.#relistTimer || this.#stopped) return;
    const loop = async () => {
      await this.#relist();
      if (!this.#stopped) this.#relistTimer = unrefTimer(setTimeout(loop, this.#relistMs));
    };
    this.#relistTimer = unrefTimer(setTimeout(loop, this.#relistMs));
  }

  /** Stops all loops and probes and waits for running syncs; containers keep running for the next kubelet to adopt. */
  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#relistTimer);
    this.#probes?.stop();
    for (const worker of this.#workers.values()) clearTimeout(worker.timer);
    await Promise.allSettled([...this.#workers.values()].map((w) => w.running));
  }

  /** The desired state of a pod bound to this node; a deletionTimestamp starts graceful termination. */
  updatePod(pod: Pod): void {
    const uid = pod.metadata?.uid;
    if (!uid || this.#stopped) return;
    if (this.#finished.has(uid)) {
      // Already gone: confirm again so the caller can retry removing the API object.
      if (pod.metadata?.deletionTimestamp) this.#options.onTerminated?.(pod);
      return;
    }
    let worker = this.#workers.get(uid);
    if (!worker) {
      const starting = !pod.status?.phase || pod.status.phase === 'Pending';
      worker = { uid, pod, reasons: new Map(), dirty: false, failures: 0, setupFailures: 0, terminatedPhaseKilled: false, ...(starting && { firstSeenAt: performance.now() }) };
      this.#workers.set(uid, worker);
    } else {
      worker.pod = pod;
    }
    if (!worker.terminating) this.#probes?.addPod(pod);
    this.#schedule(uid, 0);
  }

  /**
   * Stops a pod now: SIGTERM with the grace period (the pod's unless given), then removes its
   * containers, sandbox and volumes. Used for deleted pods; resolves when everything is gone.
   */
  terminatePod(uid: string, gracePeriodSeconds?: number): Promise<void> {
    const worker = this.#workers.get(uid);
    if (!worker) return Promise.resolve();
    return this.#terminate(worker, gracePeriodSeconds);
  }

  getStatus(uid: string): PodStatus | undefined {
    return this.#workers.get(uid)?.status;
  }

  knownPods(): string[] {
    return [...this.#workers.keys()];
  }

  /**
   * Kubernetes' HandlePodCleanups: kills and removes containers and volumes of pods that are
   * neither in `desired` nor handled by a worker (e.g. deleted while the kubelet was down).
   * Returns the uids it cleaned up.
   */
  async cleanupOrphans(desired: Iterable<string>): Promise<string[]> {
    const keep = new Set(desired);
    for (const uid of this.#workers.keys()) keep.add(uid);
    const cleaned = new Set<string>();
    for (const pod of await this.#runtime.listPods()) {
      if (keep.has(pod.uid)) continue;
      this.#log.info({ pod: pod.name, namespace: pod.namespace, uid: pod.uid }, 'removing containers of an unknown pod');
      await this.#runtime.killPod(pod);
      await this.#runtime.removePod(pod.uid);
      cleaned.add(pod.uid);
    }
    for (const uid of await this.#options.volumes.podsOnDisk()) {
      if (keep.has(uid)) continue;
      await this.#options.volumes.tearDown(uid);
      cleaned.add(uid);
    }
    return [...cleaned];
  }

  #schedule(uid: string, delayMs: number): void {
    const worker = this.#workers.get(uid);
    if (!worker || this.#stopped) return;
    const at = Date.now() + delayMs;
    if (worker.timer && worker.timerAt !== undefined && worker.timerAt <= at) return;
    clearTimeout(worker.timer);
    worker.timerAt = at;
    worker.timer = unrefTimer(setTimeout(() => this.#run(worker), delayMs));
  }

  #run(worker: Worker): void {
    worker.timer = undefined;
    worker.timerAt = undefined;
    if (this.#stopped || this.#workers.get(worker.uid) !== worker) return;
    if (worker.running) {
      worker.dirty = true;
      return;
    }
    worker.running = this.#syncWorker(worker)
      .then((nextMs) => {
        worker.failures = 0;
        return nextMs;
      })
      .catch((err: unknown) => {
        worker.failures++;
        this.#log.warn({ pod: worker.pod.metadata?.name, err: err instanceof Error ? err.message : String(err) }, 'pod sync failed');
        return Math.min(ERROR_RETRY_MAX_MS, ERROR_RETRY_INITIAL_MS * 2 ** (worker.failures - 1));
      })
      .then((nextMs) => {
        worker.running = undefined;
        if (worker.dirty) {
          worker.dirty = false;
          this.#schedule(worker.uid, 0);
        } else if (nextMs !== undefined) {
          this.#schedule(worker.uid, nextMs);
        }
      });
  }

  /** One sync; returns when to sync again (undefined: only on events). */
  async #syncWorker(worker: Worker): Promise<number | undefined> {
    const { pod } = worker;
    if (pod.metadata?.deletionTimestamp) {
      await this.#terminate(worker, pod.metadata.deletionGracePeriodSeconds ?? undefined);
      return undefined;
    }
    if (worker.terminating) return undefined;
    const identity = podIdentity(pod);

    if (worker.status?.phase === 'Succeeded' || worker.status?.phase === 'Failed') {
      if (!worker.terminatedPhaseKilled) {
        await this.#runtime.killPod(identity, podGracePeriodSeconds(pod));
        worker.terminatedPhaseKilled = true;
        this.#probes?.removePod(worker.uid);
      }
      this.#report(worker, await this.#runtime.getPodStatus(identity));
      return undefined;
    }

    // The volumes are set up (a token request, files on the kubelet's tmpfs) while the engine is
    // asked what the pod has, and on a new pod's first try while the engine makes its sandbox
    // too, which does not need them; only containers wait for them. Any other sync waits for the
    // volumes before anything changes, as in Kubernetes.
    const volumes = awaitedLater(setUpVolumes(this.#options.volumes, pod));
    const before = this.#knownEmpty(worker) ? { ...identity, sandboxes: [], containers: [] } : await this.#runtime.getPodStatus(identity);
    worker.synced = true;
    const firstTry = worker.setupFailures === 0 && before.sandboxes.length === 0 && before.containers.length === 0;
    if (!firstTry) {
      const ready = await volumes;
      if (ready instanceof PodVolumesError) return this.#volumesFailed(worker, ready, before);
    }
    const volumePaths = awaitedLater(volumes.then((ready) => (ready instanceof PodVolumesError ? new Map() : ready)));

    const syncStartedAt = Date.now();
    const result = await this.#runtime.syncPod(pod, before, {
      backoff: this.#backoff,
      options: containerOptionsProvider({
        objects: this.#options.objects,
        volumes: this.#options.volumes,
        volumePaths,
        hostIP: this.#options.nodeIP,
        events: this.#events,
        ...(this.#options.nodeAllocatable && { nodeAllocatable: this.#options.nodeAllocatable }),
      }),
      probes: this.#verdicts,
      events: this.#events,
      volumesReady: awaitedLater(volumes.then((ready) => !(ready instanceof PodVolumesError))),
    });
    updateReasons(worker.reasons, result);
    const changed = result.containers.length > 0 || result.sandboxError !== undefined;
    const after = result.status ?? (changed ? await this.#runtime.getPodStatus(identity) : before);
    const ready = await volumes;
    if (ready instanceof PodVolumesError) {
      // The sandbox made meanwhile goes again: a pod whose volumes are not set up has no containers.
      await this.#runtime.killPod(identity);
      await this.#runtime.removePod(worker.uid);
      return this.#volumesFailed(worker, ready, before);
    }
    // What this sync did is already seen; the next relist should not wake the pod for it again.
    // What it made counts as running: one that already exited (a crash at once) is news.
    this.#lastRelist.set(worker.uid, runtimeSignature(after, syncStartedAt - CLOCK_SLACK_MS));
    this.#report(worker, after);

    let next = this.#resyncMs;
    if (result.retryAfterMs !== undefined) next = Math.min(next, Math.max(0, result.retryAfterMs));
    if (result.containers.some((c) => c.error?.reason === 'ErrImagePull')) next = Math.min(next, IMAGE_PULL_RECHECK_MS);
    if (result.sandboxError !== undefined) return Math.min(next, setupRetryDelay(worker));
    worker.setupFailures = 0;
    return next;
  }

  /** FailedMount events, the pod's status, and a retry soon. */
  #volumesFailed(worker: Worker, failed: PodVolumesError, status: RuntimePodStatus): number {
    for (const failure of failed.failures) this.#events.event(worker.pod, 'Warning', 'FailedMount', failure.message);
    this.#report(worker, status);
    return setupRetryDelay(worker);
  }

  #report(worker: Worker, runtimeStatus: RuntimePodStatus, terminal = false): void {
    const status = generatePodStatus({
      pod: worker.pod,
      runtime: runtimeStatus,
      previous: worker.status ?? worker.pod.status,
      reasons: worker.reasons,
      hostIP: this.#options.nodeIP,
      probes: this.#verdicts,
      terminal,
    });
    worker.status = status;
    if (worker.firstSeenAt !== undefined && status.phase === 'Running') {
      observePodStart((performance.now() - worker.firstSeenAt) / 1000);
      worker.firstSeenAt = undefined;
    }
    if (!terminal) this.#probes?.updateStatus(worker.uid, status);
    const text = JSON.stringify(status);
    if (text === worker.reported) return;
    worker.reported = text;
    this.#options.onStatus?.(worker.pod, status);
  }

  #terminate(worker: Worker, gracePeriodSeconds: number | undefined): Promise<void> {
    if (!worker.terminating) {
      clearTimeout(worker.timer);
      this.#probes?.removePod(worker.uid);
      worker.terminating = this.#terminateOnce(worker, gracePeriodSeconds ?? podGracePeriodSeconds(worker.pod)).catch((err: unknown) => {
        // Docker trouble: let a later updatePod or terminatePod try again.
        worker.terminating = undefined;
        throw err;
      });
    }
    return worker.terminating;
  }

  async #terminateOnce(worker: Worker, gracePeriodSeconds: number): Promise<void> {
    const { pod } = worker;
    const identity = podIdentity(pod);
    await this.#runtime.killPod(identity, gracePeriodSeconds, { pod, recorder: this.#events });
    this.#report(worker, await this.#runtime.getPodStatus(identity), true);
    await this.#runtime.removePod(worker.uid);
    await this.#options.volumes.tearDown(worker.uid);
    this.#workers.delete(worker.uid);
    this.#lastRelist.delete(worker.uid);
    const now = Date.now();
    for (const [uid, at] of this.#finished) if (now - at > FINISHED_MEMORY_MS) this.#finished.delete(uid);
    this.#finished.set(worker.uid, now);
    this.#options.onTerminated?.(pod);
  }

  /**
   * Whether a pod has no containers without asking the engine (Kubernetes' kubelet reads a new
   * pod's state from the relist's cache too): nothing of it was synced in this process, and a
   * relist of this process found none of its containers. Only this pod's worker makes its
   * containers, so none can have appeared since; containers of an earlier kubelet's run were
   * there before any relist of this one.
   */
  #knownEmpty(worker: Worker): boolean {
    return !worker.synced && this.#relisted !== undefined && !this.#relisted.has(worker.uid);
  }

  /** Wakes the workers of pods whose containers changed state since the last listing. */
  async #relist(): Promise<void> {
    let pods: RuntimePod[];
    try {
      pods = await this.#runtime.listPods();
    } catch (err) {
      this.#log.warn({ err: err instanceof Error ? err.message : String(err) }, 'container relist failed');
      return;
    }
    const now = new Map<string, string>();
    for (const pod of pods) {
      now.set(pod.uid, relistSignature(pod.containers.map((c) => ({ id: c.id, running: c.state === 'running' }))));
    }
    this.#relisted = new Set(now.keys());
    for (const uid of new Set([...now.keys(), ...this.#lastRelist.keys()])) {
      // A pod in the middle of a sync is changing because of it; the sync records what it leaves behind.
      if (this.#workers.get(uid)?.running) continue;
      const signature = now.get(uid);
      if ((signature ?? '') === (this.#lastRelist.get(uid) ?? '')) continue;
      this.#schedule(uid, 0);
      if (signature === undefined) this.#lastRelist.delete(uid);
      else this.#lastRelist.set(uid, signature);
    }
  }
}

/** Which containers exist and which run: a change in it is a reason to sync (Kubernetes' PLEG events). */
function relistSignature(containers: Array<{ id: string; running: boolean }>): string {
  return containers
    .map((c) => `${c.id}:${c.running ? 1 : 0}`)
    .sort()
    .join(',');
}

/** The relist signature of a runtime status, with everything created since `madeSince` (epoch ms) as running. */
function runtimeSignature(status: RuntimePodStatus, madeSince: number): string {
  return relistSignature([
    ...status.sandboxes.map((s) => ({ id: s.id, running: s.ready || s.createdAt >= madeSince })),
    ...status.containers.map((c) => ({ id: c.id, running: c.state === 'running' || c.createdAt >= madeSince })),
  ]);
}

/** The pod's volume paths, or the volumes that could not be set up; any other failure throws. */
async function setUpVolumes(volumes: PodVolumes, pod: Pod): Promise<PodVolumePaths | PodVolumesError> {
  try {
    return await volumes.setUp(pod);
  } catch (err) {
    if (err instanceof PodVolumesError) return err;
    throw err;
  }
}

/**
 * A promise that may be awaited late or not at all (the sync stopped first): its failure is not an
 * unhandled rejection; whoever awaits it still gets it.
 */
function awaitedLater<T>(promise: Promise<T>): Promise<T> {
  promise.catch(() => undefined);
  return promise;
}

/** 1 s doubling to 30 s while volumes or the sandbox keep failing. */
function setupRetryDelay(worker: Worker): number {
  const delay = Math.min(ERROR_RETRY_MAX_MS, ERROR_RETRY_INITIAL_MS * 2 ** worker.setupFailures);
  worker.setupFailures++;
  return delay;
}

/** Kubernetes' reasonCache: a failed start is remembered, a successful one forgotten. */
function updateReasons(reasons: Map<string, WaitingReason>, result: PodSyncResult): void {
  for (const container of result.containers) {
    if (container.action !== 'start') continue;
    if (container.error) reasons.set(container.name, container.error);
    else reasons.delete(container.name);
  }
}

function unrefTimer(timer: NodeJS.Timeout): NodeJS.Timeout {
  timer.unref();
  return timer;
}
