import { describe, expect, it } from 'vitest';
import { filterReasons } from '../../testing/harness.js';
import { makeNode, makePod } from '../../testing/builders.js';
import { ERR_REASON_NODE_NAME, newNodeName } from './index.js';
import * as names from '../names.js';

const plugin = [{ name: names.NodeName, factory: newNodeName }];

describe('NodeName', () => {
  it.each([
    { name: 'pod names no node', pod: makePod('p'), want: [[], []] },
    { name: 'pod names n1', pod: makePod('p').node('n1'), want: [[], [ERR_REASON_NODE_NAME]] },
    { name: 'pod names an unknown node', pod: makePod('p').node('n9'), want: [[ERR_REASON_NODE_NAME], [ERR_REASON_NODE_NAME]] },
  ])('$name', ({ pod, want }) => {
    expect(filterReasons(plugin, pod.obj(), [makeNode('n1').obj(), makeNode('n2').obj()])).toEqual(want);
  });
});
