import { describe, expect, it } from 'vitest';
import { filterReasons } from '../../testing/harness.js';
import { makeNode, makePod } from '../../testing/builders.js';
import { ERR_REASON_PORTS, newNodePorts } from './index.js';
import * as names from '../names.js';

const spec = { name: names.NodePorts, factory: newNodePorts };

describe('NodePorts', () => {
  it.each([
    { name: 'no host ports', pod: makePod('p'), existing: [makePod('o').hostPort(80).node('n')], want: [] },
    { name: 'free port', pod: makePod('p').hostPort(8080), existing: [makePod('o').hostPort(80).node('n')], want: [] },
    { name: 'same port and protocol', pod: makePod('p').hostPort(80), existing: [makePod('o').hostPort(80).node('n')], want: [ERR_REASON_PORTS] },
    { name: 'same port, other protocol', pod: makePod('p').hostPort(80, 'UDP'), existing: [makePod('o').hostPort(80).node('n')], want: [] },
    {
      name: 'same port on different host IPs',
      pod: makePod('p').hostPort(80, 'TCP', '10.0.0.1'),
      existing: [makePod('o').hostPort(80, 'TCP', '10.0.0.2').node('n')],
      want: [],
    },
    {
      name: 'a specific IP conflicts with 0.0.0.0',
      pod: makePod('p').hostPort(80, 'TCP', '10.0.0.1'),
      existing: [makePod('o').hostPort(80).node('n')],
      want: [ERR_REASON_PORTS],
    },
    {
      name: '0.0.0.0 conflicts with any IP',
      pod: makePod('p').hostPort(80),
      existing: [makePod('o').hostPort(80, 'TCP', '10.0.0.2').node('n')],
      want: [ERR_REASON_PORTS],
    },
  ])('$name', ({ pod, existing, want }) => {
    expect(filterReasons([spec], pod.obj(), [makeNode('n').obj()], existing.map((p) => p.obj()))).toEqual([want]);
  });
});
