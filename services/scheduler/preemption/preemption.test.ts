import { describe, expect, it } from 'vitest';
import type { Pod } from '../../../lib/api/generated/index.js';
import { CycleState } from '../framework/cycle-state.js';
import { Framework } from '../framework/framework.js';
import { PodInfo } from '../framework/pod-info.js';
import type { Status } from '../framework/status.js';
import { defaultPlugins } from '../plugins/registry.js';
import { makeNode, makePod } from '../testing/builders.js';
import { testCluster } from '../testing/harness.js';
import { ERR_NO_VICTIMS, Preemption, pickCandidate, type Candidate } from './preemption.js';

const EARLY = '2024-01-01T00:00:00Z';
const LATE = '2024-01-01T01:00:00Z';

/** The victims' names, or the reasons the preemptor cannot fit even without them. */
function victimsOn(preemptor: Pod, existing: Pod[]): string[] | string[][] {
  const { handle, snapshot, nodeInfos } = testCluster([makeNode('n').capacity({ cpu: '4', memory: '8Gi' }).obj()], existing);
  const [node] = nodeInfos;
  if (!node) throw new Error('no node');
  const framework = new Framework(handle, defaultPlugins());
  const preemption = new Preemption({ framework, snapshot, nominatedPodsForNode: () => [], random: () => 0 });
  const state = new CycleState();
  const pod = PodInfo.of(preemptor);
  framework.runPreFilterPlugins(state, pod, snapshot.list());
  const result = preemption.selectVictimsOnNode(state, pod, node.clone());
  return Array.isArray(result) ? result.map((v) => v.name) : [[...(result as Status).reasons]];
}

describe('selectVictimsOnNode', () => {
  it.each([
    {
      name: 'keeps the most important pods that still leave room',
      preemptor: makePod('p').priority(10).req({ cpu: '2' }),
      existing: [
        makePod('a').priority(1).req({ cpu: '1' }).node('n'),
        makePod('b').priority(2).req({ cpu: '1' }).node('n'),
        makePod('c').priority(3).req({ cpu: '2' }).node('n'),
      ],
      want: ['b', 'a'],
    },
    {
      name: 'among equal priorities, the pod that started later goes first',
      preemptor: makePod('p').priority(10).req({ cpu: '2' }),
      existing: [
        makePod('young').priority(1).req({ cpu: '2' }).node('n').startTime(LATE),
        makePod('old').priority(1).req({ cpu: '2' }).node('n').startTime(EARLY),
      ],
      want: ['young'],
    },
    {
      name: 'pods of equal or higher priority are never victims',
      preemptor: makePod('p').priority(10).req({ cpu: '2' }),
      existing: [makePod('peer').priority(10).req({ cpu: '3' }).node('n'), makePod('low').priority(0).req({ cpu: '1' }).node('n')],
      want: [['Insufficient cpu']],
    },
    {
      name: 'nothing of lower priority on the node',
      preemptor: makePod('p').priority(0).req({ cpu: '2' }),
      existing: [makePod('peer').priority(0).req({ cpu: '4' }).node('n')],
      want: [[ERR_NO_VICTIMS]],
    },
  ])('$name', ({ preemptor, existing, want }) => {
    expect(victimsOn(preemptor.obj(), existing.map((p) => p.obj()))).toEqual(want);
  });
});

function candidate(nodeName: string, victims: Array<[number, string?]>): Candidate {
  return {
    nodeName,
    victims: victims.map(([priority, start], i) => {
      const b = makePod(`${nodeName}-v${i}`).priority(priority);
      return PodInfo.of((start ? b.startTime(start) : b).obj());
    }),
  };
}

describe('pickCandidate', () => {
  it.each([
    {
      name: 'the lowest most-important victim wins',
      candidates: [candidate('a', [[5]]), candidate('b', [[3], [3], [3]])],
      want: 'b',
    },
    {
      name: 'then the smallest sum of priorities',
      candidates: [candidate('a', [[5], [4]]), candidate('b', [[5], [1]])],
      want: 'b',
    },
    {
      name: 'then the fewest victims',
      candidates: [candidate('a', [[5], [0], [0]]), candidate('b', [[5], [0]])],
      want: 'b',
    },
    {
      name: 'then the latest start of the most important victims',
      candidates: [candidate('a', [[5, EARLY]]), candidate('b', [[5, LATE]])],
      want: 'b',
    },
    {
      name: 'then the first',
      candidates: [candidate('a', [[5, EARLY]]), candidate('b', [[5, EARLY]])],
      want: 'a',
    },
  ])('$name', ({ candidates, want }) => {
    expect(pickCandidate(candidates).nodeName).toBe(want);
  });
});
