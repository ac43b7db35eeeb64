import { describe, expect, it } from 'vitest';
import { isApiError, type ApiError } from '../../../lib/api/errors.js';
import type * as t from '../../../lib/api/generated/index.js';
import { useControlPlane } from '../../harness/use-control-plane.js';
import { kubectl, kubectlOk, requireKubectl, restRequest, writeKubeconfig } from './rest-helpers.js';

// Field ownership (metadata.managedFields) and server-side apply through both transports: one
// registry keeps the owners, so a field applied over HTTP conflicts with a gRPC manager and the
// other way round. And pods/eviction, the graceful delete kubectl drain asks for.

const ns = '/api/v1/namespaces/default';
const APPLY = { 'Content-Type': 'application/apply-patch+yaml' };

interface Entry {
  manager: string;
  operation: string;
  apiVersion: string;
  time: string;
  fieldsType: string;
  fieldsV1: Record<string, unknown>;
}

const managers = (entries: Entry[] | t.ManagedFieldsEntry[] | undefined): string[] => (entries ?? []).map((e) => `${e.manager}/${e.operation}`).sort();

describe('server-side apply and managedFields', () => {
  const f = useControlPlane();

  it('records the creator (fieldManager, else the user agent) and an updater of changed fields over HTTP', async () => {
    const created = await restRequest(f.cp, 'POST', `${ns}/configmaps?fieldManager=creator`, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'owned' }, data: { a: '1', b: '2' } });
    const entries = created.json<{ metadata: { managedFields: Entry[] } }>().metadata.managedFields;
    expect(entries).toEqual([
      { manager: 'creator', operation: 'Update', apiVersion: 'v1', time: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/), fieldsType: 'FieldsV1', fieldsV1: { 'f:data': { 'f:a': {}, 'f:b': {} } } },
    ]);
    const patched = await restRequest(f.cp, 'PATCH', `${ns}/configmaps/owned`, { data: { b: '3' } }, { 'Content-Type': 'application/merge-patch+json', 'User-Agent': 'patcher/1.0 (linux)' });
    const after = patched.json<{ metadata: { managedFields: Entry[] } }>().metadata.managedFields;
    expect(after.map((e) => [e.manager, e.fieldsV1])).toEqual([
      ['creator', { 'f:data': { 'f:a': {} } }],
      ['patcher', { 'f:data': { 'f:b': {} } }],
    ]);
    // A write that changes nothing changes no owner and no time.
    const again = await restRequest(f.cp, 'PATCH', `${ns}/configmaps/owned`, { data: { b: '3' } }, { 'Content-Type': 'application/merge-patch+json', 'User-Agent': 'other/1.0' });
    expect(again.json<{ metadata: { managedFields: Entry[] } }>().metadata.managedFields).toEqual(after);
  });

  it('answers a conflicting apply with 409 and FieldManagerConflict causes, and force takes the field', async () => {
    const deployment = (replicas: number) => `apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: ${replicas}
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: app, image: "kubets/busybox:1.36"}]}
`;
    const deployments = '/apis/apps/v1/namespaces/default/deployments';
    expect((await restRequest(f.cp, 'PATCH', `${deployments}/web?fieldManager=first`, deployment(2), APPLY)).status).toBe(201);
    await f.client.resource('deployment').patch('default', 'web', { spec: { replicas: 4 } }, { fieldManager: 'other-manager' });
    const refused = await restRequest(f.cp, 'PATCH', `${deployments}/web?fieldManager=first`, deployment(2), APPLY);
    expect(refused.status).toBe(409);
    expect(refused.json()).toMatchObject({
      kind: 'Status',
      reason: 'Conflict',
      code: 409,
      message: 'Apply failed with 1 conflict: conflict with "other-manager" using apps/v1: .spec.replicas',
      details: { causes: [{ reason: 'FieldManagerConflict', message: 'conflict with "other-manager" using apps/v1', field: '.spec.replicas' }] },
    });
    const forced = await restRequest(f.cp, 'PATCH', `${deployments}/web?fieldManager=first&force=true`, deployment(2), APPLY);
    expect(forced.status).toBe(200);
    const body = forced.json<{ spec: { replicas: number }; metadata: { managedFields: Entry[] } }>();
    expect(body.spec.replicas).toBe(2);
    expect(managers(body.metadata.managedFields)).toEqual(['first/Apply']);
  });

  it('applies over gRPC through the same registry: owners, removal of unapplied fields, conflicts', async () => {
    const maps = f.client.resource('configMap');
    const config = (data: Record<string, string>) => JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'grpc-applied' }, data });
    await maps.patch('default', 'grpc-applied', config({ a: '1', b: '2' }), { type: 'apply', fieldManager: 'tool' });
    const shrunk = await maps.patch('default', 'grpc-applied', 'apiVersion: v1\nkind: ConfigMap\ndata: {b: "2"}\n', { type: 'apply', fieldManager: 'tool' });
    expect(shrunk.data).toEqual({ b: '2' });
    expect(managers(shrunk.metadata?.managedFields)).toEqual(['tool/Apply']);
    expect(JSON.parse(shrunk.metadata!.managedFields![0]!.fieldsV1!.raw!)).toEqual({ 'f:data': { 'f:b': {} } });

    const refused = await restRequest(f.cp, 'PATCH', `${ns}/configmaps/grpc-applied?fieldManager=rest-tool`, 'apiVersion: v1\nkind: ConfigMap\ndata: {b: "9"}\n', APPLY);
    expect(refused.json<{ message: string }>().message).toBe('Apply failed with 1 conflict: conflict with "tool": .data.b');
    const err = await maps.patch('default', 'grpc-applied', config({ b: '9' }), { type: 'apply', fieldManager: 'other' }).catch((e: unknown) => e);
    expect(isApiError(err, 'Conflict')).toBe(true);
    expect((err as ApiError).details.causes).toEqual([{ reason: 'FieldManagerConflict', message: 'conflict with "tool"', field: '.data.b' }]);
    const forced = await maps.patch('default', 'grpc-applied', config({ b: '9' }), { type: 'apply', fieldManager: 'other', force: true });
    expect(forced.data).toEqual({ b: '9' });
    const refusedWithout = await maps.patch('default', 'grpc-applied', config({}), { type: 'apply' }).catch((e: unknown) => e);
    expect(isApiError(refusedWithout, 'BadRequest')).toBe(true);
  });

  it('keeps managedFields through status writes and replaces, and records the status writer', async () => {
    const pods = f.client.resource('pod');
    const pod = await pods.create({ metadata: { name: 'status-owned', namespace: 'default' }, spec: { containers: [{ name: 'c', image: 'kubets/busybox:1.36' }] } }, { fieldManager: 'maker' });
    const withStatus = await pods.updateStatus({ ...pod, status: { phase: 'Running' } }, { fieldManager: 'kubelet' });
    expect(withStatus.metadata?.managedFields?.map((e) => `${e.manager}/${e.subresource ?? ''}`)).toEqual(['maker/', 'kubelet/status']);
  });
});

