import { describe, expect, it } from 'vitest';
import type { DaemonSet, StatefulSet } from '../../lib/api/generated/index.js';
import { daemonSetRolloutState, statefulSetRolloutState } from './set-status.js';

const ds = (status: NonNullable<DaemonSet['status']>, type = 'RollingUpdate', generation = 2): DaemonSet => ({
  metadata: { name: 'agent', generation },
  spec: { updateStrategy: { type } },
  status: { observedGeneration: 2, ...status },
});

const sts = (status: NonNullable<StatefulSet['status']>, partition?: number, type = 'RollingUpdate'): StatefulSet => ({
  metadata: { name: 'web', generation: 2 },
  spec: { replicas: 3, updateStrategy: { type, ...(partition === undefined ? {} : { rollingUpdate: { partition } }) } },
  status: { observedGeneration: 2, ...status },
});

describe('rollout status of a daemon set', () => {
  it.each<[string, DaemonSet, string, boolean]>([
    ['spec not observed', ds({}, 'RollingUpdate', 3), 'Waiting for daemon set spec update to be observed...', false],
    ['pods being updated', ds({ desiredNumberScheduled: 3, updatedNumberScheduled: 1 }), 'Waiting for daemon set "agent" rollout to finish: 1 out of 3 new pods have been updated...', false],
    [
      'updated pods not yet available',
      ds({ desiredNumberScheduled: 3, updatedNumberScheduled: 3, numberAvailable: 2 }),
      'Waiting for daemon set "agent" rollout to finish: 2 of 3 updated pods are available...',
      false,
    ],
    ['done', ds({ desiredNumberScheduled: 3, updatedNumberScheduled: 3, numberAvailable: 3 }), 'daemon set "agent" successfully rolled out', true],
  ])('%s', (_name, d, message, done) => {
    expect(daemonSetRolloutState(d)).toEqual({ message, done });
  });

  it('has none for OnDelete', () => {
    expect(() => daemonSetRolloutState(ds({}, 'OnDelete'))).toThrow('rollout status is only available for RollingUpdate strategy type');
  });
});

describe('rollout status of a stateful set', () => {
  it.each<[string, StatefulSet, string, boolean]>([
    ['pods not ready', sts({ readyReplicas: 1 }, 0), 'Waiting for 2 pods to be ready...', false],
    ['partition not reached', sts({ readyReplicas: 3, updatedReplicas: 1 }, 1), 'Waiting for partitioned roll out to finish: 1 out of 2 new pods have been updated...', false],
    ['partitioned roll out complete', sts({ readyReplicas: 3, updatedReplicas: 3 }, 0), 'partitioned roll out complete: 3 new pods have been updated...', true],
    [
      'a rolling update without partition in progress',
      sts({ readyReplicas: 3, updatedReplicas: 1, currentRevision: 'web-1', updateRevision: 'web-2' }),
      'waiting for statefulset rolling update to complete 1 pods at revision web-2...',
      false,
    ],
    [
      'a rolling update without partition done',
      sts({ readyReplicas: 3, currentReplicas: 3, currentRevision: 'web-2', updateRevision: 'web-2' }),
      'statefulset rolling update complete 3 pods at revision web-2...',
      true,
    ],
  ])('%s', (_name, s, message, done) => {
    expect(statefulSetRolloutState(s)).toEqual({ message, done });
  });
});
