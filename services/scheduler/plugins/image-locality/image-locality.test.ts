import { describe, expect, it } from 'vitest';
import { CycleState } from '../../framework/cycle-state.js';
import { Framework } from '../../framework/framework.js';
import { PodInfo } from '../../framework/pod-info.js';
import { runScore, testCluster } from '../../testing/harness.js';
import { makeNode, makePod } from '../../testing/builders.js';
import { newImageLocality } from './index.js';
import * as names from '../names.js';

const spec = { name: names.ImageLocality, factory: newImageLocality };
const MB = 1024 * 1024;

describe('ImageLocality', () => {
  it.each([
    {
      // 500 MB spread over 1 of 2 nodes counts 250 MB: 100 × (250 - 23) / (1000 - 23).
      name: 'an image on one of two nodes',
      pod: makePod('p').container('app:v1'),
      nodes: [makeNode('a').image(['app:v1'], 500 * MB), makeNode('b')],
      want: [23, 0],
    },
    {
      name: 'an image on every node counts in full',
      pod: makePod('p').container('app:v1'),
      nodes: [makeNode('a').image(['app:v1'], 500 * MB), makeNode('b').image(['app:v1'], 500 * MB)],
      want: [48, 48],
    },
    {
      name: 'an untagged image means :latest',
      pod: makePod('p').container('registry.local:5000/app'),
      nodes: [makeNode('a').image(['registry.local:5000/app:latest'], 2000 * MB), makeNode('b')],
      want: [100, 0],
    },
    {
      name: 'small images score nothing',
      pod: makePod('p').container('tiny:v1'),
      nodes: [makeNode('a').image(['tiny:v1'], 10 * MB), makeNode('b')],
      want: [0, 0],
    },
  ])('$name', ({ pod, nodes, want }) => {
    expect(runScore(spec, pod.obj(), nodes.map((n) => n.obj()))).toEqual(want);
  });

  it('skips scoring when no node holds any of the pod\'s images, and scores when one does', () => {
    const pod = PodInfo.of(makePod('p').container('app:v1').container('side:v2').obj());
    const skipped = (nodes: ReturnType<typeof makeNode>[]): boolean => {
      const { handle, nodeInfos } = testCluster(nodes.map((n) => n.obj()));
      const state = new CycleState();
      new Framework(handle, [spec]).runPreScorePlugins(state, pod, nodeInfos);
      return state.skipScorePlugins.has(names.ImageLocality);
    };
    expect(skipped([makeNode('a'), makeNode('b').image(['other:v1'], 500 * MB)])).toBe(true);
    expect(skipped([makeNode('a'), makeNode('b').image(['side:v2'], 500 * MB)])).toBe(false);
  });
});
