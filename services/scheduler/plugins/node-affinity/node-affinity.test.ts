import { describe, expect, it } from 'vitest';
import { filterReasons, runScore } from '../../testing/harness.js';
import { makeNode, makePod } from '../../testing/builders.js';
import { ERR_REASON_POD, newNodeAffinity } from './index.js';
import * as names from '../names.js';

const spec = { name: names.NodeAffinity, factory: newNodeAffinity };
const node = () => makeNode('n1').labels({ zone: 'a', disk: 'ssd', cores: '8' });
const no = [ERR_REASON_POD];

describe('NodeAffinity filter', () => {
  it.each([
    { name: 'no constraints', pod: makePod('p'), want: [] },
    { name: 'nodeSelector matches', pod: makePod('p').nodeSelector({ zone: 'a' }), want: [] },
    { name: 'nodeSelector mismatch', pod: makePod('p').nodeSelector({ zone: 'b' }), want: no },
    { name: 'nodeSelector needs every label', pod: makePod('p').nodeSelector({ zone: 'a', gpu: 'yes' }), want: no },
    { name: 'In', pod: makePod('p').nodeAffinityTerm([{ key: 'zone', operator: 'In', values: ['a', 'b'] }]), want: [] },
    { name: 'In, no value matches', pod: makePod('p').nodeAffinityTerm([{ key: 'zone', operator: 'In', values: ['b'] }]), want: no },
    { name: 'NotIn', pod: makePod('p').nodeAffinityTerm([{ key: 'zone', operator: 'NotIn', values: ['b'] }]), want: [] },
    { name: 'NotIn, value excluded', pod: makePod('p').nodeAffinityTerm([{ key: 'zone', operator: 'NotIn', values: ['a'] }]), want: no },
    { name: 'NotIn matches a missing label', pod: makePod('p').nodeAffinityTerm([{ key: 'gpu', operator: 'NotIn', values: ['x'] }]), want: [] },
    { name: 'Exists', pod: makePod('p').nodeAffinityTerm([{ key: 'disk', operator: 'Exists' }]), want: [] },
    { name: 'Exists, label missing', pod: makePod('p').nodeAffinityTerm([{ key: 'gpu', operator: 'Exists' }]), want: no },
    { name: 'DoesNotExist', pod: makePod('p').nodeAffinityTerm([{ key: 'gpu', operator: 'DoesNotExist' }]), want: [] },
    { name: 'DoesNotExist, label present', pod: makePod('p').nodeAffinityTerm([{ key: 'disk', operator: 'DoesNotExist' }]), want: no },
    { name: 'Gt', pod: makePod('p').nodeAffinityTerm([{ key: 'cores', operator: 'Gt', values: ['4'] }]), want: [] },
    { name: 'Gt, not greater', pod: makePod('p').nodeAffinityTerm([{ key: 'cores', operator: 'Gt', values: ['8'] }]), want: no },
    { name: 'Lt', pod: makePod('p').nodeAffinityTerm([{ key: 'cores', operator: 'Lt', values: ['16'] }]), want: [] },
    { name: 'Lt, not less', pod: makePod('p').nodeAffinityTerm([{ key: 'cores', operator: 'Lt', values: ['8'] }]), want: no },
    { name: 'Gt on a non-integer label', pod: makePod('p').nodeAffinityTerm([{ key: 'zone', operator: 'Gt', values: ['1'] }]), want: no },
    { name: 'Gt with a non-integer value', pod: makePod('p').nodeAffinityTerm([{ key: 'cores', operator: 'Gt', values: ['x'] }]), want: no },
    {
      name: 'expressions in a term are ANDed',
      pod: makePod('p').nodeAffinityTerm([
        { key: 'zone', operator: 'In', values: ['a'] },
        { key: 'disk', operator: 'In', values: ['hdd'] },
      ]),
      want: no,
    },
    {
      name: 'terms are ORed',
      pod: makePod('p')
        .nodeAffinityTerm([{ key: 'zone', operator: 'In', values: ['b'] }])
        .nodeAffinityTerm([{ key: 'disk', operator: 'In', values: ['ssd'] }]),
      want: [],
    },
    { name: 'an empty term matches nothing', pod: makePod('p').nodeAffinityTerm([]), want: no },
    { name: 'matchFields metadata.name In', pod: makePod('p').nodeAffinityTerm([], [{ key: 'metadata.name', operator: 'In', values: ['n1'] }]), want: [] },
    {
      name: 'matchFields metadata.name NotIn',
      pod: makePod('p').nodeAffinityTerm([], [{ key: 'metadata.name', operator: 'NotIn', values: ['n1'] }]),
      want: no,
    },
    {
      name: 'nodeSelector and affinity must both hold',
      pod: makePod('p').nodeSelector({ zone: 'b' }).nodeAffinityTerm([{ key: 'disk', operator: 'Exists' }]),
      want: no,
    },
  ])('$name', ({ pod, want }) => {
    expect(filterReasons([spec], pod.obj(), [node().obj()])).toEqual([want]);
  });
});

describe('NodeAffinity score', () => {
  const nodes = () => [makeNode('a').label('zone', 'a').obj(), makeNode('b').labels({ zone: 'b', disk: 'ssd' }).obj(), makeNode('c').obj()];
  it.each([
    { name: 'no preferences', pod: makePod('p'), want: [0, 0, 0] },
    {
      name: 'summed weights, scaled to the best node',
      pod: makePod('p')
        .preferredNodeAffinity(5, [{ key: 'zone', operator: 'Exists' }])
        .preferredNodeAffinity(10, [{ key: 'disk', operator: 'In', values: ['ssd'] }]),
      want: [33, 100, 0],
    },
  ])('$name', ({ pod, want }) => {
    expect(runScore(spec, pod.obj(), nodes())).toEqual(want);
  });
});
