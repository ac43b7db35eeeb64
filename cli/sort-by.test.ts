import { describe, expect, it } from 'vitest';
import { resourceByField, type AnyObject, type ResourceInfo } from '../lib/api/resources.js';
import { CliError } from './errors.js';
import { naturalCompare, sortByField } from './sort-by.js';

const pv = (name: string, storage?: string): { info: ResourceInfo; object: AnyObject } => ({
  info: resourceByField('persistentVolume'),
  object: { metadata: { name }, spec: storage ? { capacity: { storage } } : {} },
});
const names = (items: { object: AnyObject }[]) => items.map((i) => i.object.metadata?.name);

describe('sortByField', () => {
  it('orders quantities by amount, not by text', () => {
    const sorted = sortByField([pv('a', '300Mi'), pv('b', '40Mi'), pv('c', '1Gi'), pv('d', '100Mi')], '.spec.capacity.storage');
    expect(names(sorted)).toEqual(['b', 'd', 'a', 'c']);
  });

  it('orders names naturally and accepts every relaxed path form', () => {
    const items = [pv('pod-10'), pv('pod-9'), pv('pod-1')];
    for (const path of ['.metadata.name', 'metadata.name', '{.metadata.name}', '{metadata.name}']) {
      expect(names(sortByField(items, path))).toEqual(['pod-1', 'pod-9', 'pod-10']);
    }
  });

  it('puts objects without the field first, keeping their order', () => {
    expect(names(sortByField([pv('a', '2Gi'), pv('b'), pv('c', '1Gi'), pv('d')], '.spec.capacity.storage'))).toEqual(['b', 'd', 'c', 'a']);
  });

  it('says so when no object has the field, as kubectl does', () => {
    expect(() => sortByField([pv('a')], '.spec.nope')).toThrow(new CliError(`couldn't find any field with path "{.spec.nope}" in the list of objects`));
    expect(sortByField([], '.spec.nope')).toEqual([]);
  });
});

describe('naturalCompare', () => {
  it('compares digit runs by value', () => {
    expect(['a10', 'a2', 'a1b', 'a1', 'b', 'a01'].sort(naturalCompare)).toEqual(['a1', 'a1b', 'a01', 'a2', 'a10', 'b']);
  });
});
