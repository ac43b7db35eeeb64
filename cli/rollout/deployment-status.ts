import type { Deployment } from '../../lib/api/generated/index.js';
import { CliError } from '../errors.js';

// kubectl rollout status for deployments (DeploymentStatusViewer): one message per state, and
// whether the rollout is done. A rollout that exceeded its progress deadline is an error.

const TIMED_OUT_REASON = 'ProgressDeadlineExceeded';

export interface RolloutState {
  message: string;
  done: boolean;
}

export function deploymentRolloutState(d: Deployment): RolloutState {
  const name = d.metadata?.name ?? '';
  const status = d.status ?? {};
  if ((d.metadata?.generation ?? 0) > (status.observedGeneration ?? 0)) {
    return { message: 'Waiting for deployment spec update to be observed...', done: false };
  }
  const progressing = (status.conditions ?? []).find((c) => c.type === 'Progressing');
  if (progressing?.reason === TIMED_OUT_REASON) throw new CliError(`deployment "${name}" exceeded its progress deadline`);
  const updated = status.updatedReplicas ?? 0;
  const replicas = d.spec?.replicas;
  if (replicas !== undefined && updated < replicas) {
    return { message: `Waiting for deployment "${name}" rollout to finish: ${updated} out of ${replicas} new replicas have been updated...`, done: false };
  }
  const total = status.replicas ?? 0;
  if (total > updated) {
    return { message: `Waiting for deployment "${name}" rollout to finish: ${total - updated} old replicas are pending termination...`, done: false };
  }
  const available = status.availableReplicas ?? 0;
  if (available < updated) {
    return { message: `Waiting for deployment "${name}" rollout to finish: ${available} of ${updated} updated replicas are available...`, done: false };
  }
  return { message: `deployment "${name}" successfully rolled out`, done: true };
}
