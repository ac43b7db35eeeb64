import { describe, expect, it } from 'vitest';
import { filterReasons, runScore } from '../../testing/harness.js';
import { makeNode, makePod } from '../../testing/builders.js';
import { ERR_REASON_CONSTRAINTS_NOT_MATCH, ERR_REASON_NODE_LABEL_NOT_MATCH, newPodTopologySpread } from './index.js';
import * as names from '../names.js';

const spec = { name: names.PodTopologySpread, factory: newPodTopologySpread };
const ZONE = 'topology.kubernetes.io/zone';
const SKEW = [ERR_REASON_CONSTRAINTS_NOT_MATCH];

/** Zones a, b, c with one node each, plus a node without a zone. */
const nodes = () => [
  makeNode('a1').label(ZONE, 'a').obj(),
  makeNode('b1').label(ZONE, 'b').obj(),
  makeNode('c1').label(ZONE, 'c').obj(),
  makeNode('x1').obj(),
];
const web = (name: string, node: string) => makePod(name).label('app', 'web').node(node);

describe('PodTopologySpread filter', () => {
  it.each([
    { name: 'no constraints', pod: makePod('p'), existing: [web('w1', 'a1')], want: [[], [], [], []] },
    {
      name: 'maxSkew 1: only the emptiest zone fits',
      pod: makePod('p').label('app', 'web').spreadConstraint(1, ZONE, 'DoNotSchedule', { app: 'web' }),
      existing: [web('w1', 'a1'), web('w2', 'a1'), web('w3', 'b1')],
      want: [SKEW, SKEW, [], [ERR_REASON_NODE_LABEL_NOT_MATCH]],
    },
    {
      name: 'maxSkew 2 allows one more',
      pod: makePod('p').label('app', 'web').spreadConstraint(2, ZONE, 'DoNotSchedule', { app: 'web' }),
      existing: [web('w1', 'a1'), web('w2', 'a1'), web('w3', 'b1')],
      want: [SKEW, [], [], [ERR_REASON_NODE_LABEL_NOT_MATCH]],
    },
    {
      name: 'a pod that does not match its own selector adds nothing',
      pod: makePod('p').spreadConstraint(1, ZONE, 'DoNotSchedule', { app: 'web' }),
      existing: [web('w1', 'a1'), web('w2', 'a1'), web('w3', 'b1')],
      want: [SKEW, [], [], [ERR_REASON_NODE_LABEL_NOT_MATCH]],
    },
    {
      name: 'pods in other namespaces do not count',
      pod: makePod('p').label('app', 'web').spreadConstraint(1, ZONE, 'DoNotSchedule', { app: 'web' }),
      existing: [makePod('w1', 'other').label('app', 'web').node('a1')],
      want: [[], [], [], [ERR_REASON_NODE_LABEL_NOT_MATCH]],
    },
    {
      name: 'terminating pods do not count',
      pod: makePod('p').label('app', 'web').spreadConstraint(1, ZONE, 'DoNotSchedule', { app: 'web' }),
      existing: [web('w1', 'a1').terminating()],
      want: [[], [], [], [ERR_REASON_NODE_LABEL_NOT_MATCH]],
    },
    {
      // Zone c is no domain, so its pod does not raise the minimum (NodeAffinity rejects c1 itself).
      name: 'only nodes matching the pod\'s node selector form domains',
      pod: makePod('p').label('app', 'web').nodeAffinityIn(ZONE, ['a', 'b']).spreadConstraint(1, ZONE, 'DoNotSchedule', { app: 'web' }),
      existing: [web('w1', 'a1'), web('w2', 'c1')],
      want: [SKEW, [], [], [ERR_REASON_NODE_LABEL_NOT_MATCH]],
    },
    {
      name: 'minDomains above the domain count makes the global minimum 0',
      pod: makePod('p').label('app', 'web').spreadConstraint(1, ZONE, 'DoNotSchedule', { app: 'web' }, { minDomains: 4 }),
      existing: [web('w1', 'a1'), web('w2', 'b1'), web('w3', 'c1')],
      want: [SKEW, SKEW, SKEW, [ERR_REASON_NODE_LABEL_NOT_MATCH]],
    },
  ])('$name', ({ pod, existing, want }) => {
    expect(filterReasons([spec], pod.obj(), nodes(), existing.map((p) => p.obj()))).toEqual(want);
  });
});

describe('PodTopologySpread score', () => {
  it.each([
    { name: 'no soft constraints', pod: makePod('p'), existing: [web('w1', 'a1')], want: [0, 0, 0, 0] },
    {
      name: 'fewer matching pods in the zone scores higher; nodes without the key score 0',
      pod: makePod('p').label('app', 'web').spreadConstraint(1, ZONE, 'ScheduleAnyway', { app: 'web' }),
      existing: [web('w1', 'a1'), web('w2', 'a1'), web('w3', 'b1')],
      // weight ln(3 + 2); raw a=round(2w)=3, b=round(w)=2, c=0 → 100 × (3 + 0 - s) / 3
      want: [0, 33, 100, 0],
    },
    {
      name: 'hostname spreading counts per node',
      pod: makePod('p').label('app', 'web').spreadConstraint(1, 'kubernetes.io/hostname', 'ScheduleAnyway', { app: 'web' }),
      existing: [web('w1', 'a1'), web('w2', 'a1')],
      // 4 candidate nodes, weight ln(6): a1 round(2 × 1.79) = 4, the others 0.
      want: [0, 100, 100, 100],
    },
  ])('$name', ({ pod, existing, want }) => {
    expect(runScore(spec, pod.obj(), nodes(), existing.map((p) => p.obj()))).toEqual(want);
  });
});
