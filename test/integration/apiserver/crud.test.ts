import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type * as t from '../../../lib/api/generated/index.js';
import { useControlPlane } from '../../harness/use-control-plane.js';
import { configMap, etcdClient, expectApiError, nsObject, pod, rawClient, type RawClient } from './helpers.js';

// Issue 3, "Must show": CRUD, conflicts, generateName, namespaces, cluster-scoped kinds, the status
// subresource, generation, patches, the objects created at start and DefaultTolerationSeconds.

const cluster = useControlPlane();
let raw: RawClient;

beforeAll(() => {
  raw = rawClient(cluster.cp);
});

afterAll(() => {
  raw?.close();
});

const RFC3339 = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/;

describe('objects present after start', () => {
  it('has the system namespaces, Active', async () => {
    const names = (await cluster.client.resource('namespace').list('')).items.map((n) => [n.metadata?.name, n.status?.phase]);
    for (const name of ['default', 'kube-system', 'kube-public', 'kube-node-lease']) expect(names).toContainEqual([name, 'Active']);
  });

  it('has the kubernetes Service on the first address of the service range', async () => {
    const svc = await cluster.client.resource('service').get('default', 'kubernetes');
    expect(svc.spec?.clusterIP).toBe('10.96.0.1');
    expect(svc.spec?.type).toBe('ClusterIP');
    expect(svc.spec?.ports?.[0]).toMatchObject({ name: 'https', port: 443, protocol: 'TCP', targetPort: { intVal: cluster.cp.apiservers[0]!.restPort } });
    // 127.0.0.1 is no endpoint a pod could reach, and Endpoints validation refuses loopback.
    await expectApiError(cluster.client.resource('endpoints').get('default', 'kubernetes'), 'NotFound');
    await expectApiError(cluster.client.resource('endpointSlice').get('default', 'kubernetes'), 'NotFound');
  });

  it("gives the kubernetes Service endpoints at a routable advertise address, on the HTTPS API's port, and moves them when that changes", async () => {
    const routable = await cluster.cp.addApiserver({ advertiseAddress: '192.0.2.10' });
    let stopped = false;
    try {
      const ep = await cluster.client.resource('endpoints').get('default', 'kubernetes');
      expect(ep.subsets).toEqual([{ addresses: [{ ip: '192.0.2.10' }], ports: [{ name: 'https', port: routable.restPort, protocol: 'TCP' }] }]);
      const slice = await cluster.client.resource('endpointSlice').get('default', 'kubernetes');
      expect(slice).toMatchObject({
        metadata: { labels: { 'kubernetes.io/service-name': 'kubernetes' } },
        addressType: 'IPv4',
        endpoints: [{ addresses: ['192.0.2.10'], conditions: { ready: true } }],
        ports: [{ name: 'https', port: routable.restPort, protocol: 'TCP' }],
      });
      // Restarted at another address and port: the old address leaves with the apiserver that stopped.
      await routable.stop();
      stopped = true;
      const moved = await cluster.cp.addApiserver({ advertiseAddress: '192.0.2.11' });
      try {
        const after = await cluster.client.resource('endpointSlice').get('default', 'kubernetes');
        expect(after.endpoints).toEqual([{ addresses: ['192.0.2.11'], conditions: { ready: true } }]);
        expect(after.ports).toEqual([{ name: 'https', port: moved.restPort, protocol: 'TCP' }]);
      } finally {
        await moved.stop();
      }
      const gone = await cluster.client.resource('endpoints').get('default', 'kubernetes');
      expect(gone.subsets ?? []).toEqual([]);
    } finally {
      if (!stopped) await routable.stop();
    }
  });

  it('has the system priority classes', async () => {
    const pc = await cluster.client.resource('priorityClass').get('', 'system-node-critical');
    expect(pc.value).toBe(2000001000);
  });
});

