import type { Container, Pod, PodStatus, Probe } from '../../../../lib/api/generated/index.js';
import { containerFieldPath, type EventRecorder } from '../../runtime/events.js';
import type { ContainerRuntime, ProbeVerdict, ProbeVerdicts } from '../../runtime/types.js';
import type { ContainerProbeState } from '../status.js';
import { probeTiming, runProbe, type ProbeKind, type ProbeOutcome, type ProbeTiming } from './prober.js';

export interface ProbeManagerOptions {
  runtime: Pick<ContainerRuntime, 'runInContainer'>;
  events: EventRecorder;
  /** A verdict changed for a container of this pod; the pod worker should sync. */
  onChange: (podUid: string) => void;
  now?: () => number;
  /** Replaces the real prober (tests, hollow nodes). */
  probe?: (probe: Probe, target: { pod: Pod; container: Container; containerId: string; podIP: string }) => Promise<ProbeOutcome>;
}

type Result = 'success' | 'failure';

const KIND_TITLE: Record<ProbeKind, string> = { liveness: 'Liveness', readiness: 'Readiness', startup: 'Startup' };

/**
 * Kubernetes' prober manager: one worker per container and probe kind, results by container id.
 * Liveness and startup verdicts drive restarts (via ProbeVerdicts); readiness and startup drive the
 * container's `ready` and `started` flags (via ContainerProbeState).
 */
export class ProbeManager implements ProbeVerdicts, ContainerProbeState {
  readonly #options: ProbeManagerOptions;
  readonly #workers = new Map<string, ProbeWorker[]>();
  readonly #pods = new Map<string, { pod: Pod; status?: PodStatus }>();
  readonly #results: Record<ProbeKind, Map<string, Result>> = { liveness: new Map(), readiness: new Map(), startup: new Map() };
  readonly #now: () => number;

  constructor(options: ProbeManagerOptions) {
    this.#options = options;
    this.#now = options.now ?? Date.now;
  }

