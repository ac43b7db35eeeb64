import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiError, isApiError } from '../../../lib/api/errors.js';
import type * as t from '../../../lib/api/generated/index.js';
import { ApiClient } from '../../../lib/client/client.js';
import { startControlPlane, type ControlPlane } from '../../harness/control-plane.js';
import { configMap, eventually, expectApiError, nsObject, pod } from './helpers.js';

// Authorization with the bootstrap policy: each component's identity may make exactly the calls
// its job needs, a kubelet reads only what its own pods use, RBAC bindings are per namespace,
// refusals read as kube-apiserver's, and impersonation needs the impersonate verb.

const RBAC = 'rbac.authorization.k8s.io';
const SCHEDULER = 'system:kube-scheduler';
const CONTROLLER_MANAGER = 'system:kube-controller-manager';
const PROXY = 'system:kube-proxy';
const NODE1 = 'system:node:n1';
const NODE2 = 'system:node:n2';

let cp: ControlPlane;
let admin: ApiClient;
const as: Record<string, ApiClient> = {};

beforeAll(async () => {
  cp = await startControlPlane({
    users: [
      { name: SCHEDULER },
      { name: CONTROLLER_MANAGER },
      { name: PROXY },
      { name: NODE1, groups: ['system:nodes'] },
      { name: NODE2, groups: ['system:nodes'] },
      { name: 'jane' },
      { name: 'bob', groups: ['devs'] },
      { name: 'nsadmin' },
    ],
  });
  admin = cp.client();
  for (const user of [SCHEDULER, CONTROLLER_MANAGER, PROXY, NODE1, NODE2, 'jane', 'bob', 'nsadmin']) as[user] = cp.clientAs(user);
  for (const ns of ['dev', 'prod']) await admin.resource('namespace').create(nsObject(ns));
  // Pod "web1" runs on n1 with a Secret and a ConfigMap; "web2" on n2 with its own Secret.
  for (const [n, node] of [['1', 'n1'], ['2', 'n2']] as const) {
    await admin.resource('secret').create({ metadata: { name: `creds${n}`, namespace: 'default' }, stringData: { password: 'x' } });
    await admin.resource('configMap').create(configMap(`settings${n}`));
    await admin.resource('pod').create(
      pod(`web${n}`, 'default', {
        nodeName: node,
        volumes: [{ name: 'creds', secret: { secretName: `creds${n}` } }],
        containers: [{ name: 'c', image: 'busybox:1.36', envFrom: [{ configMapRef: { name: `settings${n}` } }] }],
      }),
    );
  }
  await admin.resource('pod').create(pod('pending'));
});

afterAll(async () => {
  await cp?.stop();
});

/** Whether the apiserver let the call through: any outcome but Forbidden (NotFound, Invalid, success) means it did. */
async function outcome(call: () => Promise<unknown>): Promise<'allowed' | 'forbidden'> {
  try {
    await call();
    return 'allowed';
  } catch (err) {
    if (isApiError(err, 'Forbidden')) return 'forbidden';
    if (err instanceof ApiError) return 'allowed';
    throw err;
  }
}

/** The first event of a watch, or its error: a forbidden watch fails at its first read. */
async function firstWatchEvent(client: ApiClient, field: 'endpointSlice' | 'node' | 'secret' | 'pod', namespace: string, fieldSelector?: string): Promise<void> {
  const abort = new AbortController();
  const events = client.resource(field).watch(namespace, { signal: abort.signal, ...(fieldSelector && { fieldSelector }), allowWatchBookmarks: true });
  try {
    await events.next();
  } finally {
    abort.abort();
  }
}

const event = (name: string): t.Event => ({
  metadata: { name, namespace: 'default' },
  involvedObject: { kind: 'Pod', namespace: 'default', name: 'web1' },
  reason: 'Test',
  message: 'm',
  type: 'Normal',
});

type Row = [string, string, () => Promise<unknown>, 'allowed' | 'forbidden'];

