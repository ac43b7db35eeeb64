import { describe, expect, it } from 'vitest';
import type { Deployment } from '../../lib/api/generated/index.js';
import { deploymentRolloutState } from './deployment-status.js';

const deploy = (replicas: number, status: NonNullable<Deployment['status']>, generation = 2): Deployment => ({
  metadata: { name: 'web', generation },
  spec: { replicas },
  status: { observedGeneration: 2, ...status },
});

describe('deploymentRolloutState', () => {
  it('follows kubectl through a rollout', () => {
    expect(deploymentRolloutState(deploy(3, {}, 3)).message).toBe('Waiting for deployment spec update to be observed...');
    expect(deploymentRolloutState(deploy(3, { replicas: 3, updatedReplicas: 1 })).message).toBe(
      'Waiting for deployment "web" rollout to finish: 1 out of 3 new replicas have been updated...',
    );
    expect(deploymentRolloutState(deploy(3, { replicas: 4, updatedReplicas: 3 })).message).toBe(
      'Waiting for deployment "web" rollout to finish: 1 old replicas are pending termination...',
    );
    expect(deploymentRolloutState(deploy(3, { replicas: 3, updatedReplicas: 3, availableReplicas: 1 })).message).toBe(
      'Waiting for deployment "web" rollout to finish: 1 of 3 updated replicas are available...',
    );
    expect(deploymentRolloutState(deploy(3, { replicas: 3, updatedReplicas: 3, availableReplicas: 3 }))).toEqual({
      message: 'deployment "web" successfully rolled out',
      done: true,
    });
  });

  it('fails once the progress deadline is exceeded', () => {
    const d = deploy(3, { conditions: [{ type: 'Progressing', status: 'False', reason: 'ProgressDeadlineExceeded' }] });
    expect(() => deploymentRolloutState(d)).toThrow('deployment "web" exceeded its progress deadline');
  });
});
