import type { ContainerState, ContainerStatus, Pod } from '../../api/generated/index.js';
import { age, humanDuration, parseTimestamp } from '../duration.js';
import type { KindPrinter, RowContext } from './types.js';

// `kubectl get pods`: READY counts ready running containers, STATUS condenses phase and container
// states into one word the way kubectl does (ContainerCreating, CrashLoopBackOff, Init:1/2,
// Completed, Terminating, ...) and RESTARTS says how long ago the last restart was.

interface PodSummary {
  ready: string;
  status: string;
  restarts: string;
}

function hasCondition(pod: Pod, type: string, status = 'True'): boolean {
  return (pod.status?.conditions ?? []).some((c) => c.type === type && c.status === status);
}

/** The reason a terminated container shows: its reason, else its signal or exit code. */
function terminatedReason(terminated: NonNullable<ContainerState['terminated']>, prefix: string): string {
  if (terminated.reason) return `${prefix}${terminated.reason}`;
  if (terminated.signal) return `${prefix}Signal:${terminated.signal}`;
  return `${prefix}ExitCode:${terminated.exitCode ?? 0}`;
}

class RestartTally {
  count = 0;
  last: number | undefined;

  add(status: ContainerStatus): void {
    this.count += status.restartCount ?? 0;
    const finished = parseTimestamp(status.lastState?.terminated?.finishedAt);
    if (finished !== undefined && (this.last === undefined || finished > this.last)) this.last = finished;
  }
}

/** READY, STATUS and RESTARTS of a pod as kubectl computes them. */
export function podSummary(pod: Pod, now: Date | number): PodSummary {
  const spec = pod.spec ?? {};
  const status = pod.status ?? {};
  const phase = status.phase ?? '';
  let reason = status.reason || phase;
  if ((status.conditions ?? []).some((c) => c.type === 'PodScheduled' && c.reason === 'SchedulingGated')) reason = 'SchedulingGated';

  const initContainerCount = spec.initContainers?.length ?? 0;
  let tally = new RestartTally();
  let initializing = false;
  for (const [i, container] of (status.initContainerStatuses ?? []).entries()) {
    tally.add(container);
    const state = container.state ?? {};
    if (state.terminated && (state.terminated.exitCode ?? 0) === 0) continue;
    if (state.terminated) reason = terminatedReason(state.terminated, 'Init:');
    else if (state.waiting?.reason && state.waiting.reason !== 'PodInitializing') reason = `Init:${state.waiting.reason}`;
    else reason = `Init:${i}/${initContainerCount}`;
    initializing = true;
    break;
  }

  let ready = 0;
  if (!initializing || hasCondition(pod, 'Initialized')) {
    // Once initialized, restarts of (completed) init containers no longer count.
    tally = new RestartTally();
    let hasRunning = false;
    // Walking backwards lets the first container with a problem decide the reason.
    const statuses = status.containerStatuses ?? [];
    for (let i = statuses.length - 1; i >= 0; i--) {
      const container = statuses[i]!;
      tally.add(container);
      const state = container.state ?? {};
      if (state.waiting?.reason) reason = state.waiting.reason;
      else if (state.terminated) reason = terminatedReason(state.terminated, '');
      else if (container.ready && state.running) {
        hasRunning = true;
        ready++;
      }
    }
    if (reason === 'Completed' && hasRunning) reason = hasCondition(pod, 'Ready') ? 'Running' : 'NotReady';
  }

  if (pod.metadata?.deletionTimestamp && status.reason === 'NodeLost') reason = 'Unknown';
  else if (pod.metadata?.deletionTimestamp && phase !== 'Succeeded' && phase !== 'Failed') reason = 'Terminating';

  let restarts = String(tally.count);
  if (tally.count !== 0 && tally.last !== undefined) restarts = `${tally.count} (${humanDuration(Number(now) - tally.last)} ago)`;

  return { ready: `${ready}/${spec.containers?.length ?? 0}`, status: reason, restarts };
}

export const podPrinter: KindPrinter<Pod> = {
  columns: [
    { name: 'Name' },
    { name: 'Ready' },
    { name: 'Status' },
    { name: 'Restarts' },
    { name: 'Age' },
    { name: 'IP', wide: true },
    { name: 'Node', wide: true },
    { name: 'Nominated Node', wide: true },
    { name: 'Readiness Gates', wide: true },
  ],
  cells(pod: Pod, { now }: RowContext): string[] {
    const summary = podSummary(pod, now);
    const ip = pod.status?.podIPs?.[0]?.ip || pod.status?.podIP;
    return [
      pod.metadata?.name ?? '',
      summary.ready,
      summary.status,
      summary.restarts,
      age(pod.metadata?.creationTimestamp, now),
      ip || '<none>',
      pod.spec?.nodeName || '<none>',
      pod.status?.nominatedNodeName || '<none>',
      // Our PodSpec has no readinessGates, so there is never a gate to count.
      '<none>',
    ];
  },
};
