import { describe, expect, it } from 'vitest';
import type { Pod } from '../../../lib/api/generated/index.js';
import { podsToDelete } from './pods-to-delete.js';

interface PodOpts {
  node?: string;
  phase?: string;
  readySince?: string;
  restarts?: number;
  created?: string;
  cost?: number;
}

function pod(name: string, o: PodOpts = {}): Pod {
  return {
    metadata: {
      name,
      creationTimestamp: o.created ?? '2024-01-01T00:00:00Z',
      ...(o.cost !== undefined ? { annotations: { 'controller.kubernetes.io/pod-deletion-cost': String(o.cost) } } : {}),
    },
    spec: o.node ? { nodeName: o.node } : {},
    status: {
      phase: o.phase ?? 'Running',
      ...(o.readySince ? { conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: o.readySince }] } : {}),
      ...(o.restarts !== undefined ? { containerStatuses: [{ name: 'c', restartCount: o.restarts }] } : {}),
    },
  };
}

const names = (pods: Pod[]): string[] => pods.map((p) => p.metadata?.name ?? '');
const ready = '2024-01-01T00:00:00Z';

describe('podsToDelete (ActivePods ranking)', () => {
  it.each([
    ['unscheduled before scheduled', [pod('scheduled', { node: 'n1', readySince: ready }), pod('unscheduled', { phase: 'Pending' })], 'unscheduled'],
    ['Pending before Running', [pod('running', { node: 'n1' }), pod('pending', { node: 'n1', phase: 'Pending' })], 'pending'],
    ['Unknown before Running', [pod('running', { node: 'n1' }), pod('unknown', { node: 'n1', phase: 'Unknown' })], 'unknown'],
    ['not ready before ready', [pod('ready', { node: 'n1', readySince: ready }), pod('not-ready', { node: 'n1' })], 'not-ready'],
    ['lower deletion cost first', [pod('costly', { node: 'n1', cost: 100 }), pod('cheap', { node: 'n2', cost: -5 })], 'cheap'],
    ['doubled-up before alone', [pod('alone', { node: 'n1', readySince: ready }), pod('double-a', { node: 'n2', readySince: ready }), pod('double-b', { node: 'n2', readySince: ready, created: '2023-01-01T00:00:00Z' })], 'double-a'],
    ['more recently ready first', [pod('old-ready', { node: 'n1', readySince: '2024-01-01T00:00:00Z' }), pod('new-ready', { node: 'n2', readySince: '2024-02-01T00:00:00Z' })], 'new-ready'],
    ['more restarts first', [pod('steady', { node: 'n1', restarts: 0 }), pod('flappy', { node: 'n2', restarts: 7 })], 'flappy'],
    ['newer first', [pod('older', { node: 'n1', created: '2024-01-01T00:00:00Z' }), pod('newer', { node: 'n2', created: '2024-03-01T00:00:00Z' })], 'newer'],
  ])('%s', (_title, pods, first) => {
    expect(names(podsToDelete(pods, pods, 1))).toEqual([first]);
  });

  it('returns every pod when asked for as many or more', () => {
    const pods = [pod('a'), pod('b')];
    expect(names(podsToDelete(pods, pods, 5)).sort()).toEqual(['a', 'b']);
  });

  it('counts sibling pods when deciding which node is doubled up', () => {
    const own = [pod('on-n1', { node: 'n1' }), pod('on-n2', { node: 'n2', created: '2025-01-01T00:00:00Z' })];
    const sibling = pod('sibling', { node: 'n1' });
    expect(names(podsToDelete(own, [...own, sibling], 1))).toEqual(['on-n1']);
  });
});
