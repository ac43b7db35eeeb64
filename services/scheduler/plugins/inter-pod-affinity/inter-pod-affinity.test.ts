import { describe, expect, it } from 'vitest';
import { filterReasons, runScore } from '../../testing/harness.js';
import { makeNode, makePod } from '../../testing/builders.js';
import { ERR_REASON_AFFINITY, ERR_REASON_ANTI_AFFINITY, ERR_REASON_EXISTING_ANTI_AFFINITY, newInterPodAffinity } from './index.js';
import * as names from '../names.js';

const spec = { name: names.InterPodAffinity, factory: newInterPodAffinity };
const ZONE = 'topology.kubernetes.io/zone';
const HOST = 'kubernetes.io/hostname';

/** a1, a2 in zone a; b1 in zone b; x1 without a zone label. */
const nodes = () => [
  makeNode('a1').label(ZONE, 'a').obj(),
  makeNode('a2').label(ZONE, 'a').obj(),
  makeNode('b1').label(ZONE, 'b').obj(),
  makeNode('x1').obj(),
];

describe('InterPodAffinity filter', () => {
  it.each([
    { name: 'no affinity anywhere', pod: makePod('p'), existing: [], want: [[], [], [], []] },
    {
      name: 'required affinity to a zone that runs a db',
      pod: makePod('p').podAffinity(ZONE, { app: 'db' }),
      existing: [makePod('db').label('app', 'db').node('a1')],
      want: [[], [], [ERR_REASON_AFFINITY], [ERR_REASON_AFFINITY]],
    },
    {
      name: 'affinity looks in the pod\'s own namespace by default',
      pod: makePod('p').podAffinity(ZONE, { app: 'db' }),
      existing: [makePod('db', 'other').label('app', 'db').node('a1'), makePod('db2').label('app', 'db').node('b1')],
      want: [[ERR_REASON_AFFINITY], [ERR_REASON_AFFINITY], [], [ERR_REASON_AFFINITY]],
    },
    {
      name: 'the first pod of a self-affine group may go anywhere with the topology key',
      pod: makePod('p').label('app', 'web').podAffinity(ZONE, { app: 'web' }),
      existing: [],
      want: [[], [], [], [ERR_REASON_AFFINITY]],
    },
    {
      name: 'required anti-affinity by hostname',
      pod: makePod('p').label('app', 'web').podAntiAffinity(HOST, { app: 'web' }),
      existing: [makePod('web').label('app', 'web').node('a1')],
      want: [[ERR_REASON_ANTI_AFFINITY], [], [], []],
    },
    {
      name: 'required anti-affinity by zone',
      pod: makePod('p').label('app', 'web').podAntiAffinity(ZONE, { app: 'web' }),
      existing: [makePod('web').label('app', 'web').node('a1')],
      want: [[ERR_REASON_ANTI_AFFINITY], [ERR_REASON_ANTI_AFFINITY], [], []],
    },
    {
      name: 'existing pods\' anti-affinity applies to the incoming pod (symmetry)',
      pod: makePod('p').label('app', 'web'),
      existing: [makePod('lonely').podAntiAffinity(ZONE, { app: 'web' }).node('b1')],
      want: [[], [], [ERR_REASON_EXISTING_ANTI_AFFINITY], []],
    },
    {
      name: 'namespaces list widens the term',
      pod: makePod('p').podAffinity(ZONE, { app: 'db' }, { namespaces: ['other'] }),
      existing: [makePod('db', 'other').label('app', 'db').node('b1')],
      want: [[ERR_REASON_AFFINITY], [ERR_REASON_AFFINITY], [], [ERR_REASON_AFFINITY]],
    },
    {
      name: 'an empty namespaceSelector selects every namespace',
      pod: makePod('p').podAntiAffinity(HOST, { app: 'db' }, { namespaceSelector: {} }),
      existing: [makePod('db', 'other').label('app', 'db').node('a2')],
      want: [[], [ERR_REASON_ANTI_AFFINITY], [], []],
    },
    {
      name: 'a namespaceSelector matches namespace labels',
      pod: makePod('p').podAntiAffinity(HOST, { app: 'db' }, { namespaceSelector: { matchLabels: { team: 'data' } } }),
      existing: [makePod('db', 'data').label('app', 'db').node('a2'), makePod('db', 'web').label('app', 'db').node('b1')],
      want: [[], [ERR_REASON_ANTI_AFFINITY], [], []],
    },
  ])('$name', ({ pod, existing, want }) => {
    const nsLabels = { data: { team: 'data' }, web: { team: 'web' } };
    expect(filterReasons([spec], pod.obj(), nodes(), existing.map((p) => p.obj()), nsLabels)).toEqual(want);
  });
});

describe('InterPodAffinity score', () => {
  it.each([
    { name: 'nothing to score', pod: makePod('p'), existing: [makePod('db').label('app', 'db').node('a1')], want: [0, 0, 0, 0] },
    {
      name: 'preferred affinity favours the db\'s zone',
      pod: makePod('p').preferredPodAffinity(10, ZONE, { app: 'db' }),
      existing: [makePod('db').label('app', 'db').node('a1')],
      want: [100, 100, 0, 0],
    },
    {
      name: 'preferred anti-affinity avoids it',
      pod: makePod('p').preferredPodAntiAffinity(10, ZONE, { app: 'db' }),
      existing: [makePod('db').label('app', 'db').node('a1')],
      want: [0, 0, 100, 100],
    },
    {
      name: 'existing pods\' required affinity to the incoming pod attracts it',
      pod: makePod('p').label('app', 'cache'),
      existing: [makePod('web').podAffinity(HOST, { app: 'cache' }).node('b1')],
      want: [0, 0, 100, 0],
    },
    {
      name: 'existing pods\' preferred anti-affinity repels it',
      pod: makePod('p').label('app', 'noisy'),
      existing: [makePod('quiet').preferredPodAntiAffinity(5, ZONE, { app: 'noisy' }).node('b1')],
      want: [100, 100, 0, 100],
    },
  ])('$name', ({ pod, existing, want }) => {
    expect(runScore(spec, pod.obj(), nodes(), existing.map((p) => p.obj()))).toEqual(want);
  });
});