  /** Starts workers for the pod's probes (once) and remembers the latest spec. */
  addPod(pod: Pod): void {
    const uid = pod.metadata?.uid ?? '';
    const known = this.#pods.get(uid);
    this.#pods.set(uid, { pod, ...(known?.status && { status: known.status }) });
    if (this.#workers.has(uid)) return;
    const workers: ProbeWorker[] = [];
    for (const container of pod.spec?.containers ?? []) {
      const probes: Array<[ProbeKind, Probe | undefined]> = [
        ['startup', container.startupProbe],
        ['readiness', container.readinessProbe],
        ['liveness', container.livenessProbe],
      ];
      for (const [kind, probe] of probes) if (probe) workers.push(new ProbeWorker(this, uid, container, kind, probe));
    }
    this.#workers.set(uid, workers);
    for (const worker of workers) worker.start();
  }

  /** The status the pod worker just computed: which container instance runs and since when. */
  updateStatus(uid: string, status: PodStatus): void {
    const entry = this.#pods.get(uid);
    if (!entry) return;
    entry.status = status;
    for (const worker of this.#workers.get(uid) ?? []) worker.statusChanged();
  }

  removePod(uid: string): void {
    for (const worker of this.#workers.get(uid) ?? []) worker.stop();
    this.#workers.delete(uid);
    this.#pods.delete(uid);
  }

  stop(): void {
    for (const uid of [...this.#workers.keys()]) this.removePod(uid);
  }

  liveness(containerId: string): ProbeVerdict {
    return this.#results.liveness.get(containerId) ?? 'unknown';
  }

  startup(containerId: string): ProbeVerdict {
    return this.#results.startup.get(containerId) ?? 'unknown';
  }

  started(container: Container, containerId: string): boolean {
    return !container.startupProbe || this.#results.startup.get(containerId) === 'success';
  }

  ready(container: Container, containerId: string): boolean {
    return !container.readinessProbe || this.#results.readiness.get(containerId) === 'success';
  }

  /** @internal for workers */
  podState(uid: string): { pod: Pod; status?: PodStatus } | undefined {
    return this.#pods.get(uid);
  }

  /** @internal for workers */
  now(): number {
    return this.#now();
  }

  /** @internal for workers */
  setResult(uid: string, kind: ProbeKind, containerId: string, result: Result | undefined): void {
    const results = this.#results[kind];
    const before = results.get(containerId);
    if (result === undefined) results.delete(containerId);
    else results.set(containerId, result);
    if (before !== result) this.#options.onChange(uid);
  }

  /** @internal for workers */
  async probe(kind: ProbeKind, probe: Probe, pod: Pod, container: Container, containerId: string, podIP: string): Promise<ProbeOutcome> {
    const outcome = this.#options.probe
      ? await this.#options.probe(probe, { pod, container, containerId, podIP })
      : await runProbe(probe, { container, containerId, podIP, runtime: this.#options.runtime });
    if (!outcome.success) {
      this.#options.events.event(
        pod,
        'Warning',
        'Unhealthy',
        `${KIND_TITLE[kind]} probe failed: ${outcome.output.trim()}`,
        containerFieldPath(container.name ?? '', false),
      );
    }
    return outcome;
  }
}

/** Kubernetes' prober worker: probes one container on a period, with thresholds and holds. */
class ProbeWorker {
  readonly #manager: ProbeManager;
  readonly #uid: string;
  readonly #container: Container;
  readonly #kind: ProbeKind;
  readonly #probe: Probe;
  readonly #timing: ProbeTiming;
  #containerId = '';
  #onHold = false;
  #lastResult: Result | undefined;
  #resultRun = 0;
  #timer: NodeJS.Timeout | undefined;
  #probing = false;
  #stopped = false;

  constructor(manager: ProbeManager, uid: string, container: Container, kind: ProbeKind, probe: Probe) {
    this.#manager = manager;
    this.#uid = uid;
    this.#container = container;
    this.#kind = kind;
    this.#probe = probe;
    this.#timing = probeTiming(probe);
  }

  start(): void {
    this.#schedule(0);
  }

  stop(): void {
    this.#stopped = true;
    clearTimeout(this.#timer);
    if (this.#containerId) this.#manager.setResult(this.#uid, this.#kind, this.#containerId, undefined);
  }

  /** A new running container gets its readiness checked at once, as Kubernetes' manual trigger does. */
  statusChanged(): void {
    if (this.#kind !== 'readiness' || this.#probing || this.#stopped) return;
    const current = this.#currentContainer();
    if (current?.state?.running && current.containerID && current.containerID !== this.#dockerId()) this.#schedule(0);
  }

  #dockerId(): string {
    return this.#containerId ? `docker://${this.#containerId}` : '';
  }

  #currentContainer() {
    return this.#manager.podState(this.#uid)?.status?.containerStatuses?.find((c) => c.name === this.#container.name);
  }

  #schedule(delayMs: number): void {
    if (this.#stopped) return;
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => void this.#tick(), delayMs);
    this.#timer.unref();
  }

  async #tick(): Promise<void> {
    if (this.#stopped || this.#probing) return;
    this.#probing = true;
    let keepGoing = true;
    try {
      keepGoing = await this.#doProbe();
    } catch {
      // A probe that cannot run (bad port name, Docker trouble) is retried next period.
    } finally {
      this.#probing = false;
    }
    if (keepGoing) this.#schedule(this.#timing.periodSeconds * 1000);
  }

  async #doProbe(): Promise<boolean> {
    const state = this.#manager.podState(this.#uid);
    const status = state?.status;
    if (!state || !status) return true;
    if (status.phase === 'Failed' || status.phase === 'Succeeded') return false;
    const current = status.containerStatuses?.find((c) => c.name === this.#container.name);
    if (!current?.containerID) return true;
    const id = current.containerID.replace(/^docker:\/\//, '');
    if (id !== this.#containerId) {
      if (this.#containerId) this.#manager.setResult(this.#uid, this.#kind, this.#containerId, undefined);
      this.#containerId = id;
      this.#lastResult = undefined;
      this.#resultRun = 0;
      const initial = this.#kind === 'readiness' ? 'failure' : this.#kind === 'liveness' ? 'success' : undefined;
      this.#manager.setResult(this.#uid, this.#kind, id, initial);
      this.#onHold = false;
    }
    if (this.#onHold) return true;
    if (!current.state?.running) {
      this.#manager.setResult(this.#uid, this.#kind, id, 'failure');
      return !current.state?.terminated || (state.pod.spec?.restartPolicy || 'Always') !== 'Never';
    }
    if (state.pod.metadata?.deletionTimestamp && this.#kind !== 'readiness') {
      this.#manager.setResult(this.#uid, this.#kind, id, 'success');
      return false;
    }
    const startedAt = Date.parse(current.state.running.startedAt ?? '');
    if (Number.isFinite(startedAt) && Math.floor((this.#manager.now() - startedAt) / 1000) < this.#timing.initialDelaySeconds) return true;
    if (current.started) {
      if (this.#kind === 'startup') return true;
    } else if (this.#kind !== 'startup') {
      return true;
    }

    const outcome = await this.#manager.probe(this.#kind, this.#probe, state.pod, this.#container, id, status.podIP ?? '');
    if (this.#stopped || id !== this.#containerId) return !this.#stopped;
    const result: Result = outcome.success ? 'success' : 'failure';
    if (result === this.#lastResult) this.#resultRun++;
    else {
      this.#lastResult = result;
      this.#resultRun = 1;
    }
    const threshold = result === 'failure' ? this.#timing.failureThreshold : this.#timing.successThreshold;
    if (this.#resultRun < threshold) return true;
    this.#manager.setResult(this.#uid, this.#kind, id, result);
    if (this.#kind !== 'readiness' && result === 'failure') {
      // The container will be restarted; probe again only once a new container shows up.
      this.#onHold = true;
      this.#resultRun = 0;
    }
    return true;
  }
}
