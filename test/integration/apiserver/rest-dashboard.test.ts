import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startControlPlane, type ControlPlane } from '../../harness/control-plane.js';
import { restRequest, restServer } from './rest-helpers.js';

// What the web dashboard needs from the HTTP API: its files without credentials, watches over
// WebSocket with the token as a subprotocol (as browsers send it), and the services proxy
// subresource, authorized per user and only to ready endpoints.

let cp: ControlPlane;
const bearer = (user: string) => ({ Authorization: `Bearer ${cp.tokenOf(user)}` });

beforeAll(async () => {
  cp = await startControlPlane({ users: [{ name: 'jane' }] });
  const admin = cp.client();
  await admin.resource('service').create({ metadata: { name: 'prometheus', namespace: 'default' }, spec: { ports: [{ name: 'web', port: 9090 }] } });
  await admin.resource('endpoints').create({
    metadata: { name: 'prometheus', namespace: 'default' },
    // Not ready: the proxy must not go there (and the test sends nothing beyond loopback).
    subsets: [{ notReadyAddresses: [{ ip: '10.99.0.9' }], ports: [{ name: 'web', port: 9090 }] }],
  });
});

afterAll(() => cp?.stop());

interface SocketWatch {
  events: { type: string; object: { metadata: { name: string } } }[];
  opened: Promise<void>;
  refused: Promise<number>;
  close(): void;
}

function socketWatch(path: string, token: string): SocketWatch {
  const url = `${restServer(cp).replace('https:', 'wss:')}${path}`;
  const ws = new WebSocket(url, ['binary.k8s.io', `base64url.bearer.authorization.k8s.io.${Buffer.from(token).toString('base64url')}`], { ca: cp.caPem });
  const events: SocketWatch['events'] = [];
  ws.on('message', (data: Buffer) => events.push(JSON.parse(data.toString('utf8'))));
  return {
    events,
    opened: new Promise((resolve, reject) => {
      ws.on('open', () => resolve());
      ws.on('error', reject);
    }),
    refused: new Promise((resolve) => ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0))),
    close: () => ws.close(),
  };
}

describe('the dashboard over the HTTP API', () => {
  it('serves the page and its libraries to anyone, and nothing beside them', async () => {
    const page = await restRequest(cp, 'GET', '/dashboard/', undefined, { Authorization: 'Bearer not-a-token' });
    expect(page.status).toBe(200);
    expect(page.text).toContain('<div id="app">');
    expect((await restRequest(cp, 'GET', '/dashboard/vendor/preact.js')).status).toBe(200);
    expect((await restRequest(cp, 'GET', '/dashboard/vendor/yaml/index.js')).status).toBe(200);
    expect((await restRequest(cp, 'GET', '/dashboard/../api/v1/namespaces', undefined, { Authorization: 'Bearer not-a-token' })).status).toBe(401);
  });

  it('streams a watch over WebSocket, one event per message, with the token as a subprotocol', async () => {
    const list = (await restRequest(cp, 'GET', '/api/v1/namespaces/default/configmaps')).json<{ metadata: { resourceVersion: string } }>();
    const watch = socketWatch(`/api/v1/namespaces/default/configmaps?watch=1&resourceVersion=${list.metadata.resourceVersion}`, cp.token);
    await watch.opened;
    await cp.client().resource('configMap').create({ metadata: { name: 'seen-live', namespace: 'default' }, data: { a: 'b' } });
    await expect.poll(() => watch.events.map((e) => `${e.type} ${e.object.metadata.name}`), { timeout: 20_000 }).toContain('ADDED seen-live');
    watch.close();
  });

  it('refuses a watch over WebSocket with a wrong token or without the right', async () => {
    expect(await socketWatch('/api/v1/namespaces/default/configmaps?watch=1', 'wrong').refused).toBe(401);
    expect(await socketWatch('/api/v1/namespaces/default/configmaps?watch=1', cp.tokenOf('jane')).refused).toBe(403);
  });

  it('authorizes the services proxy as get services/proxy, and only to ready endpoints', async () => {
    const denied = await restRequest(cp, 'GET', '/api/v1/namespaces/default/services/prometheus:9090/proxy/api/v1/query', undefined, bearer('jane'));
    expect(denied.status).toBe(403);
    expect(denied.json<{ message: string }>().message).toBe('services "prometheus" is forbidden: User "jane" cannot get resource "services/proxy" in API group "" in the namespace "default"');
    const notReady = await restRequest(cp, 'GET', '/api/v1/namespaces/default/services/prometheus:9090/proxy/api/v1/query');
    expect(notReady.status).toBe(503);
    expect(notReady.json<{ message: string }>().message).toBe('no endpoints available for service "prometheus"');
    expect((await restRequest(cp, 'GET', '/api/v1/namespaces/default/services/missing:80/proxy/')).status).toBe(404);
  });
});
