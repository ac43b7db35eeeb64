import { describe, expect, it } from 'vitest';
import { filterReasons } from '../../testing/harness.js';
import { makeNode, makePod } from '../../testing/builders.js';
import { ERR_REASON_NOT_READY, newNodeReady } from './index.js';
import * as names from '../names.js';

const plugin = [{ name: names.NodeReady, factory: newNodeReady }];

describe('NodeReady', () => {
  it.each([
    { name: 'Ready=True', pod: makePod('p'), node: makeNode('n').ready('True'), want: [] },
    { name: 'Ready=False', pod: makePod('p'), node: makeNode('n').ready('False'), want: [ERR_REASON_NOT_READY] },
    { name: 'Ready=Unknown', pod: makePod('p'), node: makeNode('n').ready('Unknown'), want: [ERR_REASON_NOT_READY] },
    { name: 'no Ready condition yet', pod: makePod('p'), node: makeNode('n').ready(undefined), want: [ERR_REASON_NOT_READY] },
    {
      name: 'Ready=False, pod tolerates not-ready',
      pod: makePod('p').toleration({ key: 'node.kubernetes.io/not-ready', operator: 'Exists' }),
      node: makeNode('n').ready('False'),
      want: [],
    },
    {
      name: 'Ready=Unknown, pod tolerates unreachable',
      pod: makePod('p').toleration({ key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoSchedule' }),
      node: makeNode('n').ready('Unknown'),
      want: [],
    },
    {
      name: 'Ready=Unknown, tolerating not-ready is not enough',
      pod: makePod('p').toleration({ key: 'node.kubernetes.io/not-ready', operator: 'Exists' }),
      node: makeNode('n').ready('Unknown'),
      want: [ERR_REASON_NOT_READY],
    },
  ])('$name', ({ pod, node, want }) => {
    expect(filterReasons(plugin, pod.obj(), [node.obj()])).toEqual([want]);
  });
});
