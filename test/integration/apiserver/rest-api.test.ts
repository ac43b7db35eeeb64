import { describe, expect, it } from 'vitest';
import type { Pod } from '../../../lib/api/generated/index.js';
import { useControlPlane } from '../../harness/use-control-plane.js';
import { restRequest } from './rest-helpers.js';

// The HTTP API's own surface: discovery, health, content types, query parameters, subresources
// and deletecollection. Validation and storage behind it are the gRPC API's, tested there.

const ns = '/api/v1/namespaces/default';
const cm = (name: string, labels: Record<string, string> = {}) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, labels }, data: { k: name } });

describe('HTTP API', () => {
  const f = useControlPlane();

  it('binds a pod with POST pods/<name>/binding once, sending watchers the bound pod, and refuses what Kubernetes refuses', async () => {
    const podBody = (name: string, finalizers?: string[]) => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name, finalizers }, spec: { containers: [{ name: 'c', image: 'busybox:1' }] } });
    const binding = (name: string, node: string, uid?: string) => ({ apiVersion: 'v1', kind: 'Binding', metadata: { name, uid }, target: { kind: 'Node', name: node } });
    const created = (await restRequest(f.cp, 'POST', `${ns}/pods`, podBody('bind-me'))).json<Pod>();
    const abort = new AbortController();
    const timer = setTimeout(() => abort.abort(), 30_000);
    const watched = (async () => {
      for await (const ev of f.client.resource('pod').watch('default', { resourceVersion: created.metadata?.resourceVersion, signal: abort.signal })) {
        if (ev.type === 'MODIFIED' && ev.object.metadata?.name === 'bind-me') return ev.object;
      }
      return undefined;
    })().finally(() => clearTimeout(timer));

    expect((await restRequest(f.cp, 'POST', `${ns}/pods/bind-me/binding`, binding('bind-me', 'n1', 'wrong-uid'))).json()).toMatchObject({ code: 409, message: expect.stringContaining('Precondition failed: UID in precondition: wrong-uid') });
    const bound = await restRequest(f.cp, 'POST', `${ns}/pods/bind-me/binding`, binding('bind-me', 'n1', created.metadata?.uid));
    expect(bound.status).toBe(201);
    expect(bound.json()).toMatchObject({ kind: 'Status', status: 'Success' });
    const seen = await watched;
    abort.abort();
    const stored = (await restRequest(f.cp, 'GET', `${ns}/pods/bind-me`)).json<Pod>();
    expect(stored.spec?.nodeName).toBe('n1');
    expect(stored.status?.conditions?.filter((c) => c.type === 'PodScheduled')).toEqual([{ type: 'PodScheduled', status: 'True', lastTransitionTime: expect.stringMatching(/Z$/) }]);
    expect(seen?.spec).toEqual(stored.spec);
    expect(seen?.status).toEqual(stored.status);
    expect(seen?.metadata?.resourceVersion).toBe(stored.metadata?.resourceVersion);

    const again = await restRequest(f.cp, 'POST', `${ns}/pods/bind-me/binding`, binding('bind-me', 'n2'));
    expect(again.status).toBe(409);
    expect(again.json()).toMatchObject({ reason: 'Conflict', message: 'Operation cannot be fulfilled on pods/binding "bind-me": pod bind-me is already assigned to node "n1"' });
    expect((await restRequest(f.cp, 'POST', `${ns}/pods/bind-me/binding`, binding('other-name', 'n2'))).status).toBe(400);

    await restRequest(f.cp, 'POST', `${ns}/pods`, podBody('leaving', ['example.com/hold']));
    await restRequest(f.cp, 'DELETE', `${ns}/pods/leaving`);
    const leaving = await restRequest(f.cp, 'POST', `${ns}/pods/leaving/binding`, binding('leaving', 'n1'));
    expect(leaving.json()).toMatchObject({ code: 409, message: 'Operation cannot be fulfilled on pods/binding "leaving": pod is being deleted, cannot be assigned to a host' });
    await restRequest(f.cp, 'PATCH', `${ns}/pods/leaving`, { metadata: { finalizers: null } }, { 'Content-Type': 'application/merge-patch+json' });
  });

  it('serves version, health and discovery documents built from the resource table', async () => {
    expect((await restRequest(f.cp, 'GET', '/version', undefined, { Authorization: '' })).json()).toMatchObject({ gitVersion: expect.stringMatching(/^v/) });
    expect((await restRequest(f.cp, 'GET', '/readyz', undefined, { Authorization: '' })).text).toBe('ok');
    expect((await restRequest(f.cp, 'GET', '/api')).json()).toMatchObject({ kind: 'APIVersions', versions: ['v1'] });
    const groups = (await restRequest(f.cp, 'GET', '/apis')).json<{ groups: { name: string; preferredVersion: { groupVersion: string } }[] }>().groups;
    expect(groups.find((g) => g.name === 'apps')?.preferredVersion.groupVersion).toBe('apps/v1');
    const apps = (await restRequest(f.cp, 'GET', '/apis/apps/v1')).json<{ resources: { name: string; kind: string; namespaced: boolean }[] }>();
    expect(apps.resources).toContainEqual(expect.objectContaining({ name: 'deployments', kind: 'Deployment', namespaced: true, categories: ['all'] }));
    expect(apps.resources).toContainEqual(expect.objectContaining({ name: 'deployments/scale', kind: 'Scale' }));
    const unknown = await restRequest(f.cp, 'GET', '/apis/widgets.example.com/v1');
    expect(unknown.status).toBe(404);
    expect(unknown.json()).toMatchObject({ kind: 'Status', reason: 'NotFound', code: 404 });
  });

  it('serves aggregated discovery to clients that ask for it', async () => {
    const accept = { Accept: 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json' };
    const core = await restRequest(f.cp, 'GET', '/api', undefined, accept);
    expect(core.headers['content-type']).toBe('application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList');
    type Discovery = { kind: string; items: { metadata: { name: string }; versions: { version: string; resources: Record<string, unknown>[] }[] }[] };
    const coreDoc = core.json<Discovery>();
    expect(coreDoc.kind).toBe('APIGroupDiscoveryList');
    expect(coreDoc.items.map((i) => i.metadata.name)).toEqual(['']);
    expect(coreDoc.items[0]!.versions[0]!.resources).toContainEqual(
      expect.objectContaining({ resource: 'pods', scope: 'Namespaced', singularResource: 'pod', shortNames: ['po'], categories: ['all'], responseKind: { group: '', version: 'v1', kind: 'Pod' } }),
    );
    const named = (await restRequest(f.cp, 'GET', '/apis', undefined, accept)).json<Discovery>();
    const apps = named.items.find((i) => i.metadata.name === 'apps')!;
    expect(apps.versions[0]!.resources).toContainEqual(
      expect.objectContaining({ resource: 'deployments', subresources: expect.arrayContaining([expect.objectContaining({ subresource: 'scale', responseKind: { group: 'autoscaling', version: 'v1', kind: 'Scale' } })]) }),
    );
  });

  it('serves the OpenAPI documents', async () => {
    expect((await restRequest(f.cp, 'GET', '/openapi/v2')).json()).toMatchObject({ swagger: '2.0' });
    const index = (await restRequest(f.cp, 'GET', '/openapi/v3')).json<{ paths: Record<string, { serverRelativeURL: string }> }>();
    const apps = await restRequest(f.cp, 'GET', index.paths['apis/apps/v1']!.serverRelativeURL);
    expect(apps.json()).toMatchObject({ openapi: expect.stringMatching(/^3\./) });
    expect((await restRequest(f.cp, 'GET', '/openapi/v3/apis/widgets.example.com/v1')).status).toBe(404);
  });

  it('refuses requests without credentials', async () => {
    const res = await restRequest(f.cp, 'GET', `${ns}/pods`, undefined, { Authorization: '' });
    expect(res.status).toBe(401);
    expect(res.json()).toMatchObject({ kind: 'Status', status: 'Failure', reason: 'Unauthorized', code: 401 });
  });

  it('accepts YAML bodies and answers in YAML when asked', async () => {
    const created = await restRequest(f.cp, 'POST', `${ns}/configmaps`, 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: yaml-in}\ndata: {a: b}\n', { 'Content-Type': 'application/yaml', Accept: 'application/yaml' });
    expect(created.status).toBe(201);
    expect(created.headers['content-type']).toBe('application/yaml');
    expect(created.text).toMatch(/^kind: ConfigMap$/m);
  });

  it('pages a list with limit and continue', async () => {
    for (const name of ['page-a', 'page-b', 'page-c']) await restRequest(f.cp, 'POST', `${ns}/configmaps`, cm(name, { paged: 'yes' }));
    const first = (await restRequest(f.cp, 'GET', `${ns}/configmaps?labelSelector=paged%3Dyes&limit=2`)).json<{ kind: string; items: { metadata: { name: string } }[]; metadata: { continue: string } }>();
    expect(first.kind).toBe('ConfigMapList');
    expect(first.items.map((i) => i.metadata.name)).toEqual(['page-a', 'page-b']);
    const rest = (await restRequest(f.cp, 'GET', `${ns}/configmaps?labelSelector=paged%3Dyes&limit=2&continue=${encodeURIComponent(first.metadata.continue)}`)).json<{ items: { metadata: { name: string } }[] }>();
    expect(rest.items.map((i) => i.metadata.name)).toEqual(['page-c']);
    const byField = (await restRequest(f.cp, 'GET', `${ns}/configmaps?fieldSelector=metadata.name%3Dpage-b`)).json<{ items: unknown[] }>();
    expect(byField.items).toHaveLength(1);
  });

  it('stores nothing for dryRun=All', async () => {
    const res = await restRequest(f.cp, 'POST', `${ns}/configmaps?dryRun=All`, cm('dry'));
    expect(res.status).toBe(201);
    expect((await restRequest(f.cp, 'GET', `${ns}/configmaps/dry`)).status).toBe(404);
  });

  it('replaces an object, refusing a name that differs from the URL and a stale resourceVersion', async () => {
    const created = (await restRequest(f.cp, 'POST', `${ns}/configmaps`, cm('put'))).json<{ metadata: Record<string, unknown> }>();
    const replaced = await restRequest(f.cp, 'PUT', `${ns}/configmaps/put`, { ...created, data: { k: 'new' } });
    expect(replaced.status).toBe(200);
    expect(replaced.json()).toMatchObject({ data: { k: 'new' } });
    const stale = await restRequest(f.cp, 'PUT', `${ns}/configmaps/put`, { ...created, data: { k: 'stale' } });
    expect(stale.status).toBe(409);
    expect(stale.json()).toMatchObject({ reason: 'Conflict' });
    const renamed = await restRequest(f.cp, 'PUT', `${ns}/configmaps/other`, { ...created, data: { k: 'x' } });
    expect(renamed.status).toBe(400);
  });

  it('reads and patches the status and scale subresources', async () => {
    const rc = { apiVersion: 'v1', kind: 'ReplicationController', metadata: { name: 'rc' }, spec: { replicas: 1, selector: { app: 'rc' }, template: { metadata: { labels: { app: 'rc' } }, spec: { containers: [{ name: 'c', image: 'busybox:1.36' }] } } } };
    expect((await restRequest(f.cp, 'POST', `${ns}/replicationcontrollers`, rc)).status).toBe(201);
    const status = await restRequest(f.cp, 'PATCH', `${ns}/replicationcontrollers/rc/status`, { status: { replicas: 1 } }, { 'Content-Type': 'application/merge-patch+json' });
    expect(status.json()).toMatchObject({ status: { replicas: 1 } });
    const scale = (await restRequest(f.cp, 'GET', `${ns}/replicationcontrollers/rc/scale`)).json();
    expect(scale).toMatchObject({ apiVersion: 'autoscaling/v1', kind: 'Scale', spec: { replicas: 1 }, status: { replicas: 1, selector: 'app=rc' } });
    const patched = await restRequest(f.cp, 'PATCH', `${ns}/replicationcontrollers/rc/scale`, { spec: { replicas: 4 } }, { 'Content-Type': 'application/merge-patch+json' });
    expect(patched.json()).toMatchObject({ spec: { replicas: 4 } });
    const put = await restRequest(f.cp, 'PUT', `${ns}/replicationcontrollers/rc/scale`, { apiVersion: 'autoscaling/v1', kind: 'Scale', metadata: { name: 'rc' }, spec: { replicas: 2 } });
    expect(put.json()).toMatchObject({ spec: { replicas: 2 } });
    expect((await f.client.resource('replicationController').get('default', 'rc')).spec?.replicas).toBe(2);
    expect((await restRequest(f.cp, 'GET', `${ns}/configmaps/put/scale`)).status).toBe(404);
  });

  it('patches with a strategic merge patch and server-side apply', async () => {
    await restRequest(f.cp, 'POST', `${ns}/configmaps`, cm('patched'));
    const strategic = await restRequest(f.cp, 'PATCH', `${ns}/configmaps/patched`, { metadata: { labels: { s: '1' } } }, { 'Content-Type': 'application/strategic-merge-patch+json' });
    expect(strategic.json()).toMatchObject({ metadata: { labels: { s: '1' } }, data: { k: 'patched' } });
    const applyYaml = 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: applied}\ndata: {a: "1"}\n';
    const created = await restRequest(f.cp, 'PATCH', `${ns}/configmaps/applied?fieldManager=test`, applyYaml, { 'Content-Type': 'application/apply-patch+yaml' });
    expect(created.status).toBe(201);
    const updated = await restRequest(f.cp, 'PATCH', `${ns}/configmaps/applied?fieldManager=test`, applyYaml.replace('a: "1"', 'b: "2"'), { 'Content-Type': 'application/apply-patch+yaml' });
    // Server-side apply: `a`, which only this manager applied, goes with the configuration.
    expect(updated.json<{ data: Record<string, string> }>().data).toEqual({ b: '2' });
    const unsupported = await restRequest(f.cp, 'PATCH', `${ns}/configmaps/patched`, {}, { 'Content-Type': 'text/plain' });
    expect(unsupported.status).toBe(415);
  });

  it('deletes with DeleteOptions from the body and the query, and deletes collections by selector', async () => {
    await restRequest(f.cp, 'POST', `${ns}/configmaps`, cm('gone'));
    const badPolicy = await restRequest(f.cp, 'DELETE', `${ns}/configmaps/gone?propagationPolicy=Sometimes`);
    expect(badPolicy.status).toBe(422);
    const dry = await restRequest(f.cp, 'DELETE', `${ns}/configmaps/gone`, { kind: 'DeleteOptions', apiVersion: 'v1', dryRun: ['All'] });
    expect(dry.status).toBe(200);
    expect((await restRequest(f.cp, 'GET', `${ns}/configmaps/gone`)).status).toBe(200);
    expect((await restRequest(f.cp, 'DELETE', `${ns}/configmaps/gone?gracePeriodSeconds=0&propagationPolicy=Background`)).status).toBe(200);
    expect((await restRequest(f.cp, 'GET', `${ns}/configmaps/gone`)).status).toBe(404);

    const removed = (await restRequest(f.cp, 'DELETE', `${ns}/configmaps?labelSelector=paged%3Dyes`)).json<{ items: { metadata: { name: string } }[] }>();
    expect(removed.items.map((i) => i.metadata.name).sort()).toEqual(['page-a', 'page-b', 'page-c']);
    expect((await restRequest(f.cp, 'GET', `${ns}/configmaps?labelSelector=paged%3Dyes`)).json<{ items: unknown[] }>().items).toEqual([]);
  });

  it('prints server-side Tables with the CLI printers\' columns', async () => {
    const accept = { Accept: 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json' };
    const tableOf = await restRequest(f.cp, 'GET', '/api/v1/namespaces/default/services', undefined, accept);
    const body = tableOf.json<{ kind: string; columnDefinitions: { name: string; priority: number }[]; rows: { cells: string[]; object: { kind: string; metadata: { name: string } } }[] }>();
    expect(body.kind).toBe('Table');
    expect(body.columnDefinitions.map((c) => `${c.name}:${c.priority}`)).toEqual(['Name:0', 'Type:0', 'Cluster-IP:0', 'External-IP:0', 'Port(s):0', 'Age:0', 'Selector:1']);
    expect(body.rows[0]!.cells.slice(0, 5)).toEqual(['kubernetes', 'ClusterIP', '10.96.0.1', '<none>', '443/TCP']);
    expect(body.rows[0]!.object).toMatchObject({ kind: 'PartialObjectMetadata', metadata: { name: 'kubernetes' } });
    const one = (await restRequest(f.cp, 'GET', '/api/v1/namespaces/default/services/kubernetes?includeObject=Object', undefined, accept)).json<{ rows: { object: { kind: string } }[] }>();
    expect(one.rows).toHaveLength(1);
    expect(one.rows[0]!.object.kind).toBe('Service');
  });

  it('refuses bodies it cannot decode and methods a path does not have', async () => {
    const wrongKind = await restRequest(f.cp, 'POST', `${ns}/configmaps`, { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'x' } });
    expect(wrongKind.status).toBe(400);
    const wrongType = await restRequest(f.cp, 'POST', `${ns}/configmaps`, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' }, data: 'text' });
    expect(wrongType.status).toBe(400);
    expect(wrongType.json<{ message: string }>().message).toContain('ConfigMap in version "v1" cannot be handled as a ConfigMap');
    expect((await restRequest(f.cp, 'POST', `${ns}/configmaps`, '{not json')).status).toBe(400);
    // Kubernetes' protobuf, which typed Go clients send, is decoded: a malformed one is a bad request.
    const protobuf = await restRequest(f.cp, 'POST', `${ns}/configmaps`, 'k8s\u0000...', { 'Content-Type': 'application/vnd.kubernetes.protobuf' });
    expect(protobuf.json()).toMatchObject({ reason: 'BadRequest', code: 400 });
    // CBOR, which newer Go clients may try first, is refused as 415, on which they fall back to JSON.
    const cbor = await restRequest(f.cp, 'POST', `${ns}/configmaps`, '\u00d9\u00d9\u00f7', { 'Content-Type': 'application/cbor' });
    expect(cbor.json()).toMatchObject({ reason: 'UnsupportedMediaType', code: 415 });
    expect((await restRequest(f.cp, 'PUT', `${ns}/configmaps`, cm('x'))).status).toBe(405);
  });
});
