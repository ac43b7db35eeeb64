import { randomBytes } from 'node:crypto';
import { request } from 'node:https';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Kubelet } from '../../../services/kubelet/kubelet.js';
import { BUSYBOX, makePod, setUpNode, sh, startKubelet, tearDownNode, waitRunning, type TestNode } from './helpers.js';

// A real pod's ServiceAccount credentials, end to end: ServiceAccount admission adds the
// kube-api-access volume, the kubelet (as its node, so the Node authorizer decides) requests a
// token bound to the pod and projects it with the cluster CA and the namespace, and the token
// read from the pod's file lists pods over the HTTPS API and is refused past its role.
//
// The request is made by the test with the token read through exec: busybox-static's wget has no
// TLS, and in these tests the apiserver listens on loopback only, which a pod cannot reach.

const NODE = `sa-${randomBytes(3).toString('hex')}`;
const MOUNT = '/var/run/secrets/kubernetes.io/serviceaccount';
let node: TestNode;
let kubelet: Kubelet | undefined;

function get(path: string, token: string): Promise<{ status: number; body: Record<string, any> }> {
  return new Promise((resolve, reject) => {
    const req = request(`https://127.0.0.1:${node.cp.apiservers[0]!.restPort}${path}`, { ca: node.cp.caPem, headers: { Authorization: `Bearer ${token}` } }, (res) => {
      let text = '';
      res.on('data', (d: Buffer) => (text += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) as Record<string, any> }));
    });
    req.on('error', reject);
    req.end();
  });
}

beforeAll(async () => {
  node = await setUpNode(NODE, { users: [{ name: `system:node:${NODE}`, groups: ['system:nodes'] }], apiserver: { disableAdmissionPlugins: [] } });
  const admin = node.client;
  // What the controller manager's ServiceAccount controller and root-CA publisher would have made.
  await admin.resource('serviceAccount').create({ metadata: { name: 'default', namespace: 'default' } });
  await admin.resource('configMap').create({ metadata: { name: 'kube-root-ca.crt', namespace: 'default' }, data: { 'ca.crt': node.cp.caPem } });
  await admin.resource('serviceAccount').create({ metadata: { name: 'reader', namespace: 'default' } });
  await admin.resource('role').create({ metadata: { name: 'pod-reader', namespace: 'default' }, rules: [{ apiGroups: [''], resources: ['pods'], verbs: ['get', 'list'] }] });
  await admin.resource('roleBinding').create({
    metadata: { name: 'reader-pods', namespace: 'default' },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'pod-reader' },
    subjects: [{ kind: 'ServiceAccount', name: 'reader', namespace: 'default' }],
  });
  kubelet = await startKubelet(node, { client: node.cp.clientAs(`system:node:${NODE}`) });
}, 120_000);

afterAll(async () => {
  await kubelet?.stop();
  await tearDownNode(node);
}, 120_000);

describe('ServiceAccount token in a pod', () => {
  it('is projected with the CA and namespace, read-only, and lists pods over HTTPS as the account, refused past its role', async () => {
    const pod = await node.client.resource('pod').create(
      makePod('sa-reader', NODE, { serviceAccountName: 'reader', terminationGracePeriodSeconds: 1, containers: [{ name: 'app', image: BUSYBOX, command: ['sleep', '3600'] }] }),
    );
    await waitRunning(node.client, 'default', 'sa-reader', 60_000);
    const token = await sh(node.client, pod, 'app', `cat ${MOUNT}/token`);
    expect(token.split('.')).toHaveLength(3);
    expect(await sh(node.client, pod, 'app', `cat ${MOUNT}/namespace`)).toBe('default');
    expect(await sh(node.client, pod, 'app', `cat ${MOUNT}/ca.crt`)).toBe(node.cp.caPem);
    expect(await sh(node.client, pod, 'app', `touch ${MOUNT}/x 2>&1 || echo refused`)).toContain('refused');
    const claims = JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as Record<string, any>;
    expect(claims['kubernetes.io']).toMatchObject({ namespace: 'default', serviceaccount: { name: 'reader' }, pod: { name: 'sa-reader', uid: pod.metadata!.uid } });
    expect(claims.exp - claims.iat).toBe(3607);

    const pods = await get('/api/v1/namespaces/default/pods', token);
    expect(pods.status).toBe(200);
    expect(pods.body.items.map((p: { metadata: { name: string } }) => p.metadata.name)).toContain('sa-reader');
    const refused = await get('/api/v1/namespaces/default/secrets', token);
    expect(refused.status).toBe(403);
    expect(refused.body.message).toBe('secrets is forbidden: User "system:serviceaccount:default:reader" cannot list resource "secrets" in API group "" in the namespace "default"');

    await node.client.resource('pod').delete('default', 'sa-reader', { gracePeriodSeconds: 0 });
    const afterDelete = async () => (await get('/api/v1/namespaces/default/pods', token)).status;
    for (let i = 0; i < 100 && (await afterDelete()) !== 401; i++) await new Promise((r) => setTimeout(r, 100));
    expect(await afterDelete()).toBe(401);
  }, 120_000);
});
