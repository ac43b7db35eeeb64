import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { auditLevelFor, parseAuditPolicy, type AuditRequest } from './policy.js';

const policy = parseAuditPolicy(
  parse(`
apiVersion: audit.k8s.io/v1
kind: Policy
omitStages: [RequestReceived]
rules:
  - level: None
    users: ["system:kube-proxy"]
    verbs: ["watch"]
  - level: None
    nonResourceURLs: ["/healthz*", "/livez", "/readyz"]
  - level: None
    resources: [{group: "", resources: ["events"]}]
  - level: Metadata
    resources: [{group: "", resources: ["secrets", "configmaps"]}]
  - level: Request
    userGroups: ["system:nodes"]
    resources: [{group: "", resources: ["pods/status"]}]
  - level: RequestResponse
    namespaces: ["prod"]
    resources: [{group: "apps", resources: ["*/scale"]}, {group: "", resources: ["pods"], resourceNames: ["db"]}]
  - level: Metadata
    omitStages: [ResponseStarted]
`),
  'policy.yaml',
);

const request = (over: Partial<AuditRequest>): AuditRequest => ({
  user: 'alice',
  groups: ['system:authenticated'],
  verb: 'get',
  resourceRequest: true,
  apiGroup: '',
  resource: 'pods',
  subresource: '',
  namespace: 'default',
  name: '',
  path: '',
  ...over,
});

describe('audit policy', () => {
  it.each([
    ['the first matching rule, by user and verb', request({ user: 'system:kube-proxy', verb: 'watch', resource: 'services' }), 'None'],
    ['other verbs of the same user fall through', request({ user: 'system:kube-proxy', verb: 'list', resource: 'services' }), 'Metadata'],
    ['a path prefix', request({ resourceRequest: false, resource: '', path: '/healthz/etcd' }), 'None'],
    ['an exact path', request({ resourceRequest: false, resource: '', path: '/readyz' }), 'None'],
    ['resources of the core group', request({ resource: 'secrets' }), 'Metadata'],
    ['events', request({ resource: 'events', verb: 'create' }), 'None'],
    ['a subresource by user group', request({ resource: 'pods', subresource: 'status', verb: 'update', groups: ['system:nodes'] }), 'Request'],
    ['a subresource not named', request({ resource: 'pods', subresource: 'status', verb: 'update' }), 'Metadata'],
    ['*/scale in a namespace', request({ apiGroup: 'apps', resource: 'deployments', subresource: 'scale', namespace: 'prod' }), 'RequestResponse'],
    ['*/scale in another namespace', request({ apiGroup: 'apps', resource: 'deployments', subresource: 'scale', namespace: 'dev' }), 'Metadata'],
    ['a resource name', request({ name: 'db', namespace: 'prod' }), 'RequestResponse'],
    ['another name', request({ name: 'web', namespace: 'prod' }), 'Metadata'],
  ])('%s', (_name, req, level) => {
    expect(auditLevelFor(policy, req).level).toBe(level);
  });

  it('omits the policy stages and the rule stages', () => {
    expect(auditLevelFor(policy, request({ resource: 'nodes' })).omitStages).toEqual(['RequestReceived', 'ResponseStarted']);
  });

  it('audits nothing a rule does not match', () => {
    expect(auditLevelFor(parseAuditPolicy({ apiVersion: 'audit.k8s.io/v1', kind: 'Policy', rules: [] }, 'p'), request({})).level).toBe('None');
  });

  it('refuses a policy it cannot read, naming the field', () => {
    expect(() => parseAuditPolicy({ apiVersion: 'audit.k8s.io/v1', kind: 'Policy', rules: [{ level: 'Everything' }] }, 'p.yaml')).toThrow(
      'p.yaml: rules[0].level: Unsupported value: "Everything": supported values: None, Metadata, Request, RequestResponse',
    );
    expect(() => parseAuditPolicy({ apiVersion: 'v1', kind: 'Policy', rules: [] }, 'p.yaml')).toThrow('p.yaml: apiVersion must be audit.k8s.io/v1, not "v1"');
    expect(() => parseAuditPolicy({ apiVersion: 'audit.k8s.io/v1', kind: 'Policy', rules: [{ level: 'None', omitStages: ['Later'] }] }, 'p.yaml')).toThrow(/rules\[0\].omitStages: Unsupported value: "Later"/);
  });
});
