import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nodeProxierUser } from '../../../lib/auth/node-proxier.js';
import type { ApiClient } from '../../../lib/client/client.js';
import { startControlPlane, type ControlPlane } from '../../harness/control-plane.js';
import { expectApiError } from './helpers.js';
import { restRequest } from './rest-helpers.js';

// Each node's proxy has an identity of its own (system:kube-proxy:<node> in system:node-proxiers):
// its pod network agent may publish its tunnel endpoint on its own Node, and nothing else of any
// Node, as NodeRestriction keeps a kubelet to its own Node. The shared kube-proxy identity writes
// no Node at all, as in Kubernetes.

const A = nodeProxierUser('node-a');
const B = nodeProxierUser('node-b');
const SHARED_PROXY = 'system:kube-proxy';
const NETWORK = { 'network.kubets.io/backend-type': 'vxlan', 'network.kubets.io/public-ip': '10.250.0.2' };

let cp: ControlPlane;
let admin: ApiClient;
let proxyA: ApiClient;

beforeAll(async () => {
  cp = await startControlPlane({ users: [A, B, { name: SHARED_PROXY }] });
  admin = cp.client();
  proxyA = cp.clientAs(A.name);
  for (const name of ['node-a', 'node-b']) {
    await admin.resource('node').create({ metadata: { name, labels: { zone: 'one' } }, spec: { podCIDR: '10.244.1.0/24' } });
  }
});

afterAll(() => cp?.stop());

describe("a node's proxy identity", () => {
  it('publishes the network annotations of its own Node, and may read every Node', async () => {
    const patched = await proxyA.resource('node').patch('', 'node-a', { metadata: { annotations: NETWORK } });
    expect(patched.metadata?.annotations).toMatchObject(NETWORK);
    const removed = await proxyA.resource('node').patch('', 'node-a', [{ op: 'remove', path: '/metadata/annotations/network.kubets.io~1public-ip' }], { type: 'json' });
    expect(removed.metadata?.annotations?.['network.kubets.io/public-ip']).toBeUndefined();
    expect((await proxyA.resource('node').list('')).items.map((n) => n.metadata?.name)).toEqual(['node-a', 'node-b']);
  });

  it("cannot patch another node's Node, in NodeRestriction's words, and nothing changes there", async () => {
    await expectApiError(proxyA.resource('node').patch('', 'node-b', { metadata: { annotations: NETWORK } }), 'Forbidden', 'nodes "node-b" is forbidden: node "node-a" is not allowed to modify node "node-b"');
    expect((await admin.resource('node').get('', 'node-b')).metadata?.annotations ?? {}).toEqual({});
    // The same over HTTP: a 403 Status.
    const res = await restRequest(cp, 'PATCH', '/api/v1/nodes/node-b', JSON.stringify({ metadata: { annotations: NETWORK } }), {
      Authorization: `Bearer ${cp.tokenOf(A.name)}`,
      'Content-Type': 'application/merge-patch+json',
    });
    expect(res.status).toBe(403);
    expect(res.json()).toMatchObject({ kind: 'Status', reason: 'Forbidden', code: 403, message: 'nodes "node-b" is forbidden: node "node-a" is not allowed to modify node "node-b"' });
  });

  it('cannot change anything of its own Node but the network annotations', async () => {
    const own = proxyA.resource('node');
    await expectApiError(own.patch('', 'node-a', { metadata: { labels: { zone: 'two' }, annotations: { owner: 'me' } } }), 'Forbidden', 'nodes "node-a" is forbidden: node "node-a" is not allowed to modify metadata.labels, metadata.annotations[owner] (only network.kubets.io/ annotations)');
    await expectApiError(own.patch('', 'node-a', { spec: { unschedulable: true } }, { type: 'strategic' }), 'Forbidden', 'node "node-a" is not allowed to modify spec (only network.kubets.io/ annotations)');
    await expectApiError(own.patch('', 'node-a', [{ op: 'replace', path: '/spec/podCIDR', value: '10.244.9.0/24' }], { type: 'json' }), 'Forbidden', 'is not allowed to modify /spec/podCIDR');
    await expectApiError(own.delete('', 'node-a'), 'Forbidden');
    const node = await admin.resource('node').get('', 'node-a');
    expect(node.metadata?.labels).toEqual({ zone: 'one' });
    expect(node.spec?.podCIDR).toBe('10.244.1.0/24');
    expect(node.spec?.unschedulable).toBeFalsy();
  });

  it('the proxy of the other node is held to its own Node alike', async () => {
    await cp.clientAs(B.name).resource('node').patch('', 'node-b', { metadata: { annotations: NETWORK } });
    await expectApiError(cp.clientAs(B.name).resource('node').patch('', 'node-a', { metadata: { annotations: NETWORK } }), 'Forbidden', 'node "node-b" is not allowed to modify node "node-a"');
  });

  it('the shared kube-proxy identity writes no Node, as in Kubernetes', async () => {
    await expectApiError(cp.clientAs(SHARED_PROXY).resource('node').patch('', 'node-a', { metadata: { annotations: NETWORK } }), 'Forbidden', 'User "system:kube-proxy" cannot patch resource "nodes"');
  });
});