describe('component identities get only their role', () => {
  const rows: Row[] = [
    // kube-scheduler: reads pods, nodes and namespaces, binds, writes pod status and events, leader election.
    ['scheduler lists pods everywhere', SCHEDULER, () => as[SCHEDULER]!.resource('pod').list(''), 'allowed'],
    ['scheduler watches nodes', SCHEDULER, () => firstWatchEvent(as[SCHEDULER]!, 'node', ''), 'allowed'],
    ['scheduler binds a pod', SCHEDULER, () => as[SCHEDULER]!.bind('default', { metadata: { name: 'pending' }, target: { kind: 'Node', name: 'n1' } }), 'allowed'],
    ['scheduler patches pod status', SCHEDULER, () => as[SCHEDULER]!.resource('pod').patch('default', 'web1', { status: { nominatedNodeName: 'n1' } }, { status: true }), 'allowed'],
    ['scheduler records events', SCHEDULER, () => as[SCHEDULER]!.resource('event').create(event('sched-ev')), 'allowed'],
    ['scheduler takes its lease', SCHEDULER, () => as[SCHEDULER]!.resource('lease').create({ metadata: { name: 'kube-scheduler', namespace: 'kube-system' }, spec: {} }), 'allowed'],
    ['scheduler cannot read Secrets', SCHEDULER, () => as[SCHEDULER]!.resource('secret').get('default', 'creds1'), 'forbidden'],
    ['scheduler cannot create pods', SCHEDULER, () => as[SCHEDULER]!.resource('pod').create(pod('sneaky')), 'forbidden'],
    ['scheduler cannot change pod specs', SCHEDULER, () => as[SCHEDULER]!.resource('pod').patch('default', 'web1', { metadata: { labels: { a: 'b' } } }), 'forbidden'],
    // kube-controller-manager: creates pods, replica sets, endpoints and slices; updates and deletes anything.
    ['controller-manager creates pods', CONTROLLER_MANAGER, () => as[CONTROLLER_MANAGER]!.resource('pod').create(pod('from-rs')), 'allowed'],
    ['controller-manager creates endpoint slices', CONTROLLER_MANAGER, () => as[CONTROLLER_MANAGER]!.resource('endpointSlice').create({ metadata: { name: 's1', namespace: 'default' }, addressType: 'IPv4', endpoints: [] }), 'allowed'],
    ['controller-manager updates node status', CONTROLLER_MANAGER, () => as[CONTROLLER_MANAGER]!.resource('node').patch('', 'n9', { spec: { podCIDR: '10.244.9.0/24' } }), 'allowed'],
    ['controller-manager deletes in any namespace', CONTROLLER_MANAGER, () => as[CONTROLLER_MANAGER]!.resource('configMap').delete('prod', 'nothing'), 'allowed'],
    ['controller-manager cannot create Secrets', CONTROLLER_MANAGER, () => as[CONTROLLER_MANAGER]!.resource('secret').create({ metadata: { name: 'x', namespace: 'default' } }), 'forbidden'],
    ['controller-manager cannot create cluster roles', CONTROLLER_MANAGER, () => as[CONTROLLER_MANAGER]!.resource('clusterRole').create({ metadata: { name: 'mine' } }), 'forbidden'],
    // kube-proxy: reads Services, slices and nodes, records events; its network policy agent lists
    // pods, namespaces and policies (as network plugins' agents do), and writes none of them.
    ['proxy lists services', PROXY, () => as[PROXY]!.resource('service').list(''), 'allowed'],
    ['proxy watches endpoint slices', PROXY, () => firstWatchEvent(as[PROXY]!, 'endpointSlice', ''), 'allowed'],
    ['proxy reads nodes', PROXY, () => as[PROXY]!.resource('node').list(''), 'allowed'],
    ['proxy cannot create pods', PROXY, () => as[PROXY]!.resource('pod').create(pod('sneaky')), 'forbidden'],
    ['proxy lists pods for network policies', PROXY, () => as[PROXY]!.resource('pod').list('default'), 'allowed'],
    ['proxy lists network policies', PROXY, () => as[PROXY]!.resource('networkPolicy').list(''), 'allowed'],
    ['proxy cannot change a pod', PROXY, () => as[PROXY]!.resource('pod').patch('default', 'web1', { metadata: { labels: { a: 'b' } } }), 'forbidden'],
    ['proxy cannot write network policies', PROXY, () => as[PROXY]!.resource('networkPolicy').create({ metadata: { name: 'open', namespace: 'default' }, spec: { podSelector: {} } }), 'forbidden'],
    ['proxy cannot read Secrets', PROXY, () => as[PROXY]!.resource('secret').list(''), 'forbidden'],
    // Only a node's own proxy identity annotates its Node (test/integration/apiserver/node-proxier.test.ts).
    ['proxy cannot annotate a node', PROXY, () => as[PROXY]!.resource('node').patch('', 'n1', { metadata: { annotations: { 'network.kubets.io/public-ip': '10.0.0.1' } } }), 'forbidden'],
    ['proxy cannot delete a node', PROXY, () => as[PROXY]!.resource('node').delete('', 'n1'), 'forbidden'],
    // kubelet n1: its node, its pods, what they use; nothing of n2's.
    ['kubelet registers its node', NODE1, () => as[NODE1]!.resource('node').create({ metadata: { name: 'n1' } }), 'allowed'],
    ['kubelet watches its pods', NODE1, () => firstWatchEvent(as[NODE1]!, 'pod', '', 'spec.nodeName=n1'), 'allowed'],
    ['kubelet reads its pod\'s Secret', NODE1, () => as[NODE1]!.resource('secret').get('default', 'creds1'), 'allowed'],
    ['kubelet reads its pod\'s ConfigMap', NODE1, () => as[NODE1]!.resource('configMap').get('default', 'settings1'), 'allowed'],
    ['kubelet renews its lease', NODE1, () => as[NODE1]!.resource('lease').create({ metadata: { name: 'n1', namespace: 'kube-node-lease' }, spec: {} }), 'allowed'],
    ['kubelet writes its pod\'s status', NODE1, () => as[NODE1]!.resource('pod').patch('default', 'web1', { status: { phase: 'Running' } }, { status: true }), 'allowed'],
    ['kubelet creates a mirror pod of its own', NODE1, () => as[NODE1]!.resource('pod').create(mirrorPod('static-n1', 'n1')), 'allowed'],
    ['kubelet cannot read another node\'s pod Secret', NODE1, () => as[NODE1]!.resource('secret').get('default', 'creds2'), 'forbidden'],
    ['kubelet cannot list Secrets', NODE1, () => as[NODE1]!.resource('secret').list('default'), 'forbidden'],
    ['kubelet cannot watch all Secrets', NODE1, () => firstWatchEvent(as[NODE1]!, 'secret', ''), 'forbidden'],
    ['kubelet cannot create ordinary pods', NODE1, () => as[NODE1]!.resource('pod').create(pod('sneaky', 'default', { nodeName: 'n1' })), 'forbidden'],
    ['kubelet cannot create mirror pods elsewhere', NODE1, () => as[NODE1]!.resource('pod').create(mirrorPod('static-n2', 'n2')), 'forbidden'],
    ['kubelet cannot write another node\'s pod status', NODE1, () => as[NODE1]!.resource('pod').patch('default', 'web2', { status: { phase: 'Failed' } }, { status: true }), 'forbidden'],
    ['kubelet cannot delete another node\'s pod', NODE1, () => as[NODE1]!.resource('pod').delete('default', 'web2'), 'forbidden'],
    ['kubelet cannot modify another node', NODE1, () => as[NODE1]!.resource('node').create({ metadata: { name: 'n2' } }), 'forbidden'],
    ['kubelet cannot take another node\'s lease', NODE1, () => as[NODE1]!.resource('lease').create({ metadata: { name: 'n2', namespace: 'kube-node-lease' }, spec: {} }), 'forbidden'],
    // Anyone authenticated may ask who they are allowed to be, and the version; nothing else.
    ['a user without bindings reads the version', 'bob', () => as['bob']!.version(), 'allowed'],
    ['a user without bindings lists nothing', 'bob', () => as['bob']!.resource('pod').list('default'), 'forbidden'],
  ];
  it.each(rows)('%s', async (_name, _user, call, expected) => {
    expect(await outcome(call)).toBe(expected);
  });
});

