import { describe, expect, it } from 'vitest';
import type { PersistentVolume, PersistentVolumeClaim } from '../api/generated/index.js';
import { findMatchingVolume, volumeMismatch } from './volume-matching.js';

function volume(name: string, storage: string, more: Partial<NonNullable<PersistentVolume['spec']>> = {}, labels: Record<string, string> = {}, phase = 'Available'): PersistentVolume {
  return {
    metadata: { name, labels },
    spec: { capacity: { storage }, accessModes: ['ReadWriteOnce', 'ReadOnlyMany'], storageClassName: '', volumeMode: 'Filesystem', hostPath: { path: `/data/${name}` }, ...more },
    status: { phase },
  };
}

function claim(storage: string, more: Partial<NonNullable<PersistentVolumeClaim['spec']>> = {}): PersistentVolumeClaim {
  return {
    metadata: { name: 'data', namespace: 'default', uid: 'claim-uid' },
    spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage } }, storageClassName: '', volumeMode: 'Filesystem', ...more },
  };
}

const onNode = (node: string) => ({
  nodeAffinity: { required: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'In', values: [node] }] }] } },
});

describe('findMatchingVolume', () => {
  it('picks the smallest volume that is large enough', () => {
    const volumes = [volume('big', '10Gi'), volume('small', '1Gi'), volume('medium', '5Gi')];
    expect(findMatchingVolume(claim('2Gi'), volumes)?.metadata?.name).toBe('medium');
    expect(findMatchingVolume(claim('1Gi'), volumes)?.metadata?.name).toBe('small');
    expect(findMatchingVolume(claim('20Gi'), volumes)).toBeUndefined();
  });

  it.each<[string, PersistentVolume, PersistentVolumeClaim]>([
    ['another class', volume('v', '5Gi', { storageClassName: 'fast' }), claim('1Gi')],
    ['an access mode the volume lacks', volume('v', '5Gi'), claim('1Gi', { accessModes: ['ReadWriteMany'] })],
    ['another volume mode', volume('v', '5Gi', { volumeMode: 'Block' }), claim('1Gi')],
    ['labels the selector does not match', volume('v', '5Gi', {}, { tier: 'slow' }), claim('1Gi', { selector: { matchLabels: { tier: 'fast' } } })],
    ['a volume bound to another claim', volume('v', '5Gi', { claimRef: { namespace: 'default', name: 'other', uid: 'x' } }, {}, 'Bound'), claim('1Gi')],
    ['a volume not Available yet', volume('v', '5Gi', {}, {}, 'Pending'), claim('1Gi')],
    ['a Released volume', volume('v', '5Gi', {}, {}, 'Released'), claim('1Gi')],
  ])('skips %s', (_name, pv, pvc) => {
    expect(findMatchingVolume(pvc, [pv])).toBeUndefined();
  });

  it('takes a volume whose labels the selector matches', () => {
    expect(findMatchingVolume(claim('1Gi', { selector: { matchLabels: { tier: 'fast' } } }), [volume('v', '5Gi', {}, { tier: 'fast' })])?.metadata?.name).toBe('v');
  });

  it('prefers a volume pre-bound to the claim over a smaller free one', () => {
    const preBound = volume('mine', '10Gi', { claimRef: { namespace: 'default', name: 'data' } });
    expect(findMatchingVolume(claim('1Gi'), [volume('free', '1Gi'), preBound])?.metadata?.name).toBe('mine');
  });

  it('with a selected node, only takes volumes usable from it', () => {
    const volumes = [volume('there', '1Gi', onNode('n2')), volume('here', '5Gi', onNode('n1'))];
    const node = { name: 'n1', labels: { 'kubernetes.io/hostname': 'n1' } };
    expect(findMatchingVolume(claim('1Gi'), volumes, node)?.metadata?.name).toBe('here');
  });

  it('says why a pre-bound volume does not fit', () => {
    expect(volumeMismatch(volume('v', '1Gi'), claim('2Gi'))).toBe('requested PV is too small');
    expect(volumeMismatch(volume('v', '5Gi', { storageClassName: 'fast' }), claim('2Gi'))).toBe('storageClassName does not match');
  });
});
