import type { ContainerInfo, ContainerInspectInfo, ImageInspectInfo } from 'dockerode';
import {
  LABEL_CONTAINER_HASH,
  LABEL_CONTAINER_NAME,
  LABEL_CONTAINER_TYPE,
  LABEL_POD_NAME,
  LABEL_POD_NAMESPACE,
  LABEL_POD_UID,
  LABEL_RESTART_COUNT,
  numericLabel,
  SANDBOX_CONTAINER_NAME,
} from './labels.js';
import type { ContainerRunState, ContainerSummary, RuntimeContainerStatus, RuntimePod, RuntimeSandboxStatus } from './types.js';

/** Docker writes the zero time.Time for "never": `0001-01-01T00:00:00Z`. */
export function dockerTime(value: string | undefined): number | undefined {
  if (!value || value.startsWith('0001-01-01')) return undefined;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : ms;
}

/** The states dockershim derived from inspect; a container that never started but has an exit code failed to run. */
export function runStateFromInspect(state: ContainerInspectInfo['State']): ContainerRunState {
  if (state.Running || state.Paused || state.Restarting) return 'running';
  if (state.Status === 'dead' || state.Status === 'removing') return 'unknown';
  if (dockerTime(state.FinishedAt) !== undefined) return 'exited';
  if (state.ExitCode !== 0) return 'exited';
  return 'created';
}

/** `running`/`exited`/`created`, as `docker ps` reports them. */
function runStateFromListing(state: string): ContainerRunState {
  switch (state) {
    case 'running':
    case 'paused':
    case 'restarting':
      return 'running';
    case 'exited':
      return 'exited';
    case 'created':
      return 'created';
    default:
      return 'unknown';
  }
}

/** `docker-pullable://repo@sha256:...` when the image came from a registry, else `docker://sha256:...`. */
export function imageRefFromImage(image: Pick<ImageInspectInfo, 'Id' | 'RepoDigests'> | undefined, imageId: string): string {
  const digest = image?.RepoDigests?.[0];
  return digest ? `docker-pullable://${digest}` : `docker://${imageId}`;
}

/**
 * docker-init (tini) reports an unrunnable command itself, so with `Init: true` Docker sees an
 * ordinary exit 126/127 instead of a failed start. This matches tini's line from the log tail.
 */
export function cannotRunMessage(logTail: string): string | undefined {
  const match = /\[FATAL tini \(\d+\)\] (exec .* failed: .*)$/m.exec(logTail);
  return match?.[1]?.trim();
}

export function containerStatusFromInspect(info: ContainerInspectInfo, imageRef: string, cannotRun?: string): RuntimeContainerStatus {
  const labels = info.Config.Labels ?? {};
  const state = runStateFromInspect(info.State);
  const status: RuntimeContainerStatus = {
    id: info.Id,
    name: labels[LABEL_CONTAINER_NAME] ?? '',
    state,
    createdAt: dockerTime(info.Created) ?? 0,
    image: info.Config.Image,
    imageRef,
    restartCount: numericLabel(labels, LABEL_RESTART_COUNT, 0),
    hash: labels[LABEL_CONTAINER_HASH] ?? '',
    init: labels[LABEL_CONTAINER_TYPE] === 'init',
  };
  const startedAt = dockerTime(info.State.StartedAt);
  const finishedAt = dockerTime(info.State.FinishedAt);
  if (startedAt !== undefined) status.startedAt = startedAt;
  if (state !== 'exited') return status;
  status.exitCode = info.State.ExitCode;
  if (finishedAt === undefined) {
    // Docker refused to start it: report the failure at creation time, as dockershim did.
    status.startedAt = status.createdAt;
    status.finishedAt = status.createdAt;
    status.reason = 'ContainerCannotRun';
  } else {
    status.finishedAt = finishedAt;
    if (info.State.OOMKilled) status.reason = 'OOMKilled';
    else if (cannotRun !== undefined) status.reason = 'ContainerCannotRun';
    else status.reason = info.State.ExitCode === 0 ? 'Completed' : 'Error';
  }
  const message = info.State.Error || cannotRun;
  if (message) status.message = message;
  return status;
}

export function sandboxStatusFromInspect(info: ContainerInspectInfo, network: string): RuntimeSandboxStatus {
  const hostNetwork = info.HostConfig.NetworkMode === 'host';
  const ip = hostNetwork ? undefined : info.NetworkSettings.Networks?.[network]?.IPAddress || undefined;
  return {
    id: info.Id,
    ready: info.State.Running,
    ...(ip !== undefined && { ip }),
    attempt: numericLabel(info.Config.Labels, LABEL_RESTART_COUNT, 0),
    createdAt: dockerTime(info.Created) ?? 0,
    hostNetwork,
  };
}

function summaryFromListing(info: ContainerInfo): ContainerSummary {
  const name = info.Labels[LABEL_CONTAINER_NAME] ?? '';
  return {
    id: info.Id,
    name,
    state: runStateFromListing(info.State),
    createdAt: info.Created * 1000,
    restartCount: numericLabel(info.Labels, LABEL_RESTART_COUNT, 0),
    sandbox: name === SANDBOX_CONTAINER_NAME,
  };
}

/** Groups a node's containers by pod uid, newest container first within each pod. */
export function groupByPod(listing: ContainerInfo[]): RuntimePod[] {
  const pods = new Map<string, RuntimePod>();
  for (const info of listing) {
    const uid = info.Labels[LABEL_POD_UID];
    if (!uid) continue;
    let pod = pods.get(uid);
    if (!pod) {
      pod = { uid, name: info.Labels[LABEL_POD_NAME] ?? '', namespace: info.Labels[LABEL_POD_NAMESPACE] ?? '', containers: [] };
      pods.set(uid, pod);
    }
    pod.containers.push(summaryFromListing(info));
  }
  for (const pod of pods.values()) pod.containers.sort(newestFirst);
  return [...pods.values()];
}

/** Newest first; the restart count breaks ties between containers made within the same second. */
export function newestFirst(a: { createdAt: number; restartCount: number }, b: { createdAt: number; restartCount: number }): number {
  return b.createdAt - a.createdAt || b.restartCount - a.restartCount;
}
