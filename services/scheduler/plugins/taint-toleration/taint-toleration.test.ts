import { describe, expect, it } from 'vitest';
import type { Node } from '../../../../lib/api/generated/index.js';
import { CycleState } from '../../framework/cycle-state.js';
import { Framework } from '../../framework/framework.js';
import { PodInfo } from '../../framework/pod-info.js';
import { filterReasons, runScore, testCluster } from '../../testing/harness.js';
import { makeNode, makePod } from '../../testing/builders.js';
import { newTaintToleration } from './index.js';
import * as names from '../names.js';

const spec = { name: names.TaintToleration, factory: newTaintToleration };

describe('TaintToleration filter', () => {
  it.each([
    { name: 'no taints', pod: makePod('p'), node: makeNode('n'), want: [] },
    {
      name: 'untolerated NoSchedule taint',
      pod: makePod('p'),
      node: makeNode('n').taint('dedicated', 'gpu', 'NoSchedule'),
      want: ['node(s) had untolerated taint {dedicated: gpu}'],
    },
    {
      name: 'untolerated NoExecute taint',
      pod: makePod('p'),
      node: makeNode('n').taint('dedicated', 'gpu', 'NoExecute'),
      want: ['node(s) had untolerated taint {dedicated: gpu}'],
    },
    {
      name: 'taint without a value',
      pod: makePod('p'),
      node: makeNode('n').taint('node-role.kubernetes.io/control-plane', '', 'NoSchedule'),
      want: ['node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }'],
    },
    { name: 'PreferNoSchedule never filters', pod: makePod('p'), node: makeNode('n').taint('dedicated', 'gpu', 'PreferNoSchedule'), want: [] },
    {
      name: 'tolerated with Equal',
      pod: makePod('p').toleration({ key: 'dedicated', operator: 'Equal', value: 'gpu', effect: 'NoSchedule' }),
      node: makeNode('n').taint('dedicated', 'gpu'),
      want: [],
    },
    {
      name: 'Equal with another value does not tolerate',
      pod: makePod('p').toleration({ key: 'dedicated', operator: 'Equal', value: 'cpu', effect: 'NoSchedule' }),
      node: makeNode('n').taint('dedicated', 'gpu'),
      want: ['node(s) had untolerated taint {dedicated: gpu}'],
    },
    {
      name: 'tolerated with Exists and no effect',
      pod: makePod('p').toleration({ key: 'dedicated', operator: 'Exists' }),
      node: makeNode('n').taint('dedicated', 'gpu', 'NoExecute'),
      want: [],
    },
    {
      name: 'toleration for another effect',
      pod: makePod('p').toleration({ key: 'dedicated', operator: 'Exists', effect: 'NoExecute' }),
      node: makeNode('n').taint('dedicated', 'gpu', 'NoSchedule'),
      want: ['node(s) had untolerated taint {dedicated: gpu}'],
    },
    {
      name: 'empty key with Exists tolerates everything',
      pod: makePod('p').toleration({ operator: 'Exists' }),
      node: makeNode('n').taint('a', '1').taint('b', '2', 'NoExecute'),
      want: [],
    },
    {
      name: 'the first untolerated taint is reported',
      pod: makePod('p').toleration({ key: 'a', operator: 'Exists' }),
      node: makeNode('n').taint('a', '1').taint('b', '2').taint('c', '3'),
      want: ['node(s) had untolerated taint {b: 2}'],
    },
  ])('$name', ({ pod, node, want }) => {
    expect(filterReasons([spec], pod.obj(), [node.obj()])).toEqual([want]);
  });
});

describe('TaintToleration score', () => {
  const nodes = () => [
    makeNode('clean').obj(),
    makeNode('one').taint('a', '1', 'PreferNoSchedule').obj(),
    makeNode('two').taint('a', '1', 'PreferNoSchedule').taint('b', '2', 'PreferNoSchedule').obj(),
  ];
  it.each([
    { name: 'fewer untolerated PreferNoSchedule taints score higher', pod: makePod('p'), want: [100, 50, 0] },
    { name: 'tolerated taints do not count', pod: makePod('p').toleration({ key: 'a', operator: 'Exists', effect: 'PreferNoSchedule' }), want: [100, 100, 0] },
    { name: 'tolerations with no effect count as PreferNoSchedule', pod: makePod('p').toleration({ operator: 'Exists' }), want: [100, 100, 100] },
    {
      name: 'NoSchedule tolerations do not help scoring',
      pod: makePod('p').toleration({ key: 'a', operator: 'Exists', effect: 'NoSchedule' }),
      want: [100, 50, 0],
    },
  ])('$name', ({ pod, want }) => {
    expect(runScore(spec, pod.obj(), nodes())).toEqual(want);
  });

  it('skips scoring when no feasible node has a PreferNoSchedule taint', () => {
    const pod = PodInfo.of(makePod('p').obj());
    const skipped = (nodes: Node[]): boolean => {
      const { handle, nodeInfos } = testCluster(nodes);
      const state = new CycleState();
      new Framework(handle, [spec]).runPreScorePlugins(state, pod, nodeInfos);
      return state.skipScorePlugins.has(names.TaintToleration);
    };
    expect(skipped([makeNode('clean').obj(), makeNode('hard').taint('a', '1', 'NoSchedule').obj()])).toBe(true);
    expect(skipped(nodes())).toBe(false);
  });
});
