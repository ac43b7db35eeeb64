import { describe, expect, it } from 'vitest';
import type { Pod } from '../../../lib/api/generated/index.js';
import { podChangedForKubelet } from './pod-changes.js';

const pod: Pod = {
  metadata: { name: 'p', namespace: 'default', uid: 'u', resourceVersion: '5', labels: { a: 'b' } },
  spec: { nodeName: 'n', containers: [{ name: 'c', image: 'i:1' }] },
};

describe('podChangedForKubelet', () => {
  it('ignores status writes and the new resourceVersion they bring', () => {
    expect(podChangedForKubelet(pod, { ...pod, metadata: { ...pod.metadata, resourceVersion: '6' }, status: { phase: 'Running' } })).toBe(false);
  });

  it('ignores the managedFields entry a status write updates', () => {
    const managed = (time: string) => [{ manager: 'kubelet', operation: 'Update', apiVersion: 'v1', time, subresource: 'status' }];
    const before = { ...pod, metadata: { ...pod.metadata, managedFields: managed('2024-01-01T00:00:00Z') } };
    const after = { ...pod, metadata: { ...pod.metadata, resourceVersion: '6', managedFields: managed('2024-01-01T00:00:01Z') }, status: { phase: 'Running' } };
    expect(podChangedForKubelet(before as Pod, after as Pod)).toBe(false);
  });

  it.each([
    ['new annotations', { ...pod, metadata: { ...pod.metadata, annotations: { x: 'y' } } }],
    ['a deletion mark', { ...pod, metadata: { ...pod.metadata, deletionTimestamp: '2024-01-01T00:00:00Z', deletionGracePeriodSeconds: 30 } }],
    ['new labels', { ...pod, metadata: { ...pod.metadata, labels: { a: 'c' } } }],
    ['a new image', { ...pod, spec: { ...pod.spec, containers: [{ name: 'c', image: 'i:2' }] } }],
  ])('sees %s', (_what, after) => {
    expect(podChangedForKubelet(pod, after as Pod)).toBe(true);
  });
});
