import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startControlPlane, type ControlPlane } from '../../harness/control-plane.js';
import { kubectl, requireKubectl, restRequest, writeKubeconfig } from './rest-helpers.js';

// The HTTP API authorizes every request as the gRPC API does: RBAC by the caller's identity,
// impersonation by header for those allowed to, and Kubernetes' Forbidden messages.

let cp: ControlPlane;
const bearer = (user: string) => ({ Authorization: `Bearer ${cp.tokenOf(user)}` });

beforeAll(async () => {
  cp = await startControlPlane({ users: [{ name: 'jane' }, { name: 'viewer' }] });
  const admin = cp.client();
  await admin.resource('namespace').create({ metadata: { name: 'dev' } });
  await admin.resource('roleBinding').create({
    metadata: { name: 'viewer-view', namespace: 'dev' },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'view' },
    subjects: [{ kind: 'User', apiGroup: 'rbac.authorization.k8s.io', name: 'viewer' }],
  });
  await admin.resource('configMap').create({ metadata: { name: 'settings', namespace: 'dev' }, data: { mode: 'fast' } });
});

afterAll(() => cp?.stop());

describe('HTTP API authorization', () => {
  it('refuses what the caller has no role for, in kube-apiserver\'s words', async () => {
    const res = await restRequest(cp, 'GET', '/api/v1/namespaces/dev/configmaps', undefined, bearer('jane'));
    expect(res.status).toBe(403);
    expect(res.json()).toMatchObject({
      kind: 'Status',
      reason: 'Forbidden',
      code: 403,
      message: 'configmaps is forbidden: User "jane" cannot list resource "configmaps" in API group "" in the namespace "dev"',
    });
    // Discovery is open to every authenticated user (system:discovery).
    expect((await restRequest(cp, 'GET', '/api/v1', undefined, bearer('jane'))).status).toBe(200);
  });

  it('allows what a binding grants and nothing past it', async () => {
    expect((await restRequest(cp, 'GET', '/api/v1/namespaces/dev/configmaps/settings', undefined, bearer('viewer'))).status).toBe(200);
    const write = await restRequest(cp, 'PATCH', '/api/v1/namespaces/dev/configmaps/settings', '{"data":{"mode":"slow"}}', {
      ...bearer('viewer'),
      'Content-Type': 'application/merge-patch+json',
    });
    expect(write.status).toBe(403);
    expect(write.json<{ message: string }>().message).toBe('configmaps "settings" is forbidden: User "viewer" cannot patch resource "configmaps" in API group "" in the namespace "dev"');
    expect((await restRequest(cp, 'GET', '/api/v1/namespaces/default/configmaps', undefined, bearer('viewer'))).status).toBe(403);
  });

  it('impersonates only for callers with the impersonate verb', async () => {
    const asViewer = await restRequest(cp, 'GET', '/api/v1/namespaces/dev/configmaps', undefined, { 'Impersonate-User': 'viewer' });
    expect(asViewer.status).toBe(200);
    const denied = await restRequest(cp, 'GET', '/api/v1/namespaces/dev/configmaps', undefined, { ...bearer('jane'), 'Impersonate-User': 'viewer' });
    expect(denied.status).toBe(403);
    expect(denied.json<{ message: string }>().message).toContain('User "jane" cannot impersonate resource "users"');
  });

  it('gives kubectl its usual Forbidden error', async () => {
    requireKubectl();
    const result = await kubectl(writeKubeconfig(cp, 'jane', cp.tokenOf('jane')), ['get', 'configmaps', '-n', 'dev']);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('Error from server (Forbidden): configmaps is forbidden: User "jane" cannot list resource "configmaps" in API group "" in the namespace "dev"');
  });
});
