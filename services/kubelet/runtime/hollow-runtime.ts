import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import type { Pod } from '../../../lib/api/generated/index.js';
import { podIdentity } from './container-config.js';
import { containerFieldPath, type EventRecorder } from './events.js';
import { hashContainer, type PodIdentity } from './labels.js';
import { computePodActions } from './pod-actions.js';
import type {
  ContainerRuntime,
  ExecResult,
  ExecSession,
  PodSyncResult,
  RuntimeContainerStatus,
  RuntimePod,
  RuntimePodStatus,
  RuntimeSandboxStatus,
  SyncPodContext,
} from './types.js';

export class HollowRuntimeError extends Error {
  override readonly name = 'HollowRuntimeError';
}

interface HollowPod extends PodIdentity {
  sandboxes: RuntimeSandboxStatus[];
  containers: RuntimeContainerStatus[];
}

/**
 * A runtime without containers, for scale simulations only (Kubernetes' hollow kubelet): every
 * container is running the moment it is started, init containers complete at the next relist, and pods get
 * IPs from 240.0.0.0/4, a reserved range nothing routes, so no traffic can reach a fake pod.
 * Run its pod workers with `probes: false` and `noVolumes`.
 */
export class HollowRuntime implements ContainerRuntime {
  readonly #pods = new Map<string, HollowPod>();
  #nextIP = 1;

  async version(): Promise<string> {
    return 'hollow://0.1.0';
  }

  async listPods(): Promise<RuntimePod[]> {
    // Init containers finish when next observed, as a real one would be seen exiting by the relist.
    const now = Date.now();
    for (const pod of this.#pods.values()) {
      for (const c of pod.containers) if (c.init && c.state === 'running') exit(c, now, 0, 'Completed');
    }
    return [...this.#pods.values()].map((pod) => ({
      uid: pod.uid,
      name: pod.name,
      namespace: pod.namespace,
      containers: [
        ...pod.containers.map((c) => ({ id: c.id, name: c.name, state: c.state, createdAt: c.createdAt, restartCount: c.restartCount, sandbox: false })),
        ...pod.sandboxes.map((s) => ({
          id: s.id,
          name: 'POD',
          state: s.ready ? ('running' as const) : ('exited' as const),
          createdAt: s.createdAt,
          restartCount: s.attempt,
          sandbox: true,
        })),
      ],
    }));
  }

  async getPodStatus(pod: PodIdentity): Promise<RuntimePodStatus> {
    const found = this.#pods.get(pod.uid);
    return {
      ...pod,
      sandboxes: (found?.sandboxes ?? []).map((s) => ({ ...s })),
      containers: (found?.containers ?? []).map((c) => ({ ...c })),
    };
  }

  async syncPod(pod: Pod, status: RuntimePodStatus, context: SyncPodContext): Promise<PodSyncResult> {
    const actions = computePodActions(pod, status, context.probes);
    const identity = podIdentity(pod);
    let hollow = this.#pods.get(identity.uid);
    if (!hollow) {
      hollow = { ...identity, sandboxes: [], containers: [] };
      this.#pods.set(identity.uid, hollow);
    }
    const now = Date.now();
    const result: PodSyncResult = { containers: [] };
    if (actions.killPod) this.#stop(hollow, now);
    for (const kill of actions.containersToKill) {
      const target = hollow.containers.find((c) => c.id === kill.id);
      if (target) exit(target, now, 137, 'Error');
      result.containers.push({ name: kill.name, init: target?.init ?? false, action: 'kill' });
    }
    if (actions.createSandbox) {
      hollow.sandboxes.unshift({ id: fakeId(), ready: true, ip: this.#allocateIP(), attempt: actions.sandboxAttempt, createdAt: now, hostNetwork: Boolean(pod.spec?.hostNetwork) });
    }
    if (context.volumesReady && !(await context.volumesReady)) return result;
    const start = (index: number, init: boolean) => {
      const container = (init ? pod.spec?.initContainers : pod.spec?.containers)?.[index];
      if (!container) return;
      const name = container.name ?? '';
      const previous = hollow.containers.find((c) => c.name === name);
      const started: RuntimeContainerStatus = {
        id: fakeId(),
        name,
        state: 'running',
        createdAt: now,
        startedAt: now,
        image: container.image ?? '',
        imageRef: `docker://sha256:${'0'.repeat(64)}`,
        restartCount: previous ? previous.restartCount + 1 : 0,
        hash: hashContainer(container),
        init,
      };
      hollow.containers.unshift(started);
      result.containers.push({ name, init, action: 'start' });
    };
    if (actions.nextInitContainer !== undefined) start(actions.nextInitContainer, true);
    else for (const index of actions.containersToStart) start(index, false);
    return result;
  }

  async killPod(pod: PodIdentity, _gracePeriodSeconds?: number, events?: { pod: Pod; recorder: EventRecorder }): Promise<void> {
    const hollow = this.#pods.get(pod.uid);
    if (!hollow) return;
    for (const c of hollow.containers) {
      if (c.state === 'running' && events) {
        events.recorder.event(events.pod, 'Normal', 'Killing', `Stopping container ${c.name}`, containerFieldPath(c.name, c.init));
      }
    }
    this.#stop(hollow, Date.now());
  }

  async removePod(uid: string): Promise<void> {
    this.#pods.delete(uid);
  }

  async logs(): Promise<Readable> {
    return Readable.from([]);
  }

  async exec(): Promise<ExecSession> {
    throw new HollowRuntimeError('the hollow runtime runs no containers to exec into');
  }

  async attach(): Promise<ExecSession> {
    throw new HollowRuntimeError('the hollow runtime runs no containers to attach to');
  }

  async runInContainer(): Promise<ExecResult> {
    return { exitCode: 0, output: '', timedOut: false };
  }

  #stop(pod: HollowPod, now: number): void {
    for (const container of pod.containers) if (container.state === 'running') exit(container, now, 0, 'Completed');
    for (const sandbox of pod.sandboxes) sandbox.ready = false;
  }

  /** 240.0.0.1, 240.0.0.2, ...: class E addresses are never routed. */
  #allocateIP(): string {
    const n = this.#nextIP++;
    return `240.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}`;
  }
}

function exit(container: RuntimeContainerStatus, now: number, exitCode: number, reason: string): void {
  container.state = 'exited';
  container.exitCode = exitCode;
  container.reason = reason;
  container.finishedAt = now;
}

function fakeId(): string {
  return randomBytes(32).toString('hex');
}
