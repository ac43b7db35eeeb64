import { readFileSync, writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_AUDIT_POLICY } from '../../../cli/up/audit-policy.js';
import { useControlPlane } from '../../harness/use-control-plane.js';
import { eventually, expectApiError, pod } from './helpers.js';
import { restRequest } from './rest-helpers.js';

// The audit log of a real apiserver with kubets up's default policy: Metadata events for gRPC and
// HTTP requests, with the authorization decision and Pod Security annotations, nothing for probes.

const dir = mkdtempSync(join(tmpdir(), 'kubets-audit-'));
const policyFile = join(dir, 'audit-policy.yaml');
writeFileSync(policyFile, DEFAULT_AUDIT_POLICY);
const auditLog = join(dir, 'audit.log');

interface AuditEvent {
  level: string;
  stage: string;
  verb: string;
  requestURI: string;
  user: { username: string };
  sourceIPs: string[];
  objectRef?: { resource: string; namespace?: string; name?: string };
  responseStatus: { code: number; reason?: string };
  annotations?: Record<string, string>;
  requestObject?: unknown;
}

const events = (): AuditEvent[] =>
  readFileSync(auditLog, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as AuditEvent);

describe('audit log', () => {
  const f = useControlPlane({ apiserver: { auditPolicyFile: policyFile, auditLogPath: auditLog } });

  it('records gRPC and HTTP requests at Metadata level, refusals included, and no probes', async () => {
    await f.client.resource('pod').create(pod('audited', 'default'));
    await expectApiError(
      f.client.resource('pod').create(pod('refused', 'default', { hostNetwork: true })),
      'Forbidden',
    );
    await restRequest(f.cp, 'GET', '/api/v1/namespaces/default/configmaps');
    await restRequest(f.cp, 'GET', '/readyz', undefined, { Authorization: '' });

    const created = await eventually(async () => events().find((e) => e.objectRef?.name === 'audited' && e.verb === 'create'), 30_000, 'the create event');
    expect(created).toMatchObject({
      level: 'Metadata',
      stage: 'ResponseComplete',
      requestURI: '/api/v1/namespaces/default/pods',
      user: { username: 'admin' },
      sourceIPs: ['127.0.0.1'],
      objectRef: { resource: 'pods', namespace: 'default', name: 'audited', apiVersion: 'v1' },
      responseStatus: { code: 201 },
      annotations: { 'authorization.k8s.io/decision': 'allow', 'pod-security.kubernetes.io/enforce-policy': 'baseline:latest' },
    });
    expect(created).not.toHaveProperty('requestObject');
    const refused = await eventually(async () => events().find((e) => e.objectRef?.name === 'refused'), 30_000, 'the refusal event');
    expect(refused.responseStatus).toMatchObject({ code: 403, reason: 'Forbidden' });
    const listed = await eventually(async () => events().find((e) => e.requestURI === '/api/v1/namespaces/default/configmaps'), 30_000, 'the HTTP list event');
    expect(listed).toMatchObject({ verb: 'list', level: 'Metadata', responseStatus: { code: 200 }, objectRef: { resource: 'configmaps', namespace: 'default' } });
    expect(events().some((e) => e.requestURI.startsWith('/readyz'))).toBe(false);
    expect(events().some((e) => e.objectRef?.resource === 'events')).toBe(false);
  });
});
