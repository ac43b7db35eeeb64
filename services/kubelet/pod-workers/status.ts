import type { Condition, Container, ContainerState, ContainerStatus, Pod, PodStatus } from '../../../lib/api/generated/index.js';
import { latestContainerStatus, shouldContainerBeRestarted } from '../runtime/pod-actions.js';
import { podQOSClass } from '../runtime/qos.js';
import type { RuntimeContainerStatus, RuntimePodStatus } from '../runtime/types.js';

/** The last start failure of a container (Kubernetes' reasonCache entry). */
export interface WaitingReason {
  reason: string;
  message: string;
}

/** Readiness and startup as the prober sees them; without probes a running container is both. */
export interface ContainerProbeState {
  started(container: Container, containerId: string): boolean;
  ready(container: Container, containerId: string): boolean;
}

export const noProbes: ContainerProbeState = { started: () => true, ready: () => true };

export interface StatusInput {
  pod: Pod;
  runtime: RuntimePodStatus;
  /** The status last reported (or the pod's current status): keeps transition times and terminal phases. */
  previous?: PodStatus | undefined;
  /** Waiting reasons by container name, from the last sync. */
  reasons: ReadonlyMap<string, WaitingReason>;
  hostIP: string;
  probes: ContainerProbeState;
  /** The pod is being shut down: all-stopped means finished, whatever the restart policy. */
  terminal?: boolean;
  now?: () => number;
}