function mirrorPod(name: string, node: string): t.Pod {
  return { metadata: { name, namespace: 'default', annotations: { 'kubernetes.io/config.mirror': 'hash' } }, spec: { nodeName: node, containers: [{ name: 'c', image: 'busybox:1.36' }] } };
}

describe('Forbidden', () => {
  it('reads as kube-apiserver\'s message, namespaced and cluster-wide', async () => {
    await expectApiError(as['bob']!.resource('pod').list('prod'), 'Forbidden', 'pods is forbidden: User "bob" cannot list resource "pods" in API group "" in the namespace "prod"');
    await expectApiError(as['bob']!.resource('node').list(''), 'Forbidden', 'nodes is forbidden: User "bob" cannot list resource "nodes" in API group "" at the cluster scope');
    await expectApiError(
      as['bob']!.resource('deployment').get('prod', 'web'),
      'Forbidden',
      'deployments.apps "web" is forbidden: User "bob" cannot get resource "deployments" in API group "apps" in the namespace "prod"',
    );
    await expectApiError(
      as[NODE1]!.resource('secret').get('default', 'creds2'),
      'Forbidden',
      `secrets "creds2" is forbidden: User "system:node:n1" cannot get resource "secrets" in API group "" in the namespace "default": no relationship found between node 'n1' and this object`,
    );
  });
});

