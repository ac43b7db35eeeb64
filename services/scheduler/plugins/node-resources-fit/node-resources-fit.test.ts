import { describe, expect, it } from 'vitest';
import { filterReasons, runScore } from '../../testing/harness.js';
import { makeNode, makePod } from '../../testing/builders.js';
import { newNodeResourcesFit } from './index.js';
import * as names from '../names.js';

const spec = { name: names.NodeResourcesFit, factory: newNodeResourcesFit };
const node = () => makeNode('n').capacity({ cpu: '2', memory: '4Gi', 'ephemeral-storage': '10Gi', 'example.com/gpu': '1' });

describe('NodeResourcesFit filter', () => {
  it.each([
    { name: 'fits', pod: makePod('p').req({ cpu: '1', memory: '1Gi' }), existing: [], want: [] },
    { name: 'exactly fills the node', pod: makePod('p').req({ cpu: '2', memory: '4Gi' }), existing: [], want: [] },
    { name: 'insufficient cpu', pod: makePod('p').req({ cpu: '2500m' }), existing: [], want: ['Insufficient cpu'] },
    { name: 'insufficient memory', pod: makePod('p').req({ memory: '5Gi' }), existing: [], want: ['Insufficient memory'] },
    { name: 'both, in cpu-memory order', pod: makePod('p').req({ memory: '5Gi', cpu: '3' }), existing: [], want: ['Insufficient cpu', 'Insufficient memory'] },
    { name: 'insufficient ephemeral storage', pod: makePod('p').req({ 'ephemeral-storage': '11Gi' }), existing: [], want: ['Insufficient ephemeral-storage'] },
    { name: 'insufficient extended resource', pod: makePod('p').req({ 'example.com/gpu': '2' }), existing: [], want: ['Insufficient example.com/gpu'] },
    {
      name: 'existing pods count',
      pod: makePod('p').req({ cpu: '1' }),
      existing: [makePod('old').req({ cpu: '1500m' }).node('n')],
      want: ['Insufficient cpu'],
    },
    {
      name: 'requests summed over containers',
      pod: makePod('p').req({ cpu: '1' }).req({ cpu: '1100m' }),
      existing: [],
      want: ['Insufficient cpu'],
    },
    {
      name: 'init containers count as their maximum, not their sum',
      pod: makePod('p').initReq({ cpu: '2' }).initReq({ cpu: '2' }).req({ cpu: '500m' }),
      existing: [],
      want: [],
    },
    { name: 'a big init container raises the request', pod: makePod('p').initReq({ cpu: '3' }).req({ cpu: '500m' }), existing: [], want: ['Insufficient cpu'] },
    { name: 'limits stand in for missing requests', pod: makePod('p').limits({ cpu: '3' }), existing: [], want: ['Insufficient cpu'] },
    {
      name: 'too many pods',
      pod: makePod('p'),
      existing: [makePod('a').node('n'), makePod('b').node('n')],
      nodeOverride: node().allocatable({ pods: '2' }),
      want: ['Too many pods'],
    },
    {
      name: 'too many pods comes first',
      pod: makePod('p').req({ cpu: '3' }),
      existing: [makePod('a').node('n')],
      nodeOverride: node().allocatable({ pods: '1' }),
      want: ['Too many pods', 'Insufficient cpu'],
    },
    {
      name: 'a best-effort pod fits a full node',
      pod: makePod('p'),
      existing: [makePod('a').req({ cpu: '2', memory: '4Gi' }).node('n')],
      want: [],
    },
  ])('$name', ({ pod, existing, want, nodeOverride }) => {
    const n = (nodeOverride ?? node()).obj();
    expect(filterReasons([spec], pod.obj(), [n], existing.map((p) => p.obj()))).toEqual([want]);
  });
});

describe('NodeResourcesFit score (LeastAllocated)', () => {
  const nodes = () => [makeNode('empty').capacity({ cpu: '4', memory: '8Gi' }).obj(), makeNode('busy').capacity({ cpu: '4', memory: '8Gi' }).obj()];
  const busy = [makePod('old').req({ cpu: '2', memory: '4Gi' }).node('busy').obj()];
  it.each([
    { name: 'emptier nodes score higher', pod: makePod('p').req({ cpu: '1', memory: '2Gi' }), want: [75, 25] },
    // 100m and 200Mi stand in for the missing requests: cpu (4000-100)/4000 → 97, memory (8192-200)/8192 → 97.
    { name: 'best-effort pods count as 100m / 200Mi', pod: makePod('p'), want: [97, 47] },
  ])('$name', ({ pod, want }) => {
    expect(runScore(spec, pod.obj(), nodes(), busy)).toEqual(want);
  });
});