describe('CRUD', () => {
  it('creates, reads, updates, lists and deletes with server-set metadata', async () => {
    const cms = cluster.client.resource('configMap');
    const created = await cms.create(configMap('crud-1', 'default', { a: '1' }, { k: 'v' }));
    expect(created.metadata?.uid).toMatch(/^[0-9a-f-]{36}$/);
    expect(created.metadata?.creationTimestamp).toMatch(RFC3339);
    expect(Number(created.metadata?.resourceVersion)).toBeGreaterThan(0);
    expect(created.metadata?.namespace).toBe('default');

    const got = await cms.get('default', 'crud-1');
    expect(got).toEqual(created);

    const updated = await cms.update({ ...got, data: { k: 'v2' } });
    expect(updated.data).toEqual({ k: 'v2' });
    expect(Number(updated.metadata?.resourceVersion)).toBeGreaterThan(Number(created.metadata?.resourceVersion));
    expect(updated.metadata?.uid).toBe(created.metadata?.uid);
    expect(updated.metadata?.creationTimestamp).toBe(created.metadata?.creationTimestamp);

    const listed = await cms.list('default');
    expect(listed.items.map((c) => c.metadata?.name)).toContain('crud-1');
    expect(Number(listed.resourceVersion)).toBeGreaterThanOrEqual(Number(updated.metadata?.resourceVersion));

    await cms.delete('default', 'crud-1');
    await expectApiError(cms.get('default', 'crud-1'), 'NotFound', 'configmaps "crud-1" not found');
    await expectApiError(cms.delete('default', 'crud-1'), 'NotFound');
  });

  it('rejects a second create of the same name as AlreadyExists', async () => {
    await cluster.client.resource('configMap').create(configMap('dup'));
    await expectApiError(cluster.client.resource('configMap').create(configMap('dup')), 'AlreadyExists', 'configmaps "dup" already exists');
  });

  it('ignores client-set uid, creationTimestamp and resourceVersion on create', async () => {
    const cm = configMap('server-owned');
    cm.metadata = { ...cm.metadata, uid: 'mine', creationTimestamp: '2001-01-01T00:00:00Z', resourceVersion: '5' };
    const created = await cluster.client.resource('configMap').create(cm);
    expect(created.metadata?.uid).not.toBe('mine');
    expect(created.metadata?.creationTimestamp).not.toBe('2001-01-01T00:00:00Z');
  });

  it('writes nothing for an update that changes nothing, as Kubernetes skips no-op updates', async () => {
    const rcs = cluster.client.resource('replicationController');
    const rc = await rcs.create({
      metadata: { name: 'noop', namespace: 'default' },
      spec: { replicas: 1, selector: { app: 'noop' }, template: { metadata: { labels: { app: 'noop' } }, spec: { containers: [{ name: 'c', image: 'busybox:1.36' }] } } },
    });
    const same = await rcs.update(rc);
    expect(same.metadata?.resourceVersion).toBe(rc.metadata?.resourceVersion);
    const sameStatus = await rcs.updateStatus(same);
    expect(sameStatus.metadata?.resourceVersion).toBe(rc.metadata?.resourceVersion);
    const samePatch = await rcs.patch('default', 'noop', { spec: { replicas: 1 } });
    expect(samePatch.metadata?.resourceVersion).toBe(rc.metadata?.resourceVersion);
    // A controller writing the same status again must not wake every watcher.
    const abort = new AbortController();
    const events: string[] = [];
    const watching = (async () => {
      for await (const ev of rcs.watch('default', { resourceVersion: rc.metadata?.resourceVersion, signal: abort.signal })) events.push(`${ev.type} ${ev.object.metadata?.name}`);
    })();
    await rcs.updateStatus(same);
    await rcs.patch('default', 'noop', { metadata: { labels: { changed: 'yes' } } });
    for (let i = 0; i < 50 && events.length === 0; i++) await new Promise((r) => setTimeout(r, 20));
    abort.abort();
    await watching;
    expect(events).toEqual(['MODIFIED noop']);
  });

  it('returns NotFound for an update of a missing object', async () => {
    await expectApiError(cluster.client.resource('configMap').update(configMap('never-created')), 'NotFound');
  });
});

