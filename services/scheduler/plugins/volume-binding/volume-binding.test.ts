import { describe, expect, it } from 'vitest';
import type { PersistentVolume, PersistentVolumeClaim, StorageClass } from '../../../../lib/api/generated/index.js';
import type { VolumeLister } from '../../framework/interfaces.js';
import { makeNode, makePod } from '../../testing/builders.js';
import { filterReasons } from '../../testing/harness.js';
import * as names from '../names.js';
import { claimsToSelectNode, ERR_NO_VOLUME_TO_BIND, ERR_NODE_CONFLICT, ERR_UNBOUND_IMMEDIATE, newVolumeBinding } from './index.js';

const spec = { name: names.VolumeBinding, factory: newVolumeBinding };

function lister(claims: PersistentVolumeClaim[], volumes: PersistentVolume[] = [], classes: StorageClass[] = []): VolumeLister {
  return {
    claim: (ns, name) => claims.find((c) => c.metadata?.namespace === ns && c.metadata?.name === name),
    volume: (name) => volumes.find((v) => v.metadata?.name === name),
    storageClass: (name) => classes.find((c) => c.metadata?.name === name),
    volumes: () => volumes,
  };
}

function claim(name: string, storageClassName: string, volumeName = '', annotations: Record<string, string> = {}): PersistentVolumeClaim {
  return {
    metadata: { name, namespace: 'default', uid: `${name}-uid`, annotations },
    spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } }, storageClassName, volumeName, volumeMode: 'Filesystem' },
  };
}

function volume(name: string, storageClassName: string, node?: string, phase = 'Available'): PersistentVolume {
  return {
    metadata: { name },
    spec: {
      capacity: { storage: '5Gi' },
      accessModes: ['ReadWriteOnce'],
      storageClassName,
      volumeMode: 'Filesystem',
      hostPath: { path: `/data/${name}` },
      ...(node && { nodeAffinity: { required: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'In', values: [node] }] }] } } }),
    },
    status: { phase },
  };
}

const wffc = (name: string, provisioner: string): StorageClass => ({ metadata: { name }, provisioner, volumeBindingMode: 'WaitForFirstConsumer' });
const immediate: StorageClass = { metadata: { name: 'fast' }, provisioner: 'example.com/fast', volumeBindingMode: 'Immediate' };
const nodes = [makeNode('n1').obj(), makeNode('n2').obj()];

describe('VolumeBinding', () => {
  it.each<{ name: string; volumes: VolumeLister; want: string[][] }>([
    { name: 'a claim bound to a volume usable anywhere', volumes: lister([claim('data', '', 'pv1')], [volume('pv1', '', undefined, 'Bound')]), want: [[], []] },
    { name: 'a claim bound to a volume on n2', volumes: lister([claim('data', '', 'pv1')], [volume('pv1', '', 'n2', 'Bound')]), want: [[ERR_NODE_CONFLICT], []] },
    { name: 'a missing claim', volumes: lister([]), want: [['persistentvolumeclaim "data" not found'], ['persistentvolumeclaim "data" not found']] },
    { name: 'an unbound claim without a class', volumes: lister([claim('data', '')]), want: [[ERR_UNBOUND_IMMEDIATE], [ERR_UNBOUND_IMMEDIATE]] },
    { name: 'an unbound claim of an Immediate class', volumes: lister([claim('data', 'fast')], [], [immediate]), want: [[ERR_UNBOUND_IMMEDIATE], [ERR_UNBOUND_IMMEDIATE]] },
    { name: 'an unbound WaitForFirstConsumer claim with a provisioner', volumes: lister([claim('data', 'local-path')], [], [wffc('local-path', 'kubets.io/local-path')]), want: [[], []] },
    {
      name: 'an unbound WaitForFirstConsumer claim of hand-made local volumes',
      volumes: lister([claim('data', 'local')], [volume('pv-n2', 'local', 'n2')], [wffc('local', 'kubernetes.io/no-provisioner')]),
      want: [[ERR_NO_VOLUME_TO_BIND], []],
    },
  ])('$name', ({ volumes, want }) => {
    expect(filterReasons([spec], makePod('p').claim('data').obj(), nodes, [], {}, volumes)).toEqual(want);
  });

  it('leaves pods without claims alone', () => {
    expect(filterReasons([spec], makePod('p').obj(), nodes)).toEqual([[], []]);
  });

  it('names the WaitForFirstConsumer claims to annotate with the chosen node', () => {
    const volumes = lister(
      [claim('a', 'local-path'), claim('b', 'local-path', '', { 'volume.kubernetes.io/selected-node': 'n1' }), claim('c', '', 'pv1')],
      [volume('pv1', '', undefined, 'Bound')],
      [wffc('local-path', 'kubets.io/local-path')],
    );
    const pod = makePod('p').claim('a').claim('b').claim('c').obj();
    expect(claimsToSelectNode(pod, 'n1', volumes).map((c) => c.metadata?.name)).toEqual(['a']);
    expect(claimsToSelectNode(pod, 'n2', volumes).map((c) => c.metadata?.name)).toEqual(['a', 'b']);
  });
});
