import { describe, expect, it } from 'vitest';
import { resourceAttributes } from '../authz/attributes.js';
import { newRequestScope } from '../request-scope.js';
import { Auditor } from './auditor.js';
import type { AuditLogWriter } from './log-writer.js';
import { parseAuditPolicy } from './policy.js';

const policy = parseAuditPolicy(
  {
    apiVersion: 'audit.k8s.io/v1',
    kind: 'Policy',
    rules: [
      { level: 'None', nonResourceURLs: ['/readyz'] },
      { level: 'RequestResponse', resources: [{ group: '', resources: ['configmaps'] }] },
      { level: 'Metadata' },
    ],
  },
  'p',
);

function auditor() {
  const events: Record<string, unknown>[] = [];
  return { events, auditor: new Auditor(policy, { write: (e: object) => events.push(e as Record<string, unknown>) } as unknown as AuditLogWriter) };
}

const alice = { name: 'alice', groups: ['dev', 'system:authenticated'] };

describe('Auditor', () => {
  it('writes an audit.k8s.io/v1 Event for a gRPC write, with the HTTP URI of the same request', () => {
    const { events, auditor: a } = auditor();
    const scope = { ...newRequestScope(), user: alice, attributes: resourceAttributes(alice, 'create', { apiGroup: '', resource: 'pods', namespace: 'default', name: 'web' }) };
    scope.annotations['authorization.k8s.io/decision'] = 'allow';
    scope.requestObject = { metadata: { name: 'web' } };
    a.record({ scope, receivedAt: new Date('2026-01-02T03:04:05.678Z'), method: 'Create', sourceIP: '127.0.0.1', userAgent: 'grpc-node-js/1.14', code: 201 });
    expect(events).toEqual([
      {
        kind: 'Event',
        apiVersion: 'audit.k8s.io/v1',
        level: 'Metadata',
        auditID: expect.stringMatching(/^[0-9a-f-]{36}$/),
        stage: 'ResponseComplete',
        requestURI: '/api/v1/namespaces/default/pods/web',
        verb: 'create',
        user: { username: 'alice', groups: ['dev', 'system:authenticated'] },
        sourceIPs: ['127.0.0.1'],
        userAgent: 'grpc-node-js/1.14',
        objectRef: { resource: 'pods', namespace: 'default', name: 'web', apiVersion: 'v1' },
        responseStatus: { metadata: {}, code: 201 },
        requestReceivedTimestamp: '2026-01-02T03:04:05.678000Z',
        stageTimestamp: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/),
        annotations: { 'authorization.k8s.io/decision': 'allow' },
      },
    ]);
  });

  it('adds the objects at RequestResponse and the failure of a refused request', () => {
    const { events, auditor: a } = auditor();
    const scope = { ...newRequestScope(), user: alice, attributes: resourceAttributes(alice, 'update', { apiGroup: '', resource: 'configmaps', namespace: 'default', name: 'c' }) };
    scope.requestObject = { metadata: { name: 'c' }, data: { a: '1' } } as never;
    scope.responseObject = { metadata: { name: 'c', resourceVersion: '5' }, data: { a: '1' } } as never;
    a.record({ scope, receivedAt: new Date(), requestURI: '/api/v1/namespaces/default/configmaps/c', method: 'PUT', sourceIP: '::1', code: 409, failure: { reason: 'Conflict', message: 'changed' } });
    expect(events[0]).toMatchObject({
      level: 'RequestResponse',
      requestURI: '/api/v1/namespaces/default/configmaps/c',
      requestObject: { kind: 'ConfigMap', apiVersion: 'v1', data: { a: '1' } },
      responseObject: { kind: 'ConfigMap', metadata: { resourceVersion: '5' } },
      responseStatus: { metadata: {}, code: 409, status: 'Failure', reason: 'Conflict', message: 'changed' },
    });
  });

  it('skips what the policy leaves out, and names unauthenticated requests anonymous', () => {
    const { events, auditor: a } = auditor();
    a.record({ scope: newRequestScope(), receivedAt: new Date(), requestURI: '/readyz', method: 'GET', sourceIP: '127.0.0.1', code: 200 });
    a.record({ scope: newRequestScope(), receivedAt: new Date(), requestURI: '/version?x=1', method: 'GET', sourceIP: '127.0.0.1', code: 200 });
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ requestURI: '/version?x=1', verb: 'get', user: { username: 'system:anonymous', groups: ['system:unauthenticated'] } });
    expect(events[0]).not.toHaveProperty('objectRef');
  });
});
