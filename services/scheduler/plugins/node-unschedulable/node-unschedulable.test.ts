import { describe, expect, it } from 'vitest';
import { filterReasons } from '../../testing/harness.js';
import { makeNode, makePod } from '../../testing/builders.js';
import { ERR_REASON_UNSCHEDULABLE, newNodeUnschedulable } from './index.js';
import * as names from '../names.js';

const plugin = [{ name: names.NodeUnschedulable, factory: newNodeUnschedulable }];
const tolerateCordon = { key: 'node.kubernetes.io/unschedulable', operator: 'Exists', effect: 'NoSchedule' };

describe('NodeUnschedulable', () => {
  it.each([
    { name: 'schedulable node', pod: makePod('p'), node: makeNode('n'), want: [] },
    { name: 'cordoned node', pod: makePod('p'), node: makeNode('n').unschedulable(), want: [ERR_REASON_UNSCHEDULABLE] },
    { name: 'cordoned node, pod tolerates the unschedulable taint', pod: makePod('p').toleration(tolerateCordon), node: makeNode('n').unschedulable(), want: [] },
    {
      name: 'toleration for another effect does not help',
      pod: makePod('p').toleration({ ...tolerateCordon, effect: 'NoExecute' }),
      node: makeNode('n').unschedulable(),
      want: [ERR_REASON_UNSCHEDULABLE],
    },
  ])('$name', ({ pod, node, want }) => {
    expect(filterReasons(plugin, pod.obj(), [node.obj()])).toEqual([want]);
  });
});