describe('dry run', () => {
  it('answers with the object as it would be stored, and stores nothing', async () => {
    const cms = cluster.client.resource('configMap');
    const dry = await cms.create(configMap('dry'), { dryRun: true });
    expect(dry.metadata?.uid).toBeDefined();
    await expectApiError(cms.get('default', 'dry'), 'NotFound');
    const real = await cms.create(configMap('dry'));
    const dryUpdate = await cms.update({ ...real, data: { would: 'be' } }, { dryRun: true });
    expect(dryUpdate.data).toEqual({ would: 'be' });
    expect((await cms.get('default', 'dry')).metadata?.resourceVersion).toBe(real.metadata?.resourceVersion);
    await cms.delete('default', 'dry', { dryRun: true });
    expect((await cms.get('default', 'dry')).metadata?.uid).toBe(real.metadata?.uid);
  });
});

describe('binding', () => {
  it('sets spec.nodeName and PodScheduled once, and refuses a second binding', async () => {
    const pods = cluster.client.resource('pod');
    const created = await pods.create(pod('to-bind'));
    await cluster.client.bind('default', { metadata: { name: 'to-bind', uid: created.metadata?.uid }, target: { kind: 'Node', name: 'n1' } });
    const bound = await pods.get('default', 'to-bind');
    expect(bound.spec?.nodeName).toBe('n1');
    expect(bound.status?.conditions?.find((c) => c.type === 'PodScheduled')?.status).toBe('True');
    await expectApiError(cluster.client.bind('default', { metadata: { name: 'to-bind' }, target: { kind: 'Node', name: 'n2' } }), 'Conflict', /already assigned to node "n1"/);
    await expectApiError(cluster.client.bind('default', { metadata: { name: 'missing' }, target: { kind: 'Node', name: 'n2' } }), 'NotFound');
    await pods.create(pod('wrong-uid'));
    await expectApiError(cluster.client.bind('default', { metadata: { name: 'wrong-uid', uid: 'nope' }, target: { kind: 'Node', name: 'n1' } }), 'Conflict', /UID in precondition/);
  });

  it('does not let a plain update move a pod to another node', async () => {
    const pods = cluster.client.resource('pod');
    const bound = await pods.get('default', 'to-bind');
    await expectApiError(pods.update({ ...bound, spec: { ...bound.spec, nodeName: 'n2' } }), 'Invalid');
  });
});

describe('events', () => {
  it('are stored with a TTL lease', async () => {
    const ev = await cluster.client.resource('event').create({
      metadata: { name: 'pod.1', namespace: 'default' },
      involvedObject: { kind: 'Pod', namespace: 'default', name: 'p' },
      reason: 'Scheduled',
      message: 'Successfully assigned default/p to n1',
      type: 'Normal',
      count: 1,
    });
    expect(ev.metadata?.uid).toBeDefined();
    const etcd = etcdClient(cluster.cp);
    try {
      const res = await etcd.get('/registry/events/default/pod.1').exec();
      expect(Number(res.kvs[0]?.lease)).toBeGreaterThan(0);
    } finally {
      etcd.close();
    }
  });
});

describe('conflicts', () => {
  it('rejects an update at a stale resourceVersion, naming both versions', async () => {
    const cms = cluster.client.resource('configMap');
    const first = await cms.create(configMap('cas', 'default', undefined, { n: '0' }));
    const second = await cms.update({ ...first, data: { n: '1' } });
    const err = await expectApiError(cms.update({ ...first, data: { n: 'stale' } }), 'Conflict');
    expect(err.message).toContain('Operation cannot be fulfilled on configmaps "cas"');
    expect(err.message).toContain(`resourceVersion ${first.metadata?.resourceVersion} given`);
    expect(err.message).toContain(`current is ${second.metadata?.resourceVersion}`);
    expect((await cms.get('default', 'cas')).data).toEqual({ n: '1' });
  });

  it('lets exactly one of several concurrent CAS updates win', async () => {
    const cms = cluster.client.resource('configMap');
    const base = await cms.create(configMap('race'));
    const results = await Promise.allSettled(Array.from({ length: 8 }, (_, i) => cms.update({ ...base, data: { winner: String(i) } })));
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    for (const r of results) if (r.status === 'rejected') expect((r.reason as Error & { reason: string }).reason).toBe('Conflict');
  });

  it('rejects a uid that does not match the stored object', async () => {
    const cms = cluster.client.resource('configMap');
    const cm = await cms.create(configMap('uid-pre'));
    await expectApiError(cms.update({ ...cm, metadata: { ...cm.metadata, uid: 'other', resourceVersion: undefined } }), 'Conflict', /UID in precondition: other/);
  });
});

