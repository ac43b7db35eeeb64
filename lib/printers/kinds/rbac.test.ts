import { describe, expect, it } from 'vitest';
import { resourceByField } from '../../api/resources.js';
import { printTable } from './registry.js';

const now = Date.parse('2024-05-10T12:00:00Z');

describe('RBAC printers', () => {
  it('prints roles with their creation time', () => {
    const out = printTable(resourceByField('clusterRole'), [{ metadata: { name: 'view', creationTimestamp: '2024-05-10T11:00:00Z' } }], { now });
    expect(out).toBe('NAME   CREATED AT\nview   2024-05-10T11:00:00Z\n');
  });

  it('prints bindings with their role, and their subjects with -o wide', () => {
    const binding = {
      metadata: { name: 'dev-edit', creationTimestamp: '2024-05-10T11:00:00Z' },
      roleRef: { kind: 'ClusterRole', name: 'edit' },
      subjects: [{ kind: 'User', name: 'jane' }, { kind: 'Group', name: 'devs' }, { kind: 'ServiceAccount', namespace: 'dev', name: 'ci' }],
    };
    expect(printTable(resourceByField('roleBinding'), [binding], { now })).toBe('NAME       ROLE               AGE\ndev-edit   ClusterRole/edit   60m\n');
    expect(printTable(resourceByField('roleBinding'), [binding], { now, wide: true })).toBe(
      'NAME       ROLE               AGE   USERS   GROUPS   SERVICEACCOUNTS\ndev-edit   ClusterRole/edit   60m   jane    devs     dev:ci\n',
    );
  });
});