describe('RBAC bindings', () => {
  it('edit bound in dev lets a user work in dev and nowhere else', async () => {
    await admin.resource('roleBinding').create({
      metadata: { name: 'jane-edit', namespace: 'dev' },
      roleRef: { apiGroup: RBAC, kind: 'ClusterRole', name: 'edit' },
      subjects: [{ kind: 'User', apiGroup: RBAC, name: 'jane' }],
    });
    const jane = as['jane']!;
    await eventually(async () => (await outcome(() => jane.resource('configMap').create(configMap('app', 'dev')))) === 'allowed', 30_000, 'edit in dev');
    expect(await outcome(() => jane.resource('pod').list('dev'))).toBe('allowed');
    expect(await outcome(() => jane.resource('deployment').list('dev'))).toBe('allowed');
    expect(await outcome(() => jane.resource('configMap').create(configMap('app', 'prod')))).toBe('forbidden');
    expect(await outcome(() => jane.resource('pod').list('prod'))).toBe('forbidden');
    expect(await outcome(() => jane.resource('pod').list(''))).toBe('forbidden');
    // edit grants no RBAC writes: a user cannot widen their own rights.
    expect(await outcome(() => jane.resource('roleBinding').create({ metadata: { name: 'x', namespace: 'dev' }, roleRef: { apiGroup: RBAC, kind: 'ClusterRole', name: 'admin' }, subjects: [] }))).toBe('forbidden');
  });

  it('a Role grants only its resource names, to a group', async () => {
    await admin.resource('role').create({ metadata: { name: 'one-map', namespace: 'prod' }, rules: [{ verbs: ['get'], apiGroups: [''], resources: ['configmaps'], resourceNames: ['public'] }] });
    await admin.resource('roleBinding').create({
      metadata: { name: 'devs-one-map', namespace: 'prod' },
      roleRef: { apiGroup: RBAC, kind: 'Role', name: 'one-map' },
      subjects: [{ kind: 'Group', apiGroup: RBAC, name: 'devs' }],
    });
    const bob = as['bob']!;
    await eventually(async () => (await outcome(() => bob.resource('configMap').get('prod', 'public'))) === 'allowed', 30_000, 'the role binding');
    expect(await outcome(() => bob.resource('configMap').get('prod', 'private'))).toBe('forbidden');
    expect(await outcome(() => bob.resource('configMap').list('prod'))).toBe('forbidden');
  });

  it('a narrowed Role and a deleted RoleBinding count from the next calls', async () => {
    await admin.resource('role').create({ metadata: { name: 'secrets-reader', namespace: 'prod' }, rules: [{ verbs: ['get', 'list'], apiGroups: [''], resources: ['secrets'] }] });
    await admin.resource('roleBinding').create({
      metadata: { name: 'jane-secrets', namespace: 'prod' },
      roleRef: { apiGroup: RBAC, kind: 'Role', name: 'secrets-reader' },
      subjects: [{ kind: 'User', apiGroup: RBAC, name: 'jane' }],
    });
    const jane = as['jane']!;
    const listSecrets = () => outcome(() => jane.resource('secret').list('prod'));
    const getSecret = () => outcome(() => jane.resource('secret').get('prod', 'nothing'));
    await eventually(async () => (await listSecrets()) === 'allowed', 30_000, 'the secrets binding');
    const role = await admin.resource('role').get('prod', 'secrets-reader');
    await admin.resource('role').update({ ...role, rules: [{ verbs: ['get'], apiGroups: [''], resources: ['secrets'] }] });
    await eventually(async () => (await listSecrets()) === 'forbidden', 30_000, 'list taken out of the role');
    expect(await getSecret()).toBe('allowed');
    await admin.resource('roleBinding').delete('prod', 'jane-secrets');
    await eventually(async () => (await getSecret()) === 'forbidden', 30_000, 'the binding deleted');
  });

  it('refuses a changed roleRef', async () => {
    const binding = await admin.resource('roleBinding').get('dev', 'jane-edit');
    await expectApiError(admin.resource('roleBinding').update({ ...binding, roleRef: { apiGroup: RBAC, kind: 'ClusterRole', name: 'admin' } }), 'Invalid', 'roleRef: Invalid value');
  });
});

