import { describe, expect, it } from 'vitest';
import { useControlPlane } from '../../harness/use-control-plane.js';
import { configMap, expectApiError, nsObject, pod } from './helpers.js';

// Issue 3, "Must show": graceful deletion. A bound pod waits for its kubelet (grace 0 + uid
// precondition), an unbound pod goes at once, finalizers hold deletion, a namespace turns Terminating.

const cluster = useControlPlane();

describe('pods', () => {
  it('removes an unbound pod at once', async () => {
    const pods = cluster.client.resource('pod');
    await pods.create(pod('unbound'));
    const deleted = await pods.delete('default', 'unbound');
    expect(deleted.metadata?.name).toBe('unbound');
    await expectApiError(pods.get('default', 'unbound'), 'NotFound');
  });

  it('marks a bound pod and keeps it until the kubelet confirms with grace 0 and the uid', async () => {
    const pods = cluster.client.resource('pod');
    const created = await pods.create(pod('bound', 'default', { terminationGracePeriodSeconds: 20 }));
    await cluster.client.bind('default', { metadata: { name: 'bound' }, target: { kind: 'Node', name: 'n1' } });
    const before = Date.now();
    const marked = await pods.delete('default', 'bound');
    expect(marked.metadata?.deletionTimestamp).toBeDefined();
    expect(marked.metadata?.deletionGracePeriodSeconds).toBe(20);
    const deadline = Date.parse(marked.metadata!.deletionTimestamp!);
    expect(deadline).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000 + 19_000);
    expect(deadline).toBeLessThanOrEqual(Date.now() + 21_000);

    const still = await pods.get('default', 'bound');
    expect(still.metadata?.deletionTimestamp).toBe(marked.metadata?.deletionTimestamp);

    // A repeated delete with the same grace changes nothing; a shorter one shortens it.
    const again = await pods.delete('default', 'bound');
    expect(again.metadata?.resourceVersion).toBe(still.metadata?.resourceVersion);
    const shorter = await pods.delete('default', 'bound', { gracePeriodSeconds: 5 });
    expect(shorter.metadata?.deletionGracePeriodSeconds).toBe(5);

    await expectApiError(pods.delete('default', 'bound', { gracePeriodSeconds: 0, preconditions: { uid: 'someone-else' } }), 'Conflict', /UID in precondition/);
    await pods.get('default', 'bound');
    await pods.delete('default', 'bound', { gracePeriodSeconds: 0, preconditions: { uid: created.metadata?.uid } });
    await expectApiError(pods.get('default', 'bound'), 'NotFound');
  });

  it('removes a bound pod that already finished at once', async () => {
    const pods = cluster.client.resource('pod');
    await pods.create(pod('finished'));
    await cluster.client.bind('default', { metadata: { name: 'finished' }, target: { kind: 'Node', name: 'n1' } });
    const p = await pods.get('default', 'finished');
    await pods.updateStatus({ ...p, status: { ...p.status, phase: 'Succeeded' } });
    await pods.delete('default', 'finished');
    await expectApiError(pods.get('default', 'finished'), 'NotFound');
  });

  it('refuses to bind a pod that is being deleted', async () => {
    const pods = cluster.client.resource('pod');
    await pods.create(pod('held', 'default', {}, undefined));
    await pods.patch('default', 'held', { metadata: { finalizers: ['example.com/hold'] } });
    await pods.delete('default', 'held');
    await expectApiError(cluster.client.bind('default', { metadata: { name: 'held' }, target: { kind: 'Node', name: 'n1' } }), 'Conflict', /being deleted/);
    await pods.patch('default', 'held', { metadata: { finalizers: null } });
    await expectApiError(pods.get('default', 'held'), 'NotFound');
  });

  it('checks a resourceVersion precondition', async () => {
    const pods = cluster.client.resource('pod');
    const p = await pods.create(pod('rv-pre'));
    await pods.patch('default', 'rv-pre', { metadata: { labels: { bumped: 'yes' } } });
    await expectApiError(pods.delete('default', 'rv-pre', { preconditions: { resourceVersion: p.metadata?.resourceVersion } }), 'Conflict', /ResourceVersion in precondition/);
    await pods.get('default', 'rv-pre');
  });
});

