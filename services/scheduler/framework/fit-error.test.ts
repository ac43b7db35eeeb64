import { describe, expect, it } from 'vitest';
import { Diagnosis, FitError } from './fit-error.js';
import { Status } from './status.js';

function diagnosis(statuses: Array<[string, Status]>): Diagnosis {
  const d = new Diagnosis();
  for (const [node, s] of statuses) d.nodeToStatus.set(node, s);
  return d;
}

describe('FitError message', () => {
  it.each([
    {
      name: 'one reason',
      numAllNodes: 2,
      d: diagnosis([
        ['a', Status.unschedulable('Fit', 'Insufficient cpu')],
        ['b', Status.unschedulable('Fit', 'Insufficient cpu')],
      ]),
      want: '0/2 nodes are available: 2 Insufficient cpu.',
    },
    {
      name: 'a node with two reasons counts for both',
      numAllNodes: 1,
      d: diagnosis([['a', Status.unschedulable('Fit', 'Insufficient cpu', 'Insufficient memory')]]),
      want: '0/1 nodes are available: 1 Insufficient cpu, 1 Insufficient memory.',
    },
    {
      name: 'sorted as strings: 10 before 9',
      numAllNodes: 19,
      d: diagnosis([
        ...Array.from({ length: 9 }, (_, i): [string, Status] => [`t${i}`, Status.unresolvable('Taint', 'node(s) had untolerated taint {a: b}')]),
        ...Array.from({ length: 10 }, (_, i): [string, Status] => [`c${i}`, Status.unschedulable('Fit', 'Insufficient cpu')]),
      ]),
      want: '0/19 nodes are available: 10 Insufficient cpu, 9 node(s) had untolerated taint {a: b}.',
    },
    {
      name: 'absent nodes share the absent status',
      numAllNodes: 5,
      d: (() => {
        const d = diagnosis([['a', Status.unresolvable('X', 'No preemption victims found for incoming pod')]]);
        d.nodeToStatus.absentStatus = Status.unresolvable('X', 'Preemption is not helpful for scheduling');
        return d;
      })(),
      want: '0/5 nodes are available: 1 No preemption victims found for incoming pod, 4 Preemption is not helpful for scheduling.',
    },
    {
      name: 'a PreFilter message replaces the histogram',
      numAllNodes: 3,
      d: (() => {
        const d = new Diagnosis();
        d.preFilterMsg = 'pod has unbound immediate PersistentVolumeClaims';
        return d;
      })(),
      want: '0/3 nodes are available: pod has unbound immediate PersistentVolumeClaims.',
    },
    {
      name: 'the PostFilter message follows',
      numAllNodes: 1,
      d: (() => {
        const d = diagnosis([['a', Status.unschedulable('Fit', 'Too many pods')]]);
        d.postFilterMsg = 'preemption: not eligible due to preemptionPolicy=Never.';
        return d;
      })(),
      want: '0/1 nodes are available: 1 Too many pods. preemption: not eligible due to preemptionPolicy=Never.',
    },
  ])('$name', ({ numAllNodes, d, want }) => {
    expect(new FitError(numAllNodes, d).message).toBe(want);
  });
});