describe('ClusterRole aggregation', () => {
  it('fills the bootstrap roles and picks up a new labelled role', async () => {
    const rulesOf = async (name: string) => (await admin.resource('clusterRole').get('', name)).rules ?? [];
    await eventually(async () => (await rulesOf('admin')).some((r) => r.resources?.includes('rolebindings')), 30_000, 'admin aggregated');
    expect((await rulesOf('view')).some((r) => r.resources?.includes('secrets'))).toBe(false);
    await admin.resource('clusterRole').create({
      metadata: { name: 'widgets-view', labels: { 'rbac.authorization.k8s.io/aggregate-to-view': 'true' } },
      rules: [{ verbs: ['get', 'list'], apiGroups: ['example.com'], resources: ['widgets'] }],
    });
    const hasWidgets = async (name: string) => (await rulesOf(name)).some((r) => r.resources?.includes('widgets'));
    // view picks it up, and through view's own label, edit and then admin.
    await eventually(async () => (await hasWidgets('view')) && (await hasWidgets('edit')) && (await hasWidgets('admin')), 30_000, 'widgets in view, edit and admin');
  });
});

describe('impersonation', () => {
  it('is allowed for the admin, who then acts as the user', async () => {
    const asBob = new ApiClient({ servers: cp.apiservers.map((a) => a.address), ca: cp.caPem, token: cp.token, impersonate: { user: 'bob' } });
    try {
      await expectApiError(asBob.resource('secret').list('default'), 'Forbidden', 'User "bob" cannot list resource "secrets"');
      const review = await asBob.selfSubjectAccessReview({ spec: { resourceAttributes: { verb: 'get', resource: 'configmaps', namespace: 'prod', name: 'public' } } });
      expect(review.status?.allowed).toBe(false);
    } finally {
      asBob.close();
    }
    const asDevs = new ApiClient({ servers: cp.apiservers.map((a) => a.address), ca: cp.caPem, token: cp.token, impersonate: { user: 'carol', groups: ['devs'] } });
    try {
      await eventually(async () => (await asDevs.selfSubjectAccessReview({ spec: { resourceAttributes: { verb: 'get', resource: 'configmaps', namespace: 'prod', name: 'public' } } })).status?.allowed, 30_000, 'group rights through impersonation');
    } finally {
      asDevs.close();
    }
  });

  it('is refused without the impersonate verb', async () => {
    const bobAsAdmin = new ApiClient({
      servers: cp.apiservers.map((a) => a.address),
      ca: cp.caPem,
      token: cp.tokenOf('bob'),
      impersonate: { user: 'admin', groups: ['system:masters'] },
    });
    try {
      await expectApiError(bobAsAdmin.resource('pod').list('default'), 'Forbidden', 'users "admin" is forbidden: User "bob" cannot impersonate resource "users" in API group "" at the cluster scope');
    } finally {
      bobAsAdmin.close();
    }
  });
});

describe('access reviews', () => {
  it('answers for any subject to those allowed to ask, and refuses others', async () => {
    const ask = (client: ApiClient, user: string, verb: string, resource: string, namespace = '') =>
      client.subjectAccessReview({ spec: { user, resourceAttributes: { verb, resource, namespace } } });
    expect((await ask(admin, SCHEDULER, 'create', 'pods', 'default')).status?.allowed).toBe(false);
    expect((await ask(admin, SCHEDULER, 'list', 'pods')).status?.allowed).toBe(true);
    await expectApiError(ask(as['bob']!, SCHEDULER, 'list', 'pods'), 'Forbidden', 'subjectaccessreviews.authorization.k8s.io is forbidden');
  });

  it('lists the caller\'s rules in a namespace', async () => {
    const review = await as['jane']!.selfSubjectRulesReview({ spec: { namespace: 'dev' } });
    const verbsOn = (resource: string) => review.status?.resourceRules?.filter((r) => r.resources?.includes(resource)).flatMap((r) => r.verbs ?? []);
    expect(verbsOn('configmaps')).toEqual(expect.arrayContaining(['create', 'get', 'list']));
    expect(verbsOn('selfsubjectaccessreviews')).toEqual(['create']);
    expect(review.status?.nonResourceRules?.some((r) => r.nonResourceURLs?.includes('/version'))).toBe(true);
  });
});