describe('generateName', () => {
  it('gives each object a unique name from the prefix', async () => {
    const made = await Promise.all(
      Array.from({ length: 5 }, () => cluster.client.resource('configMap').create({ metadata: { generateName: 'gen-', namespace: 'default' } })),
    );
    const names = made.map((c) => c.metadata?.name ?? '');
    for (const n of names) expect(n).toMatch(/^gen-[a-z0-9]{5}$/);
    expect(new Set(names).size).toBe(5);
    expect(made[0]?.metadata?.generateName).toBe('gen-');
  });

  it('requires a name or generateName', async () => {
    const err = await expectApiError(cluster.client.resource('configMap').create({ metadata: { namespace: 'default' } }), 'Invalid');
    expect(err.message).toContain('metadata.name');
  });
});

describe('namespaces', () => {
  it('refuses objects in a namespace that does not exist', async () => {
    await expectApiError(cluster.client.resource('pod').create(pod('p', 'nowhere')), 'NotFound', 'namespaces "nowhere" not found');
    await expectApiError(cluster.client.resource('configMap').create(configMap('c', 'nowhere')), 'NotFound', 'namespaces "nowhere" not found');
  });

  it('keeps same-named objects in different namespaces apart', async () => {
    await cluster.client.resource('namespace').create(nsObject('team-a'));
    await cluster.client.resource('namespace').create(nsObject('team-b'));
    await cluster.client.resource('configMap').create(configMap('same', 'team-a', undefined, { ns: 'a' }));
    await cluster.client.resource('configMap').create(configMap('same', 'team-b', undefined, { ns: 'b' }));
    expect((await cluster.client.resource('configMap').get('team-a', 'same')).data).toEqual({ ns: 'a' });
    expect((await cluster.client.resource('configMap').list('team-b')).items.map((c) => c.data)).toEqual([{ ns: 'b' }]);
    const all = await cluster.client.resource('configMap').list('', { fieldSelector: 'metadata.name=same' });
    expect(all.items.map((c) => c.metadata?.namespace).sort()).toEqual(['team-a', 'team-b']);
  });

  it('rejects an object whose namespace differs from the request namespace', async () => {
    await expectApiError(cluster.client.resource('configMap').create(configMap('x', 'team-a'), { namespace: 'team-b' }), 'BadRequest', /does not match the namespace/);
  });

  it('labels a namespace with its name and gives it the kubernetes finalizer', async () => {
    const ns = await cluster.client.resource('namespace').get('', 'team-a');
    expect(ns.metadata?.labels?.['kubernetes.io/metadata.name']).toBe('team-a');
    expect(ns.spec?.finalizers).toEqual(['kubernetes']);
  });
});

describe('cluster-scoped kinds', () => {
  it('stores nodes, namespaces, priority classes and persistent volumes without a namespace', async () => {
    const node = await cluster.client.resource('node').create({ metadata: { name: 'node-a', namespace: 'ignored' } });
    expect(node.metadata?.namespace ?? '').toBe('');
    const pc = await cluster.client.resource('priorityClass').create({ metadata: { name: 'high' }, value: 1000 });
    expect(pc.metadata?.namespace ?? '').toBe('');
    const pv = await cluster.client.resource('persistentVolume').create({
      metadata: { name: 'pv-1' },
      spec: { capacity: { storage: '1Gi' }, accessModes: ['ReadWriteOnce'], hostPath: { path: '/tmp/pv-1' } },
    });
    expect(pv.metadata?.namespace ?? '').toBe('');
    expect((await cluster.client.resource('node').get('', 'node-a')).metadata?.uid).toBe(node.metadata?.uid);
    expect((await cluster.client.resource('persistentVolume').list('')).items.map((p) => p.metadata?.name)).toContain('pv-1');
    expect((await cluster.client.resource('priorityClass').list('')).items.map((p) => p.metadata?.name)).toContain('high');
  });
});

