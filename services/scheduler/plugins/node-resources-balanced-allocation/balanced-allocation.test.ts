import { describe, expect, it } from 'vitest';
import { runScore } from '../../testing/harness.js';
import { makeNode, makePod } from '../../testing/builders.js';
import { newBalancedAllocation } from './index.js';
import * as names from '../names.js';

const spec = { name: names.NodeResourcesBalancedAllocation, factory: newBalancedAllocation };

describe('NodeResourcesBalancedAllocation', () => {
  const nodes = () => [makeNode('big').capacity({ cpu: '4', memory: '8Gi' }).obj(), makeNode('small').capacity({ cpu: '2', memory: '4Gi' }).obj()];
  it.each([
    // big: cpu 1/4, memory 4/8 → (1 - 0.125) × 100; small: 1/2 and 1 → (1 - 0.25) × 100.
    { name: 'equal shares score higher', pod: makePod('p').req({ cpu: '1', memory: '4Gi' }), want: [87, 75] },
    { name: 'perfectly balanced', pod: makePod('p').req({ cpu: '2', memory: '4Gi' }), want: [100, 100] },
    { name: 'best-effort pods are skipped', pod: makePod('p'), want: [0, 0] },
  ])('$name', ({ pod, want }) => {
    expect(runScore(spec, pod.obj(), nodes())).toEqual(want);
  });
});
