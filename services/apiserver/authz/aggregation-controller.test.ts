import { describe, expect, it } from 'vitest';
import type { ClusterRole } from '../../../lib/api/generated/index.js';
import { aggregatedRules } from './aggregation-controller.js';

const role = (name: string, labels: Record<string, string>, resources: string[]): ClusterRole => ({
  metadata: { name, labels },
  rules: resources.map((r) => ({ verbs: ['get'], apiGroups: [''], resources: [r] })),
});

describe('aggregatedRules', () => {
  it('unites the rules of the matching roles once each, in name order, never its own', () => {
    const view: ClusterRole = { metadata: { name: 'view', labels: { agg: 'true' } }, aggregationRule: { clusterRoleSelectors: [{ matchLabels: { agg: 'true' } }] }, rules: [{ verbs: ['x'] }] };
    const all = [view, role('b', { agg: 'true' }, ['pods', 'services']), role('a', { agg: 'true' }, ['pods', 'secrets']), role('c', {}, ['nodes'])];
    expect(aggregatedRules(view, all).map((r) => r.resources?.[0])).toEqual(['pods', 'secrets', 'services']);
  });

  // Go's byte order, where upper case comes before lower case, not the locale's collation.
  it('orders the roles by the bytes of their names', () => {
    const view: ClusterRole = { metadata: { name: 'view' }, aggregationRule: { clusterRoleSelectors: [{ matchLabels: { agg: 'true' } }] } };
    const all = [view, role('alpha', { agg: 'true' }, ['pods']), role('Zeta', { agg: 'true' }, ['nodes'])];
    expect(aggregatedRules(view, all).map((r) => r.resources?.[0])).toEqual(['nodes', 'pods']);
  });
});