describe('status subresource', () => {
  it('ignores status on the main endpoint and everything but status on UpdateStatus', async () => {
    const pods = cluster.client.resource('pod');
    const created = await pods.create(pod('status-1'));
    expect(created.status?.phase).toBe('Pending');

    const main = await pods.update({ ...created, metadata: { ...created.metadata, labels: { x: 'y' } }, status: { phase: 'Running' } });
    expect(main.status?.phase).toBe('Pending');
    expect(main.metadata?.labels).toEqual({ x: 'y' });

    const status = await pods.updateStatus({
      ...main,
      metadata: { ...main.metadata, labels: { x: 'changed' } },
      spec: { ...main.spec, activeDeadlineSeconds: 99 },
      status: { ...main.status, phase: 'Running', podIP: '172.17.0.9' },
    });
    expect(status.status?.phase).toBe('Running');
    expect(status.status?.podIP).toBe('172.17.0.9');
    expect(status.metadata?.labels).toEqual({ x: 'y' });
    expect(status.spec?.activeDeadlineSeconds).toBeUndefined();

    const stored = await pods.get('default', 'status-1');
    expect(stored.status?.phase).toBe('Running');
    expect(stored.spec?.activeDeadlineSeconds).toBeUndefined();
  });

  it('applies a status patch only to status', async () => {
    const rcs = cluster.client.resource('replicationController');
    await rcs.create({ metadata: { name: 'rc-status', namespace: 'default' }, spec: { replicas: 2, selector: { app: 'x' }, template: { metadata: { labels: { app: 'x' } }, spec: { containers: [{ name: 'c', image: 'busybox:1.36' }] } } } });
    const patched = await rcs.patch('default', 'rc-status', { spec: { replicas: 9 }, status: { replicas: 2, readyReplicas: 1 } }, { status: true });
    expect(patched.status).toMatchObject({ replicas: 2, readyReplicas: 1 });
    expect(patched.spec?.replicas).toBe(2);
  });

  it('refuses UpdateStatus for kinds without status', async () => {
    const cm = await cluster.client.resource('configMap').create(configMap('no-status'));
    await expectApiError(cluster.client.resource('configMap').updateStatus(cm), 'NotFound', /configmaps\/status/);
  });
});

describe('generation', () => {
  it('is 1 on create and grows on spec changes only', async () => {
    const rcs = cluster.client.resource('replicationController');
    const rc: t.ReplicationController = {
      metadata: { name: 'gen-rc', namespace: 'default' },
      spec: { replicas: 1, selector: { app: 'g' }, template: { metadata: { labels: { app: 'g' } }, spec: { containers: [{ name: 'c', image: 'busybox:1.36' }] } } },
    };
    const created = await rcs.create(rc);
    expect(created.metadata?.generation).toBe(1);
    const labelled = await rcs.update({ ...created, metadata: { ...created.metadata, labels: { more: 'labels' } } });
    expect(labelled.metadata?.generation).toBe(1);
    const status = await rcs.updateStatus({ ...labelled, status: { replicas: 1, observedGeneration: 1 } });
    expect(status.metadata?.generation).toBe(1);
    const scaled = await rcs.update({ ...status, spec: { ...status.spec, replicas: 3 } });
    expect(scaled.metadata?.generation).toBe(2);
    const patched = await rcs.patch('default', 'gen-rc', { spec: { replicas: 4 } });
    expect(patched.metadata?.generation).toBe(3);
    const clientGeneration = await rcs.update({ ...patched, metadata: { ...patched.metadata, generation: 100 } });
    expect(clientGeneration.metadata?.generation).toBe(3);
  });

  it('does not grow when a spec differs only in what defaulting fills in', async () => {
    const rcs = cluster.client.resource('replicationController');
    const bare = (): t.ReplicationController => ({
      metadata: { name: 'gen-defaults', namespace: 'default' },
      spec: { replicas: 1, selector: { app: 'd' }, template: { metadata: { labels: { app: 'd' } }, spec: { containers: [{ name: 'c', image: 'busybox:1.36' }] } } },
    });
    const created = await rcs.create(bare());
    const reapplied = await rcs.update({ ...bare(), metadata: { ...bare().metadata, resourceVersion: created.metadata?.resourceVersion } });
    expect(reapplied.metadata?.generation).toBe(1);
  });
});