describe('bootstrap policy', () => {
  it('is reconciled at apiserver start: what is missing comes back, opted-out objects stay as they are', async () => {
    const roles = admin.resource('clusterRole');
    const basic = await roles.get('', 'system:basic-user');
    await roles.update({ ...basic, rules: [], metadata: { ...basic.metadata, labels: { mine: 'yes' } } });
    const discovery = await roles.get('', 'system:discovery');
    await roles.update({ ...discovery, rules: [], metadata: { ...discovery.metadata, annotations: { 'rbac.authorization.kubernetes.io/autoupdate': 'false' } } });
    await admin.resource('clusterRoleBinding').delete('', 'system:node-proxier');
    await cp.addApiserver();
    expect((await roles.get('', 'system:basic-user')).rules?.[0]?.resources).toEqual(['selfsubjectaccessreviews', 'selfsubjectrulesreviews']);
    expect((await roles.get('', 'system:basic-user')).metadata?.labels?.mine).toBe('yes');
    expect((await roles.get('', 'system:discovery')).rules ?? []).toEqual([]);
    expect((await admin.resource('clusterRoleBinding').get('', 'system:node-proxier')).subjects?.[0]?.name).toBe(PROXY);
  });
});

describe('escalation', () => {
  it('lets a namespace admin grant only what they hold', async () => {
    await admin.resource('roleBinding').create({
      metadata: { name: 'nsadmin', namespace: 'dev' },
      roleRef: { apiGroup: RBAC, kind: 'ClusterRole', name: 'admin' },
      subjects: [{ kind: 'User', apiGroup: RBAC, name: 'nsadmin' }],
    });
    const nsadmin = as['nsadmin']!;
    const role = (name: string, resources: string[]) => ({ metadata: { name, namespace: 'dev' }, rules: [{ verbs: ['get'], apiGroups: [''], resources }] });
    await eventually(async () => (await outcome(() => nsadmin.resource('role').create(role('maps', ['configmaps'])))) === 'allowed', 30_000, 'admin in dev');
    await expectApiError(
      nsadmin.resource('role').create(role('nodes', ['nodes'])),
      'Forbidden',
      'roles.rbac.authorization.k8s.io "nodes" is forbidden: user "nsadmin" (groups=["system:authenticated"]) is attempting to grant RBAC permissions not currently held:\n{APIGroups:[""], Resources:["nodes"], Verbs:["get"]}',
    );
    const bind = (name: string, clusterRole: string) =>
      nsadmin.resource('roleBinding').create({ metadata: { name, namespace: 'dev' }, roleRef: { apiGroup: RBAC, kind: 'ClusterRole', name: clusterRole }, subjects: [{ kind: 'User', apiGroup: RBAC, name: 'jane' }] });
    expect(await outcome(() => bind('jane-view', 'view'))).toBe('allowed');
    await expectApiError(bind('jane-root', 'cluster-admin'), 'Forbidden', 'is attempting to grant RBAC permissions not currently held');
    // A change that leaves the rules alone needs nothing more; one of the rules is checked.
    expect(await outcome(() => nsadmin.resource('role').patch('dev', 'maps', { metadata: { labels: { team: 'a' } } }))).toBe('allowed');
    await expectApiError(nsadmin.resource('role').patch('dev', 'maps', { rules: [{ verbs: ['*'], apiGroups: ['*'], resources: ['*'] }] }), 'Forbidden', 'needs the escalate verb');
    const maps = await nsadmin.resource('role').get('dev', 'maps');
    await expectApiError(nsadmin.resource('role').update({ ...maps, rules: [{ verbs: ['list'], apiGroups: [''], resources: ['nodes'] }] }), 'Forbidden', 'not currently held');
  });
});
