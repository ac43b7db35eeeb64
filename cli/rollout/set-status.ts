import type { DaemonSet, StatefulSet } from '../../lib/api/generated/index.js';
import { CliError } from '../errors.js';
import type { RolloutState } from './deployment-status.js';

// kubectl rollout status for daemon sets and stateful sets (DaemonSetStatusViewer,
// StatefulSetStatusViewer): only a RollingUpdate has a rollout to watch.

function requireRollingUpdate(type: string | undefined): void {
  if (type !== 'RollingUpdate') throw new CliError('rollout status is only available for RollingUpdate strategy type');
}

export function daemonSetRolloutState(ds: DaemonSet): RolloutState {
  requireRollingUpdate(ds.spec?.updateStrategy?.type);
  const name = ds.metadata?.name ?? '';
  const s = ds.status ?? {};
  if ((ds.metadata?.generation ?? 0) > (s.observedGeneration ?? 0)) return { message: 'Waiting for daemon set spec update to be observed...', done: false };
  const desired = s.desiredNumberScheduled ?? 0;
  if ((s.updatedNumberScheduled ?? 0) < desired) {
    return { message: `Waiting for daemon set "${name}" rollout to finish: ${s.updatedNumberScheduled ?? 0} out of ${desired} new pods have been updated...`, done: false };
  }
  if ((s.numberAvailable ?? 0) < desired) {
    return { message: `Waiting for daemon set "${name}" rollout to finish: ${s.numberAvailable ?? 0} of ${desired} updated pods are available...`, done: false };
  }
  return { message: `daemon set "${name}" successfully rolled out`, done: true };
}

export function statefulSetRolloutState(sts: StatefulSet): RolloutState {
  const strategy = sts.spec?.updateStrategy;
  requireRollingUpdate(strategy?.type);
  const s = sts.status ?? {};
  if (!s.observedGeneration || (sts.metadata?.generation ?? 0) > s.observedGeneration) {
    return { message: 'Waiting for statefulset spec update to be observed...', done: false };
  }
  const replicas = sts.spec?.replicas;
  if (replicas !== undefined && (s.readyReplicas ?? 0) < replicas) return { message: `Waiting for ${replicas - (s.readyReplicas ?? 0)} pods to be ready...`, done: false };
  if (strategy?.rollingUpdate) {
    const partition = strategy.rollingUpdate.partition;
    if (replicas !== undefined && partition !== undefined && (s.updatedReplicas ?? 0) < replicas - partition) {
      return { message: `Waiting for partitioned roll out to finish: ${s.updatedReplicas ?? 0} out of ${replicas - partition} new pods have been updated...`, done: false };
    }
    return { message: `partitioned roll out complete: ${s.updatedReplicas ?? 0} new pods have been updated...`, done: true };
  }
  if (s.updateRevision !== s.currentRevision) {
    return { message: `waiting for statefulset rolling update to complete ${s.updatedReplicas ?? 0} pods at revision ${s.updateRevision ?? ''}...`, done: false };
  }
  return { message: `statefulset rolling update complete ${s.currentReplicas ?? 0} pods at revision ${s.currentRevision ?? ''}...`, done: true };
}