describe('patch', () => {
  it('applies a JSON merge patch (null removes a key)', async () => {
    const cms = cluster.client.resource('configMap');
    await cms.create(configMap('merge', 'default', { keep: 'k', drop: 'd' }, { a: '1', b: '2' }));
    const patched = await cms.patch('default', 'merge', { metadata: { labels: { drop: null, added: 'x' } }, data: { b: null, c: '3' } });
    expect(patched.metadata?.labels).toEqual({ keep: 'k', added: 'x' });
    expect(patched.data).toEqual({ a: '1', c: '3' });
  });

  it('applies a JSON patch, and a failing test op changes nothing', async () => {
    const cms = cluster.client.resource('configMap');
    const created = await cms.create(configMap('jsonpatch', 'default', undefined, { a: '1' }));
    const patched = await cms.patch('default', 'jsonpatch', [{ op: 'replace', path: '/data/a', value: '2' }, { op: 'add', path: '/data/b', value: '3' }], { type: 'json' });
    expect(patched.data).toEqual({ a: '2', b: '3' });
    await expectApiError(cms.patch('default', 'jsonpatch', [{ op: 'test', path: '/data/a', value: 'nope' }, { op: 'remove', path: '/data/a' }], { type: 'json' }), 'BadRequest');
    expect((await cms.get('default', 'jsonpatch')).data).toEqual({ a: '2', b: '3' });
    expect(created.metadata?.uid).toBe(patched.metadata?.uid);
  });

  it('applies a strategic merge patch: containers merge by name', async () => {
    const pods = cluster.client.resource('pod');
    await pods.create(pod('smp', 'default', { containers: [{ name: 'a', image: 'busybox:1.36' }, { name: 'b', image: 'busybox:1.36' }] }));
    const patched = await pods.patch('default', 'smp', { spec: { containers: [{ name: 'b', image: 'busybox:1.37' }] } }, { type: 'strategic' });
    expect(patched.spec?.containers?.map((c) => [c.name, c.image])).toEqual([['a', 'busybox:1.36'], ['b', 'busybox:1.37']]);
    // A merge patch replaces the whole list, so a second container would be rejected as an image change + removal.
    await expectApiError(pods.patch('default', 'smp', { spec: { containers: [{ name: 'b', image: 'busybox:1.38' }] } }), 'Invalid');
  });

  it('rejects a patch that adds an unknown field, naming it', async () => {
    await cluster.client.resource('configMap').create(configMap('unknown-field'));
    await expectApiError(cluster.client.resource('configMap').patch('default', 'unknown-field', { spec: { nope: 1 } }), 'Invalid', /unknown field "spec"/);
  });

  it('rejects a patch that is not JSON', async () => {
    await cluster.client.resource('configMap').create(configMap('bad-json'));
    await expectApiError(cluster.client.resource('configMap').patch('default', 'bad-json', '{not json'), 'BadRequest', /error decoding patch/);
  });
});

describe('unknown resource type', () => {
  it('answers NotFound with kubectl wording', async () => {
    const err = await raw.call('Get', { resource: 'foos', namespace: 'default', name: 'x' }).catch((e: unknown) => e);
    expect(err).toMatchObject({ reason: 'NotFound', message: `the server doesn't have a resource type "foos"` });
  });
});

describe('DefaultTolerationSeconds', () => {
  it('adds the 300 s not-ready and unreachable tolerations to a new pod', async () => {
    const created = await cluster.client.resource('pod').create(pod('tolerations'));
    expect(created.spec?.tolerations).toEqual(
      expect.arrayContaining([
        { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
        { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
      ]),
    );
  });

  it('keeps a toleration the pod already has', async () => {
    const created = await cluster.client.resource('pod').create(
      pod('own-toleration', 'default', { tolerations: [{ key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 5 }] }),
    );
    const unreachable = created.spec?.tolerations?.filter((tol) => tol.key === 'node.kubernetes.io/unreachable');
    expect(unreachable).toEqual([{ key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 5 }]);
  });
});
