import { describe, expect, it } from 'vitest';
import type { ReplicaSet } from '../../lib/api/generated/index.js';
import { formatHistory, replicaSetForRevision } from './history.js';

const rs = (name: string, revision: string | undefined, image: string, cause?: string): ReplicaSet => ({
  metadata: {
    name,
    annotations: { ...(revision ? { 'deployment.kubernetes.io/revision': revision } : {}), ...(cause ? { 'kubernetes.io/change-cause': cause } : {}) },
  },
  spec: { template: { metadata: { labels: { app: 'web', 'pod-template-hash': name } }, spec: { containers: [{ name: 'web', image }] } } },
});

describe('rollout history', () => {
  it('prints kubectl\'s table sorted by revision', () => {
    expect(formatHistory([rs('b', '10', 'v2'), rs('a', '2', 'v1', 'kubets apply'), rs('c', undefined, 'v0')])).toBe(
      'REVISION  CHANGE-CAUSE\n2         kubets apply\n10        <none>\n',
    );
    expect(formatHistory([])).toBe('No rollout history found.');
  });

  it('finds the previous or a given revision', () => {
    const all = [rs('a', '1', 'v1'), rs('c', '3', 'v3'), rs('b', '2', 'v2')];
    expect(replicaSetForRevision('web', all, 0).metadata?.name).toBe('b');
    expect(replicaSetForRevision('web', all, 1).metadata?.name).toBe('a');
    expect(() => replicaSetForRevision('web', all, 7)).toThrow('unable to find specified revision 7 in history');
    expect(() => replicaSetForRevision('web', [all[0]!], 0)).toThrow('no revision found for deployment "web"');
    expect(() => replicaSetForRevision('web', [], 0)).toThrow('no rollout history found for deployment "web"');
  });
});
