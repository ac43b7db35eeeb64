import type { Container, Pod } from '../../../lib/api/generated/index.js';
import { hashContainer } from './labels.js';
import type { ProbeVerdicts, RuntimeContainerStatus, RuntimePodStatus, RuntimeSandboxStatus } from './types.js';

/**
 * The decision half of Kubernetes' SyncPod (computePodActions): given the pod spec and what runs,
 * what to kill and what to start. Pure, so every rule is unit-tested without Docker.
 */
interface ContainerToKill {
  id: string;
  name: string;
  /** For the `Killing` event: `Container web failed liveness probe, will be restarted`. */
  message: string;
}

export interface PodActions {
  /** Stop every container and the sandbox (a new sandbox is needed, or nothing should run). */
  killPod: boolean;
  createSandbox: boolean;
  /** The attempt number of the sandbox to create. */
  sandboxAttempt: number;
  /** The ready sandbox to start containers in, when one is kept. */
  sandboxId?: string;
  /** Index into spec.initContainers of the one init container to start now. */
  nextInitContainer?: number;
  /** Indexes into spec.containers. */
  containersToStart: number[];
  containersToKill: ContainerToKill[];
}

function restartPolicy(pod: Pod): 'Always' | 'OnFailure' | 'Never' {
  const policy = pod.spec?.restartPolicy;
  return policy === 'OnFailure' || policy === 'Never' ? policy : 'Always';
}

function shouldRestartOnFailure(pod: Pod): boolean {
  return restartPolicy(pod) !== 'Never';
}

/** The newest instance of a container, or undefined if none ever ran. */
export function latestContainerStatus(status: RuntimePodStatus, name: string): RuntimeContainerStatus | undefined {
  return status.containers.find((c) => c.name === name);
}

/**
 * The container `logs` reads: the newest instance of `name`, or with `previous` the one before it
 * (Kubernetes keeps one dead instance for `kubectl logs --previous`).
 */
export function containerIdFor(status: RuntimePodStatus, name: string, previous = false): string | undefined {
  return status.containers.filter((c) => c.name === name)[previous ? 1 : 0]?.id;
}

/** Kubernetes' ShouldContainerBeRestarted. */
export function shouldContainerBeRestarted(container: Container, pod: Pod, status: RuntimePodStatus): boolean {
  if (pod.metadata?.deletionTimestamp) return false;
  const latest = latestContainerStatus(status, container.name ?? '');
  if (!latest) return true;
  if (latest.state === 'running') return false;
  if (latest.state === 'unknown' || latest.state === 'created') return true;
  const policy = restartPolicy(pod);
  if (policy === 'Never') return false;
  if (policy === 'OnFailure' && latest.exitCode === 0) return false;
  return true;
}

function isInitContainerFailed(status: RuntimeContainerStatus): boolean {
  if (status.reason === 'OOMKilled') return true;
  if (status.state === 'exited' && status.exitCode !== 0) return true;
  return status.state === 'unknown';
}

interface InitProgress {
  /** The failed init container's status, when one failed. */
  failed?: RuntimeContainerStatus;
  /** Index of the init container to run next. */
  next?: number;
  done: boolean;
}

/** Kubernetes' findNextInitContainerToRun. */
export function nextInitContainer(pod: Pod, status: RuntimePodStatus): InitProgress {
  const inits = pod.spec?.initContainers ?? [];
  if (inits.length === 0) return { done: true };
  // A running app container means initialization finished earlier, even if the init containers
  // have since been removed; re-running them would be wrong.
  for (const container of pod.spec?.containers ?? []) {
    if (latestContainerStatus(status, container.name ?? '')?.state === 'running') return { done: true };
  }
  for (let i = inits.length - 1; i >= 0; i--) {
    const latest = latestContainerStatus(status, inits[i]?.name ?? '');
    if (latest && isInitContainerFailed(latest)) return { failed: latest, next: i, done: false };
  }
  for (let i = inits.length - 1; i >= 0; i--) {
    const latest = latestContainerStatus(status, inits[i]?.name ?? '');
    if (!latest) continue;
    if (latest.state === 'running') return { done: false };
    if (latest.state === 'exited') return i === inits.length - 1 ? { done: true } : { next: i + 1, done: false };
  }
  return { next: 0, done: false };
}