/** RFC 3339 at second precision, as Kubernetes' metav1.Time serializes. */
export function rfc3339(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** Kubernetes' generateAPIPodStatus: what a user sees of a pod, derived from what runs. */
export function generatePodStatus(input: StatusInput): PodStatus {
  const { pod, runtime, previous } = input;
  const now = input.now ?? Date.now;
  const initContainers = pod.spec?.initContainers ?? [];
  const containers = pod.spec?.containers ?? [];
  const hasInit = initContainers.length > 0;

  const initStatuses = containerStatuses(input, initContainers, previous?.initContainerStatuses, true, hasInit);
  const appStatuses = containerStatuses(input, containers, previous?.containerStatuses, false, hasInit);
  for (const status of initStatuses) status.ready = status.state?.terminated?.exitCode === 0;
  for (const status of appStatuses) applyProbeState(status, containers, input.probes);

  let phase = podPhase(pod, initStatuses, appStatuses, Boolean(input.terminal));
  if (previous?.phase === 'Succeeded' || previous?.phase === 'Failed') phase = previous.phase;

  const sandbox = runtime.sandboxes[0];
  const podIP = pod.spec?.hostNetwork ? (sandbox?.ready ? input.hostIP : '') : sandbox?.ready ? sandbox.ip ?? '' : '';
  const conditions = [
    initializedCondition(pod, initStatuses, appStatuses, phase),
    readyCondition(pod, appStatuses, phase, 'Ready'),
    readyCondition(pod, appStatuses, phase, 'ContainersReady'),
    previous?.conditions?.find((c) => c.type === 'PodScheduled') ?? pod.status?.conditions?.find((c) => c.type === 'PodScheduled') ?? {
      type: 'PodScheduled',
      status: 'True',
    },
  ];
  const oldConditions = previous?.conditions ?? pod.status?.conditions ?? [];
  const stamped = conditions.map((condition) => withTransitionTime(condition, oldConditions, now));

  const status: PodStatus = {
    phase,
    conditions: stamped,
    startTime: previous?.startTime || pod.status?.startTime || rfc3339(now()),
    containerStatuses: appStatuses,
    qosClass: podQOSClass(pod),
  };
  // Kubernetes 1.28+ lists every address of the node and the pod; the singular fields are the first.
  if (input.hostIP) {
    status.hostIP = input.hostIP;
    status.hostIPs = [{ ip: input.hostIP }];
  }
  if (podIP) {
    status.podIP = podIP;
    status.podIPs = [{ ip: podIP }];
  }
  if (hasInit) status.initContainerStatuses = initStatuses;
  return status;
}

function withTransitionTime(condition: Condition, old: Condition[], now: () => number): Condition {
  const before = old.find((c) => c.type === condition.type);
  const lastTransitionTime = before && before.status === condition.status && before.lastTransitionTime ? before.lastTransitionTime : rfc3339(now());
  return { ...condition, lastTransitionTime };
}

function containerStatuses(
  input: StatusInput,
  specs: Container[],
  previous: ContainerStatus[] | undefined,
  init: boolean,
  hasInit: boolean,
): ContainerStatus[] {
  const { pod, runtime, reasons } = input;
  const defaultWaiting: ContainerState = { waiting: { reason: hasInit ? 'PodInitializing' : 'ContainerCreating' } };
  const statuses = new Map<string, ContainerStatus>();
  for (const spec of specs) {
    const name = spec.name ?? '';
    const old = previous?.find((s) => s.name === name);
    let status: ContainerStatus = { name, state: defaultWaiting, lastState: {}, ready: false, restartCount: 0, image: spec.image ?? '', imageID: '' };
    if (old?.state?.terminated) status = { ...old };
    else if (old) status = { ...status, restartCount: old.restartCount ?? 0, lastState: old.lastState ?? {} };
    statuses.set(name, status);
  }

  const seen = new Map<string, number>();
  for (const instance of runtime.containers) {
    const current = statuses.get(instance.name);
    if (!current || instance.init !== init) continue;
    const count = seen.get(instance.name) ?? 0;
    if (count >= 2) continue;
    const old = previous?.find((s) => s.name === instance.name);
    const converted = convertContainerStatus(instance, old, current.image ?? '');
    if (count === 0) statuses.set(instance.name, converted);
    else current.lastState = converted.state ?? {};
    seen.set(instance.name, count + 1);
  }

  for (const spec of specs) {
    const name = spec.name ?? '';
    if (init) {
      const latest = latestContainerStatus(runtime, name);
      if (latest?.state === 'exited' && latest.exitCode === 0) continue;
    }
    if (!shouldContainerBeRestarted(spec, pod, runtime)) continue;
    const reason = reasons.get(name);
    const status = statuses.get(name);
    if (!reason || !status) continue;
    if (status.state?.terminated) status.lastState = status.state;
    status.state = { waiting: { reason: reason.reason, message: reason.message } };
  }
  return specs.map((spec) => statuses.get(spec.name ?? '') as ContainerStatus);
}

function convertContainerStatus(instance: RuntimeContainerStatus, old: ContainerStatus | undefined, image: string): ContainerStatus {
  const containerID = `docker://${instance.id}`;
  const status: ContainerStatus = {
    name: instance.name,
    state: {},
    lastState: {},
    ready: false,
    restartCount: instance.restartCount,
    image,
    imageID: instance.imageRef,
    containerID,
  };
  switch (instance.state) {
    case 'running':
      status.state = { running: { startedAt: rfc3339(instance.startedAt ?? instance.createdAt) } };
      break;
    case 'created':
      status.state = { waiting: {} };
      break;
    case 'exited':
      status.state = {
        terminated: {
          exitCode: instance.exitCode ?? 0,
          reason: instance.reason ?? '',
          ...(instance.message && { message: instance.message }),
          startedAt: rfc3339(instance.startedAt ?? instance.createdAt),
          finishedAt: rfc3339(instance.finishedAt ?? instance.createdAt),
          containerID,
        },
      };
      break;
    default:
      if (old?.state?.running) {
        status.state = {
          terminated: { reason: 'ContainerStatusUnknown', message: 'The container could not be located when the pod was terminated', exitCode: 137 },
        };
        status.restartCount = (old.restartCount ?? 0) + 1;
      } else {
        status.state = { waiting: {} };
      }
  }
  return status;
}

function applyProbeState(status: ContainerStatus, specs: Container[], probes: ContainerProbeState): void {
  const spec = specs.find((c) => c.name === status.name);
  const id = status.containerID?.replace(/^docker:\/\//, '') ?? '';
  const running = Boolean(status.state?.running);
  const started = running && spec !== undefined && probes.started(spec, id);
  status.started = started;
  status.ready = started && spec !== undefined && probes.ready(spec, id);
}

/** Kubernetes' getPhase. */
function podPhase(pod: Pod, initStatuses: ContainerStatus[], statuses: ContainerStatus[], terminal: boolean): string {
  const restartPolicy = pod.spec?.restartPolicy || 'Always';
  let pendingInitialization = 0;
  let failedInitialization = 0;
  for (const status of initStatuses) {
    const state = status.state ?? {};
    if (state.running) pendingInitialization++;
    else if (state.terminated) {
      if (state.terminated.exitCode !== 0) failedInitialization++;
    } else if (state.waiting) {
      if (status.lastState?.terminated) {
        if (status.lastState.terminated.exitCode !== 0) failedInitialization++;
      } else pendingInitialization++;
    } else pendingInitialization++;
  }
  let unknown = 0;
  let running = 0;
  let waiting = 0;
  let stopped = 0;
  let succeeded = 0;
  for (const status of statuses) {
    const state = status.state ?? {};
    if (state.running) running++;
    else if (state.terminated) {
      stopped++;
      if (state.terminated.exitCode === 0) succeeded++;
    } else if (state.waiting) {
      if (status.lastState?.terminated) stopped++;
      else waiting++;
    } else unknown++;
  }
  if (failedInitialization > 0 && restartPolicy === 'Never') return 'Failed';
  const anyStarted = statuses.some((s) => s.state?.running || s.state?.terminated || s.lastState?.terminated);
  if ((pendingInitialization > 0 && !anyStarted) || waiting > 0) return 'Pending';
  if (running > 0 && unknown === 0) return 'Running';
  if (running === 0 && stopped > 0 && unknown === 0) {
    if (terminal) return stopped === succeeded ? 'Succeeded' : 'Failed';
    if (restartPolicy === 'Always') return 'Running';
    if (stopped === succeeded) return 'Succeeded';
    if (restartPolicy === 'Never') return 'Failed';
    return 'Running';
  }
  return 'Pending';
}

/** Go prints a []string as `[a b]`. */
function goList(names: string[]): string {
  return `[${names.join(' ')}]`;
}

function initializedCondition(pod: Pod, initStatuses: ContainerStatus[], statuses: ContainerStatus[], phase: string): Condition {
  const incomplete = (pod.spec?.initContainers ?? [])
    .map((c) => c.name ?? '')
    .filter((name) => initStatuses.find((s) => s.name === name)?.state?.terminated?.exitCode !== 0);
  if (phase === 'Succeeded') return { type: 'Initialized', status: 'True', reason: 'PodCompleted' };
  const anyStarted = statuses.some((s) => s.state?.running || s.state?.terminated || s.lastState?.terminated);
  if (incomplete.length === 0 || anyStarted) return { type: 'Initialized', status: 'True' };
  return { type: 'Initialized', status: 'False', reason: 'ContainersNotInitialized', message: `containers with incomplete status: ${goList(incomplete)}` };
}

function readyCondition(pod: Pod, statuses: ContainerStatus[], phase: string, type: 'Ready' | 'ContainersReady'): Condition {
  if (phase === 'Succeeded') return { type, status: 'False', reason: 'PodCompleted' };
  if (phase === 'Failed') return { type, status: 'False', reason: 'PodFailed' };
  const unready = (pod.spec?.containers ?? [])
    .map((c) => c.name ?? '')
    .filter((name) => !statuses.find((s) => s.name === name)?.ready);
  if (unready.length > 0) return { type, status: 'False', reason: 'ContainersNotReady', message: `containers with unready status: ${goList(unready)}` };
  return { type, status: 'True' };
}
