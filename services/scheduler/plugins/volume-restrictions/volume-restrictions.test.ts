import { describe, expect, it } from 'vitest';
import type { PersistentVolumeClaim } from '../../../../lib/api/generated/index.js';
import type { VolumeLister } from '../../framework/interfaces.js';
import { makeNode, makePod } from '../../testing/builders.js';
import { filterReasons } from '../../testing/harness.js';
import * as names from '../names.js';
import { ERR_READ_WRITE_ONCE_POD_CONFLICT, newVolumeRestrictions } from './index.js';

const spec = { name: names.VolumeRestrictions, factory: newVolumeRestrictions };

function lister(accessModes: string[]): VolumeLister {
  const claim: PersistentVolumeClaim = { metadata: { name: 'data', namespace: 'default' }, spec: { accessModes } };
  return { claim: (ns, name) => (ns === 'default' && name === 'data' ? claim : undefined), volume: () => undefined, storageClass: () => undefined, volumes: () => [] };
}

describe('VolumeRestrictions', () => {
  it.each([
    { name: 'a ReadWriteOncePod claim another pod uses', modes: ['ReadWriteOncePod'], existing: [makePod('other').claim('data').node('n2')], want: [ERR_READ_WRITE_ONCE_POD_CONFLICT] },
    { name: 'a ReadWriteOncePod claim nobody uses', modes: ['ReadWriteOncePod'], existing: [makePod('other').node('n2')], want: [] },
    { name: 'a ReadWriteOnce claim another pod uses', modes: ['ReadWriteOnce'], existing: [makePod('other').claim('data').node('n2')], want: [] },
    { name: 'the same claim name in another namespace', modes: ['ReadWriteOncePod'], existing: [makePod('other', 'elsewhere').claim('data').node('n2')], want: [] },
  ])('$name', ({ modes, existing, want }) => {
    const nodes = [makeNode('n1').obj(), makeNode('n2').obj()];
    expect(filterReasons([spec], makePod('p').claim('data').obj(), nodes, existing.map((p) => p.obj()), {}, lister(modes))).toEqual([want, want]);
  });
});