describe('pods/eviction', () => {
  const f = useControlPlane();

  const makePod = (name: string) =>
    f.client.resource('pod').create({ metadata: { name, namespace: 'default' }, spec: { nodeName: 'nowhere', containers: [{ name: 'c', image: 'kubets/busybox:1.36' }] } });

  it('evicts over HTTP as a graceful delete, answering a Success Status', async () => {
    await makePod('evict-rest');
    const res = await restRequest(f.cp, 'POST', `${ns}/pods/evict-rest/eviction`, { apiVersion: 'policy/v1', kind: 'Eviction', metadata: { name: 'evict-rest', namespace: 'default' } });
    expect(res.status).toBe(201);
    expect(res.json()).toMatchObject({ kind: 'Status', status: 'Success' });
    // Bound to a node, the pod waits for its kubelet: marked for deletion with its grace period.
    const pod = await f.client.resource('pod').get('default', 'evict-rest');
    expect(pod.metadata?.deletionTimestamp).toBeTruthy();
    const missing = await restRequest(f.cp, 'POST', `${ns}/pods/nobody/eviction`, { apiVersion: 'policy/v1', kind: 'Eviction', metadata: { name: 'nobody' } });
    expect(missing.status).toBe(404);
  });

  it('evicts over gRPC, with the eviction delete options', async () => {
    await makePod('evict-grpc');
    await f.client.evict('default', 'evict-grpc', { gracePeriodSeconds: 0 });
    const gone = await f.client.resource('pod').get('default', 'evict-grpc').catch((e: unknown) => e);
    expect(isApiError(gone, 'NotFound')).toBe(true);
  });

  it('is listed in discovery as policy/v1 Eviction, which kubectl drain looks for', async () => {
    const list = await restRequest(f.cp, 'GET', '/api/v1');
    const resources = list.json<{ resources: { name: string; group?: string; version?: string; kind: string }[] }>().resources;
    expect(resources).toContainEqual(expect.objectContaining({ name: 'pods/eviction', group: 'policy', version: 'v1', kind: 'Eviction' }));
  });
});

describe('the real kubectl 1.32: apply --server-side and drain', () => {
  const f = useControlPlane();

  it('prints its conflict text and exits 1, and --force-conflicts takes the field', async () => {
    requireKubectl();
    const config = writeKubeconfig(f.cp, 'ssa');
    const cm = (color: string) => `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: ssa, namespace: default}\ndata: {color: ${color}}\n`;
    expect(await kubectlOk(config, ['apply', '--server-side', '--field-manager=first', '-f', '-'], cm('red'))).toBe('configmap/ssa serverside-applied\n');
    const refused = await kubectl(config, ['apply', '--server-side', '--field-manager=second', '-f', '-'], cm('blue'));
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/^error: Apply failed with 1 conflict: conflict with "first": \.data\.color\nPlease review the fields above--they currently have other managers\./);
    expect(await kubectlOk(config, ['apply', '--server-side', '--field-manager=second', '--force-conflicts', '-f', '-'], cm('blue'))).toBe('configmap/ssa serverside-applied\n');
    expect(await kubectlOk(config, ['get', 'configmap', 'ssa', '-o', 'jsonpath={.data.color}'])).toBe('blue');
  });

  it('drain evicts the pods of a node', async () => {
    requireKubectl();
    const config = writeKubeconfig(f.cp, 'drain');
    await f.client.resource('node').create({ metadata: { name: 'drained-node' } });
    const owner = await f.client.resource('replicaSet').create({
      metadata: { name: 'rs', namespace: 'default' },
      spec: { replicas: 0, selector: { matchLabels: { app: 'd' } }, template: { metadata: { labels: { app: 'd' } }, spec: { containers: [{ name: 'c', image: 'kubets/busybox:1.36' }] } } },
    });
    const ownerReferences = [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'rs', uid: owner.metadata!.uid!, controller: true }];
    await f.client.resource('pod').create({ metadata: { name: 'on-node', namespace: 'default', ownerReferences }, spec: { nodeName: 'drained-node', containers: [{ name: 'c', image: 'kubets/busybox:1.36' }] } });
    const out = await kubectlOk(config, ['drain', 'drained-node', '--ignore-daemonsets', '--grace-period=0', '--timeout=60s']);
    expect(out).toBe('node/drained-node cordoned\nevicting pod default/on-node\npod/on-node evicted\nnode/drained-node drained\n');
  });
});
