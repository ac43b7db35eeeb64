import type { Pod, PodStatus } from '../../../lib/api/generated/index.js';
import { formatTime } from '../../../lib/client/api-time.js';

/**
 * The status a kubelet reports for a pod whose containers all run: phase Running, its IP, and the
 * Ready and ContainersReady conditions (and each container's readiness) as given. Shared by the
 * fake kubelet and the tests that play a kubelet by hand.
 */
export function runningStatus(pod: Pod, ip: string, { ready = true, since = Date.now() }: { ready?: boolean; since?: number } = {}): PodStatus {
  const now = formatTime(since);
  const readiness = ready ? 'True' : 'False';
  return {
    phase: 'Running',
    podIP: ip,
    podIPs: [{ ip }],
    startTime: now,
    conditions: [
      { type: 'Ready', status: readiness, lastTransitionTime: now },
      { type: 'ContainersReady', status: readiness, lastTransitionTime: now },
    ],
    containerStatuses: (pod.spec?.containers ?? []).map((c) => ({
      name: c.name ?? '',
      image: c.image ?? '',
      ready,
      started: true,
      restartCount: 0,
      state: { running: { startedAt: now } },
    })),
  };
}