describe('finalizers', () => {
  it('hold deletion until the last one is removed', async () => {
    const cms = cluster.client.resource('configMap');
    await cms.create({ ...configMap('final'), metadata: { name: 'final', namespace: 'default', finalizers: ['example.com/a', 'example.com/b'] } });
    const marked = await cms.delete('default', 'final');
    expect(marked.metadata?.deletionTimestamp).toBeDefined();
    expect(marked.metadata?.finalizers).toEqual(['example.com/a', 'example.com/b']);
    const one = await cms.update({ ...marked, metadata: { ...marked.metadata, finalizers: ['example.com/b'] } });
    expect(one.metadata?.deletionTimestamp).toBe(marked.metadata?.deletionTimestamp);
    await cms.get('default', 'final');
    await cms.patch('default', 'final', { metadata: { finalizers: [] } });
    await expectApiError(cms.get('default', 'final'), 'NotFound');
  });

  it('cannot be cleared by an update that also sets a new deletionTimestamp', async () => {
    const cms = cluster.client.resource('configMap');
    const created = await cms.create({ metadata: { name: 'no-undelete', namespace: 'default', finalizers: ['example.com/a'] } });
    const marked = await cms.delete('default', 'no-undelete');
    const undeleted = await cms.update({ ...marked, metadata: { ...marked.metadata, deletionTimestamp: undefined } });
    expect(undeleted.metadata?.deletionTimestamp).toBe(marked.metadata?.deletionTimestamp);
    expect(created.metadata?.deletionTimestamp).toBeUndefined();
    await cms.patch('default', 'no-undelete', { metadata: { finalizers: null } });
  });

  it('adds the orphan finalizer for propagationPolicy Orphan', async () => {
    const cms = cluster.client.resource('configMap');
    await cms.create(configMap('orphaned'));
    const marked = await cms.delete('default', 'orphaned', { propagationPolicy: 'Orphan' });
    expect(marked.metadata?.finalizers).toEqual(['orphan']);
    expect(marked.metadata?.deletionTimestamp).toBeDefined();
    await cms.patch('default', 'orphaned', { metadata: { finalizers: null } });
    await expectApiError(cms.get('default', 'orphaned'), 'NotFound');
  });

  it('adds foregroundDeletion for propagationPolicy Foreground', async () => {
    const cms = cluster.client.resource('configMap');
    await cms.create(configMap('foreground'));
    const marked = await cms.delete('default', 'foreground', { propagationPolicy: 'Foreground' });
    expect(marked.metadata?.finalizers).toEqual(['foregroundDeletion']);
    await cms.patch('default', 'foreground', { metadata: { finalizers: null } });
  });
});

describe('namespaces', () => {
  it('turns Terminating on delete and refuses new content', async () => {
    const nss = cluster.client.resource('namespace');
    await nss.create(nsObject('doomed'));
    await cluster.client.resource('configMap').create(configMap('inside', 'doomed'));
    const marked = await nss.delete('', 'doomed');
    expect(marked.status?.phase).toBe('Terminating');
    expect(marked.metadata?.deletionTimestamp).toBeDefined();
    const got = await nss.get('', 'doomed');
    expect(got.status?.phase).toBe('Terminating');
    await expectApiError(cluster.client.resource('configMap').create(configMap('late', 'doomed')), 'Forbidden', /being terminated/);
    // Existing content can still be changed and deleted while the namespace controller cleans up.
    await cluster.client.resource('configMap').patch('doomed', 'inside', { data: { still: 'writable' } });
    await cluster.client.resource('configMap').delete('doomed', 'inside');
  });

  it('goes away once its kubernetes finalizer is removed', async () => {
    const nss = cluster.client.resource('namespace');
    await nss.create(nsObject('finishing'));
    const marked = await nss.delete('', 'finishing');
    expect(marked.spec?.finalizers).toEqual(['kubernetes']);
    await nss.update({ ...marked, spec: { finalizers: [] } });
    await expectApiError(nss.get('', 'finishing'), 'NotFound');
  });
});
