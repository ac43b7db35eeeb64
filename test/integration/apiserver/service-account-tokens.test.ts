import { createPublicKey, verify } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient } from '../../../lib/client/client.js';
import { startControlPlane, type ControlPlane } from '../../harness/control-plane.js';
import { pollUntil } from '../../harness/poll.js';
import { expectApiError } from './helpers.js';
import { kubectlOk, requireKubectl, restRequest, writeKubeconfig } from './rest-helpers.js';

// ServiceAccount tokens end to end on one apiserver: TokenRequest (serviceaccounts/token) over
// both APIs, authentication with the token, RBAC on the account's user, OIDC discovery, and what
// a kubelet may ask for (the Node authorizer and NodeRestriction).

let cp: ControlPlane;
const clients: ApiClient[] = [];
const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });
const claimsOf = (token: string): Record<string, any> => JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString());

function clientWithToken(token: string): ApiClient {
  const c = new ApiClient({ servers: cp.apiservers.map((a) => a.address), ca: cp.caPem, token, deadlineMs: 15_000, connectTimeoutMs: 2_000 });
  clients.push(c);
  return c;
}

async function requestToken(namespace: string, name: string, spec: Record<string, unknown> = {}): Promise<string> {
  const res = await restRequest(cp, 'POST', `/api/v1/namespaces/${namespace}/serviceaccounts/${name}/token`, { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenRequest', spec });
  expect(res.status, res.text).toBe(201);
  return res.json<{ status: { token: string } }>().status.token;
}

beforeAll(async () => {
  cp = await startControlPlane({ users: [{ name: 'system:node:n1', groups: ['system:nodes'] }], apiserver: { disableAdmissionPlugins: [] } });
  const admin = cp.client();
  await admin.resource('namespace').create({ metadata: { name: 'team' } });
  for (const name of ['reader', 'other']) await admin.resource('serviceAccount').create({ metadata: { name, namespace: 'team' } });
  await admin.resource('role').create({
    metadata: { name: 'pod-reader', namespace: 'team' },
    rules: [{ apiGroups: [''], resources: ['pods'], verbs: ['get', 'list', 'watch'] }],
  });
  await admin.resource('roleBinding').create({
    metadata: { name: 'reader-pods', namespace: 'team' },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'pod-reader' },
    subjects: [{ kind: 'ServiceAccount', name: 'reader', namespace: 'team' }],
  });
  await admin.resource('pod').create({ metadata: { name: 'web', namespace: 'team' }, spec: { serviceAccountName: 'reader', nodeName: 'n1', containers: [{ name: 'c', image: 'busybox:1' }] } });
});

afterAll(async () => {
  for (const c of clients) c.close();
  await cp?.stop();
});

describe('TokenRequest', () => {
  it("returns a signed token with Kubernetes' claims and its expiry", async () => {
    const res = await restRequest(cp, 'POST', '/api/v1/namespaces/team/serviceaccounts/reader/token', { spec: { expirationSeconds: 1200 } });
    expect(res.status).toBe(201);
    const body = res.json<{ apiVersion: string; kind: string; spec: any; status: { token: string; expirationTimestamp: string } }>();
    expect(body).toMatchObject({ apiVersion: 'authentication.k8s.io/v1', kind: 'TokenRequest', spec: { audiences: ['https://kubernetes.default.svc.cluster.local'], expirationSeconds: 1200 } });
    const sa = await cp.client().resource('serviceAccount').get('team', 'reader');
    const claims = claimsOf(body.status.token);
    expect(claims).toMatchObject({
      iss: 'https://kubernetes.default.svc.cluster.local',
      sub: 'system:serviceaccount:team:reader',
      'kubernetes.io': { namespace: 'team', serviceaccount: { name: 'reader', uid: sa.metadata!.uid } },
    });
    expect(claims.exp - claims.iat).toBe(1200);
    expect(Date.parse(body.status.expirationTimestamp) / 1000).toBe(claims.exp);
  });

  it('is served over gRPC too, and refuses too short a duration and an unknown account', async () => {
    const admin = cp.client();
    const created = await admin.createToken('team', 'reader', { spec: { audiences: ['vault'] } });
    expect(claimsOf(created.status!.token!).aud).toEqual(['vault']);
    await expectApiError(admin.createToken('team', 'reader', { spec: { expirationSeconds: 60 } }), 'Invalid', /spec\.expirationSeconds: Invalid value: 60: may not specify a duration less than 10 minutes/);
    await expectApiError(admin.createToken('team', 'nobody', {}), 'NotFound', 'serviceaccounts "nobody" not found');
  });
});

describe('kubectl create token', () => {
  it('gets a token of the asked duration that authenticates as the account', async () => {
    requireKubectl();
    const token = (await kubectlOk(writeKubeconfig(cp, 'admin'), ['create', 'token', 'reader', '-n', 'team', '--duration', '15m'])).trim();
    const claims = claimsOf(token);
    expect(claims.exp - claims.iat).toBe(900);
    expect((await restRequest(cp, 'GET', '/api/v1/namespaces/team/pods', undefined, bearer(token))).status).toBe(200);
  });
});

describe('authentication with a ServiceAccount token', () => {
  it("lists pods as the account's role allows, and is refused past it in Kubernetes' words", async () => {
    const token = await requestToken('team', 'reader');
    const pods = await restRequest(cp, 'GET', '/api/v1/namespaces/team/pods', undefined, bearer(token));
    expect(pods.status).toBe(200);
    expect(pods.json<{ items: { metadata: { name: string } }[] }>().items.map((p) => p.metadata.name)).toEqual(['web']);
    const refused = await restRequest(cp, 'GET', '/api/v1/namespaces/team/configmaps', undefined, bearer(token));
    expect(refused.status).toBe(403);
    expect(refused.json<{ message: string }>().message).toBe(
      'configmaps is forbidden: User "system:serviceaccount:team:reader" cannot list resource "configmaps" in API group "" in the namespace "team"',
    );
    const grpc = clientWithToken(token);
    expect((await grpc.resource('pod').list('team')).items).toHaveLength(1);
    await expectApiError(grpc.resource('pod').list('default'), 'Forbidden', 'pods is forbidden: User "system:serviceaccount:team:reader" cannot list resource "pods" in API group "" in the namespace "default"');
  });

  it('is refused for another audience', async () => {
    const token = await requestToken('team', 'reader', { audiences: ['vault'] });
    expect((await restRequest(cp, 'GET', '/api/v1/namespaces/team/pods', undefined, bearer(token))).status).toBe(401);
  });

  it('stops working when the pod it is bound to is deleted', async () => {
    const admin = cp.client();
    const pod = await admin.resource('pod').create({ metadata: { name: 'short', namespace: 'team' }, spec: { serviceAccountName: 'reader', containers: [{ name: 'c', image: 'busybox:1' }] } });
    const token = await requestToken('team', 'reader', { boundObjectRef: { kind: 'Pod', apiVersion: 'v1', name: 'short', uid: pod.metadata!.uid } });
    expect(claimsOf(token)['kubernetes.io'].pod).toEqual({ name: 'short', uid: pod.metadata!.uid });
    expect((await restRequest(cp, 'GET', '/api/v1/namespaces/team/pods', undefined, bearer(token))).status).toBe(200);
    await admin.resource('pod').delete('team', 'short');
    await pollUntil(async () => (await restRequest(cp, 'GET', '/api/v1/namespaces/team/pods', undefined, bearer(token))).status === 401, {
      timeoutMs: 10_000,
      intervalMs: 100,
      what: 'the bound token to be refused',
    });
  });

  it('stops working when its ServiceAccount is deleted', async () => {
    const admin = cp.client();
    await admin.resource('serviceAccount').create({ metadata: { name: 'temp', namespace: 'team' } });
    const token = await requestToken('team', 'temp');
    // Authenticated (no role: Forbidden, not Unauthorized).
    expect((await restRequest(cp, 'GET', '/api/v1/namespaces/team/pods', undefined, bearer(token))).status).toBe(403);
    await admin.resource('serviceAccount').delete('team', 'temp');
    await pollUntil(async () => (await restRequest(cp, 'GET', '/api/v1/namespaces/team/pods', undefined, bearer(token))).status === 401, {
      timeoutMs: 10_000,
      intervalMs: 100,
      what: 'the token of the deleted account to be refused',
    });
  });
});

describe('issuer discovery', () => {
  it('publishes the OpenID configuration and the keys that verify the tokens', async () => {
    const token = await requestToken('team', 'reader');
    const config = await restRequest(cp, 'GET', '/.well-known/openid-configuration', undefined, bearer(token));
    expect(config.status).toBe(200);
    expect(config.json()).toMatchObject({ issuer: 'https://kubernetes.default.svc.cluster.local', jwks_uri: 'https://kubernetes.default.svc.cluster.local/openid/v1/jwks', id_token_signing_alg_values_supported: ['ES256'] });
    const jwks = await restRequest(cp, 'GET', '/openid/v1/jwks', undefined, bearer(token));
    expect(jwks.status).toBe(200);
    const [key] = jwks.json<{ keys: Record<string, string>[] }>().keys;
    const [header, payload, signature] = token.split('.');
    const publicKey = createPublicKey({ key: key as never, format: 'jwk' });
    expect(verify('sha256', Buffer.from(`${header}.${payload}`), { key: publicKey, dsaEncoding: 'ieee-p1363' }, Buffer.from(signature!, 'base64url'))).toBe(true);
  });
});

describe("a kubelet's token requests", () => {
  it("are allowed only for its pods' accounts, bound to such a pod", async () => {
    const node = cp.clientAs('system:node:n1');
    const pod = await cp.client().resource('pod').get('team', 'web');
    const bound = { boundObjectRef: { kind: 'Pod', apiVersion: 'v1', name: 'web', uid: pod.metadata!.uid } };
    const created = await node.createToken('team', 'reader', { spec: { ...bound, expirationSeconds: 3607 } });
    expect(claimsOf(created.status!.token!)['kubernetes.io'].pod.name).toBe('web');
    await expectApiError(node.createToken('team', 'other', { spec: bound }), 'Forbidden', /User "system:node:n1" cannot create resource "serviceaccounts\/token"/);
    await expectApiError(node.createToken('team', 'reader', {}), 'Forbidden', /node requested token not bound to a pod/);
  });
});

describe('ServiceAccount admission', () => {
  it("gives a pod its account's API credentials, and refuses a pod whose account does not exist", async () => {
    const admin = cp.client();
    const web = await admin.resource('pod').get('team', 'web');
    const volume = web.spec!.volumes!.find((v) => v.name!.startsWith('kube-api-access-'))!;
    expect(volume.projected!.sources!.map((s) => Object.keys(s)[0])).toEqual(['serviceAccountToken', 'configMap', 'downwardAPI']);
    expect(web.spec!.containers![0]!.volumeMounts).toEqual([{ name: volume.name, readOnly: true, mountPath: '/var/run/secrets/kubernetes.io/serviceaccount' }]);
    await expectApiError(
      admin.resource('pod').create({ metadata: { name: 'lost', namespace: 'team' }, spec: { serviceAccountName: 'ghost', containers: [{ name: 'c', image: 'busybox:1' }] } }),
      'Forbidden',
      'pods "lost" is forbidden: error looking up service account team/ghost: serviceaccount "ghost" not found',
    );
  });
});
