import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { auditLevelFor, parseAuditPolicy } from '../../services/apiserver/index.js';
import { DEFAULT_AUDIT_POLICY } from './audit-policy.js';

const policy = parseAuditPolicy(parse(DEFAULT_AUDIT_POLICY), 'default');
const req = (verb: string, apiGroup: string, resource: string, path = '') => ({
  user: 'u', groups: [], verb, resourceRequest: path === '', apiGroup, resource, subresource: '', namespace: 'default', name: '', path,
});

describe('the default audit policy of kubets up', () => {
  it.each([
    [req('create', '', 'pods'), 'Metadata'],
    [req('get', '', 'secrets'), 'Metadata'],
    [req('update', '', 'configmaps'), 'Metadata'],
    [req('create', 'authentication.k8s.io', 'tokenreviews'), 'Metadata'],
    [req('create', '', 'events'), 'None'],
    [req('get', 'coordination.k8s.io', 'leases'), 'None'],
    [req('update', 'coordination.k8s.io', 'leases'), 'Metadata'],
    [req('get', '', '', '/readyz'), 'None'],
    [req('get', '', '', '/healthz/etcd'), 'None'],
    [req('get', '', '', '/apis'), 'Metadata'],
    [req('get', '', '', '/dashboard/vendor/preact.js'), 'None'],
  ])('%j → %s', (r, level) => {
    expect(auditLevelFor(policy, r).level).toBe(level);
  });
});