interface SandboxChange {
  create: boolean;
  attempt: number;
  sandboxId?: string;
}

/** Kubernetes' PodSandboxChanged. */
export function sandboxChanged(pod: Pod, sandboxes: RuntimeSandboxStatus[]): SandboxChange {
  const latest = sandboxes[0];
  if (!latest) return { create: true, attempt: 0 };
  const readyCount = sandboxes.filter((s) => s.ready).length;
  const next = { create: true, attempt: latest.attempt + 1, sandboxId: latest.id };
  if (readyCount > 1 || !latest.ready) return next;
  if (latest.hostNetwork !== Boolean(pod.spec?.hostNetwork)) return { create: true, attempt: latest.attempt + 1 };
  if (!latest.hostNetwork && !latest.ip) return next;
  return { create: false, attempt: latest.attempt, sandboxId: latest.id };
}

function containerSucceeded(container: Container, status: RuntimePodStatus): boolean {
  const latest = latestContainerStatus(status, container.name ?? '');
  return latest?.state === 'exited' && latest.exitCode === 0;
}

export function computePodActions(pod: Pod, status: RuntimePodStatus, probes: ProbeVerdicts): PodActions {
  const sandbox = sandboxChanged(pod, status.sandboxes);
  const actions: PodActions = {
    killPod: sandbox.create,
    createSandbox: sandbox.create,
    sandboxAttempt: sandbox.attempt,
    ...(sandbox.sandboxId !== undefined && { sandboxId: sandbox.sandboxId }),
    containersToStart: [],
    containersToKill: [],
  };
  const containers = pod.spec?.containers ?? [];
  const inits = pod.spec?.initContainers ?? [];

  // A new sandbox means everything restarts in it, init containers first.
  if (sandbox.create) {
    if (!shouldRestartOnFailure(pod) && sandbox.attempt !== 0 && status.containers.length > 0) {
      actions.createSandbox = false;
      return actions;
    }
    const toStart = containers
      .map((c, i) => ({ c, i }))
      .filter(({ c }) => !(restartPolicy(pod) === 'OnFailure' && containerSucceeded(c, status)))
      .map(({ i }) => i);
    if (toStart.length === 0 && nextInitContainer(pod, status).done) {
      actions.createSandbox = false;
      return actions;
    }
    if (inits.length > 0) actions.nextInitContainer = 0;
    else actions.containersToStart = toStart;
    return actions;
  }

  const init = nextInitContainer(pod, status);
  if (!init.done) {
    if (init.next !== undefined) {
      if (init.failed && !shouldRestartOnFailure(pod)) {
        actions.killPod = true;
      } else {
        if (init.failed?.state === 'unknown') {
          actions.containersToKill.push({ id: init.failed.id, name: init.failed.name, message: 'Container is in unknown state' });
        }
        actions.nextInitContainer = init.next;
      }
    }
    return actions;
  }

  let keepCount = 0;
  containers.forEach((container, index) => {
    const name = container.name ?? '';
    const latest = latestContainerStatus(status, name);
    if (!latest || latest.state !== 'running') {
      if (shouldContainerBeRestarted(container, pod, status)) {
        actions.containersToStart.push(index);
        if (latest?.state === 'unknown') {
          actions.containersToKill.push({ id: latest.id, name, message: 'Container is in unknown state, will be restarted' });
        }
      }
      return;
    }
    let message: string;
    let restart = shouldRestartOnFailure(pod);
    if (latest.hash !== hashContainer(container)) {
      message = `Container ${name} definition changed`;
      restart = true;
    } else if (probes.liveness(latest.id) === 'failure') {
      message = `Container ${name} failed liveness probe`;
    } else if (probes.startup(latest.id) === 'failure') {
      message = `Container ${name} failed startup probe`;
    } else {
      keepCount++;
      return;
    }
    if (restart) {
      message = `${message}, will be restarted`;
      actions.containersToStart.push(index);
    }
    actions.containersToKill.push({ id: latest.id, name, message });
  });

  if (keepCount === 0 && actions.containersToStart.length === 0) actions.killPod = true;
  return actions;
}
