import * as grpc from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fromServiceError } from '../../../lib/api/errors.js';
import type * as t from '../../../lib/api/generated/index.js';
import { protoRoot } from '../../../lib/api/proto.js';
import { encodeWide } from '../../../lib/api/testing/wide-encode.js';
import { useControlPlane } from '../../harness/use-control-plane.js';
import { expectApiError, nsObject, pod, rawClient, type RawClient } from './helpers.js';

// Values that used to get through: integers wrapped to fit their fields, grace periods that made a
// pod impossible to delete, malformed quantities answered with a 500, patches nested thousands deep,
// oversize messages reported as rate limiting. Each is refused with the field path and the rule,
// and a list afterwards shows nothing was written.

const cluster = useControlPlane();
const NS = 'values';
let raw: RawClient;

beforeAll(async () => {
  raw = rawClient(cluster.cp);
  await cluster.client.resource('namespace').create(nsObject(NS));
});

afterAll(() => raw?.close());

const createRequest = protoRoot().lookupType('kubets.v1.CreateRequest');
const deleteRequest = protoRoot().lookupType('kubets.v1.DeleteRequest');

async function rawError(method: string, bytes: Buffer) {
  let caught: unknown;
  try {
    await raw.callBytes(method, bytes);
  } catch (err) {
    caught = err;
  }
  expect(caught, `${method} should have failed`).toBeDefined();
  return fromServiceError(caught);
}

async function stored(): Promise<string[]> {
  const [rcs, pods] = await Promise.all([cluster.client.resource('replicationController').list(NS), cluster.client.resource('pod').list(NS)]);
  return [...rcs.items, ...pods.items].map((o) => o.metadata?.name ?? '').sort();
}

const rc = (name: string, replicas: number | bigint = 1) => ({
  metadata: { name, namespace: NS },
  spec: { replicas, selector: { app: name }, template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'c', image: 'busybox:1.36' }] } } },
});

describe('integers out of range', () => {
  const onTheWire: [string, object, string][] = [
    ['replicas of 2^32 + 3', { replicationController: rc('wrap', 4294967299n) }, 'ReplicationController "wrap" is invalid: spec.replicas: Invalid value: 4294967299: must be a 32-bit integer'],
    ['replicas of 2^40', { replicationController: rc('wrap', 2n ** 40n) }, 'ReplicationController "wrap" is invalid: spec.replicas: Invalid value: 1099511627776: must be a 32-bit integer'],
    [
      'a containerPort of 2^32 + 80',
      { pod: { metadata: { name: 'port', namespace: NS }, spec: { containers: [{ name: 'c', image: 'busybox:1.36', ports: [{ containerPort: 80 }, { containerPort: 2n ** 32n + 80n }] }] } } },
      'Pod "port" is invalid: spec.containers[0].ports[1].containerPort: Invalid value: 4294967376: must be a 32-bit integer',
    ],
    [
      'an int64 beyond 2^53',
      { pod: { metadata: { name: 'grace', namespace: NS }, spec: { containers: [{ name: 'c', image: 'busybox:1.36' }], terminationGracePeriodSeconds: 2n ** 60n + 1n } } },
      'Pod "grace" is invalid: spec.terminationGracePeriodSeconds: Invalid value: 1152921504606846977: must be an integer between -9007199254740991 and 9007199254740991',
    ],
  ];

  it.each(onTheWire)('refuses %s sent as protobuf as Invalid naming the field, and stores nothing', async (_, object, message) => {
    const err = await rawError('Create', encodeWide(createRequest, { resource: 'replicationController' in object ? 'replicationcontrollers' : 'pods', namespace: NS, object } as never));
    expect(err.reason).toBe('Invalid');
    expect(err.message).toBe(message);
    expect(err.details.causes).toHaveLength(1);
    expect(await stored()).toEqual([]);
  });

  it('refuses an out-of-range integer in the request itself as BadRequest', async () => {
    const err = await rawError('Delete', encodeWide(deleteRequest, { resource: 'pods', namespace: NS, name: 'x', options: { gracePeriodSeconds: 2n ** 62n } }));
    expect(err.reason).toBe('BadRequest');
    expect(err.message).toBe(`invalid DeleteRequest: options.gracePeriodSeconds: Invalid value: ${2n ** 62n}: must be an integer between -9007199254740991 and 9007199254740991`);
  });

  it('refuses them in the typed client before protobufjs can wrap them', async () => {
    const err = await expectApiError(cluster.client.resource('replicationController').create(rc('client', 4294967299) as t.ReplicationController), 'Invalid');
    expect(err.message).toBe('ReplicationController "client" is invalid: spec.replicas: Invalid value: 4294967299: must be a 32-bit integer');
    await expectApiError(cluster.client.resource('replicationController').create(rc('client', 1.5) as t.ReplicationController), 'Invalid', /spec\.replicas: Invalid value: 1\.5: must be an integer/);
    expect(await stored()).toEqual([]);
  });

  it('refuses them in a patch and keeps the stored object', async () => {
    const rcs = cluster.client.resource('replicationController');
    const made = await rcs.create(rc('patched') as t.ReplicationController);
    for (const [patch, value] of [['{"spec":{"replicas":4294967299}}', '4294967299'], ['{"spec":{"replicas":1.5}}', '1.5']] as const) {
      const err = await expectApiError(rcs.patch(NS, 'patched', patch), 'Invalid');
      expect(err.message).toMatch(new RegExp(`^ReplicationController "patched" is invalid: spec\\.replicas: Invalid value: ${value.replace('.', '\\.')}: must be (a 32-bit integer|an integer)$`));
      expect(err.details.causes?.[0]?.field).toBe('spec.replicas');
    }
    await expectApiError(rcs.patch(NS, 'patched', '{"spec":{"replicas":"3"}}'), 'Invalid', /spec\.replicas: Invalid value: "3": expected integer, got string/);
    const after = await rcs.get(NS, 'patched');
    expect(after.spec?.replicas).toBe(1);
    expect(after.metadata?.resourceVersion).toBe(made.metadata?.resourceVersion);
    await rcs.delete(NS, 'patched');
  });
});

describe('grace periods', () => {
  it('refuses negative grace periods in a pod and in DeleteOptions', async () => {
    const pods = cluster.client.resource('pod');
    await expectApiError(pods.create(pod('negative', NS, { terminationGracePeriodSeconds: -5 })), 'Invalid', /spec\.terminationGracePeriodSeconds: Invalid value: -5: must be greater than or equal to 0/);
    await pods.create(pod('kept', NS));
    const err = await expectApiError(pods.delete(NS, 'kept', { gracePeriodSeconds: -1 }), 'Invalid');
    expect(err.message).toBe('DeleteOptions "" is invalid: gracePeriodSeconds: Invalid value: -1: must be greater than or equal to 0');
    await expectApiError(pods.delete(NS, 'kept', { propagationPolicy: 'Sometimes' }), 'Invalid', /propagationPolicy: Unsupported value: "Sometimes"/);
    expect(await stored()).toEqual(['kept']);
    await pods.delete(NS, 'kept');
  });

  it('deletes a bound pod with the largest grace period: the deadline is held at the last RFC3339 time', async () => {
    const pods = cluster.client.resource('pod');
    const created = await pods.create(pod('forever', NS, { terminationGracePeriodSeconds: Number.MAX_SAFE_INTEGER }));
    await cluster.client.bind(NS, { metadata: { name: 'forever' }, target: { kind: 'Node', name: 'n1' } });
    const marked = await pods.delete(NS, 'forever');
    expect(marked.metadata?.deletionTimestamp).toBe('9999-12-31T23:59:59Z');
    expect(marked.metadata?.deletionGracePeriodSeconds).toBe(Number.MAX_SAFE_INTEGER);
    await pods.delete(NS, 'forever', { gracePeriodSeconds: 0, preconditions: { uid: created.metadata?.uid } });
    await expectApiError(pods.get(NS, 'forever'), 'NotFound');
    expect(await stored()).toEqual([]);
  });
});

describe('quantities', () => {
  it('answers an invalid limit with 422 Invalid naming it (QoS no longer fails first)', async () => {
    const bad = pod('qos', NS, { containers: [{ name: 'c', image: 'busybox:1.36', resources: { limits: { cpu: 'abc' } } }] });
    const err = await expectApiError(cluster.client.resource('pod').create(bad), 'Invalid');
    expect(err.message).toBe(
      `Pod "qos" is invalid: spec.containers[0].resources.limits[cpu]: Invalid value: "abc": quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'`,
    );
    expect(err.details.causes?.map((c) => c.field)).toEqual(['spec.containers[0].resources.limits[cpu]']);
    expect(await stored()).toEqual([]);
  });

  it('reads quantities written as numbers in a patch', async () => {
    const rcs = cluster.client.resource('replicationController');
    await rcs.create(rc('numbers') as t.ReplicationController);
    const patch = { spec: { template: { spec: { containers: [{ name: 'c', resources: { limits: { cpu: 1, memory: 134217728 }, requests: { cpu: 0.5 } } }] } } } };
    const patched = await rcs.patch(NS, 'numbers', patch, { type: 'strategic' });
    expect(patched.spec?.template?.spec?.containers?.[0]?.resources).toEqual({ limits: { cpu: '1', memory: '134217728' }, requests: { cpu: '500m' } });
    await rcs.delete(NS, 'numbers');
  });
});

describe('patches', () => {
  const deep = (depth: number): string => '{"metadata":{"labels":' + '{"a":'.repeat(depth) + '1' + '}'.repeat(depth) + '}}';
  const deepJsonPatch = (depth: number): string => `[{"op":"add","path":"/metadata/annotations","value":${'['.repeat(depth)}${']'.repeat(depth)}}]`;

  it.each([
    ['merge', deep(10_000)],
    ['strategic', deep(10_000)],
    ['json', deepJsonPatch(10_000)],
  ] as const)('refuses a %s patch nested 10,000 deep as BadRequest naming the limit, and changes nothing', async (type, patch) => {
    const rcs = cluster.client.resource('replicationController');
    const made = await rcs.create(rc(`deep-${type}`) as t.ReplicationController);
    await expectApiError(rcs.patch(NS, `deep-${type}`, patch, { type }), 'BadRequest', /^error decoding patch: nested deeper than the limit of 100 levels$/);
    expect((await rcs.get(NS, `deep-${type}`)).metadata?.resourceVersion).toBe(made.metadata?.resourceVersion);
    await rcs.delete(NS, `deep-${type}`);
  });

  it('refuses a JSON patch of more than 10,000 operations as RequestEntityTooLarge', async () => {
    const rcs = cluster.client.resource('replicationController');
    await rcs.create(rc('many-ops') as t.ReplicationController);
    const ops = Array.from({ length: 10_001 }, () => ({ op: 'test', path: '/spec/replicas', value: 1 }));
    await expectApiError(rcs.patch(NS, 'many-ops', JSON.stringify(ops), { type: 'json' }), 'RequestEntityTooLarge', /maximum operations in a JSON patch is 10000, got 10001/);
    await rcs.delete(NS, 'many-ops');
  });
});

describe('messages over the gRPC limit', () => {
  const big = { metadata: { name: 'huge', namespace: NS }, data: { blob: 'x'.repeat(5 * 1024 * 1024) } };

  it('are refused by the client as RequestEntityTooLarge naming the object and the limit', async () => {
    await expectApiError(cluster.client.resource('configMap').create(big), 'RequestEntityTooLarge', /^Request entity too large: ConfigMap "huge" is \d+ bytes, limit is 4194304$/);
  });

  it("are refused by the server (grpc-js' own check) and read as RequestEntityTooLarge, not TooManyRequests", async () => {
    const bytes = encodeWide(createRequest, { resource: 'configmaps', namespace: NS, object: { configMap: big } });
    let caught: grpc.ServiceError | undefined;
    try {
      await raw.callBytes('Create', bytes);
    } catch (err) {
      caught = err as grpc.ServiceError;
    }
    expect(caught?.code).toBe(grpc.status.RESOURCE_EXHAUSTED);
    const err = fromServiceError(caught);
    expect(err.reason).toBe('RequestEntityTooLarge');
    expect(err.message).toBe(`Request entity too large: the message is ${bytes.length} bytes, limit is 4194304`);
    expect((await cluster.client.resource('configMap').list(NS)).items).toEqual([]);
  });
});

describe('more bad input, each refused with the field or the rule', () => {
  it('refuses a strategic patch with an unknown directive or a scalar in a keyed list', async () => {
    const rcs = cluster.client.resource('replicationController');
    const made = await rcs.create(rc('directives') as t.ReplicationController);
    const containers = (list: unknown[]) => ({ spec: { template: { spec: { containers: list } } } });
    await expectApiError(rcs.patch(NS, 'directives', containers([{ name: 'c', $patch: 'bogus' }]), { type: 'strategic' }), 'BadRequest', /^unknown patch directive "bogus" at spec\.template\.spec\.containers/);
    await expectApiError(rcs.patch(NS, 'directives', containers(['c']), { type: 'strategic' }), 'BadRequest', /^cannot merge string into spec\.template\.spec\.containers: its elements are objects merged on "name"$/);
    expect((await rcs.get(NS, 'directives')).metadata?.resourceVersion).toBe(made.metadata?.resourceVersion);
    await rcs.delete(NS, 'directives');
  });

  it('refuses a patch that renames the object instead of writing another one', async () => {
    const rcs = cluster.client.resource('replicationController');
    await rcs.create(rc('named') as t.ReplicationController);
    await rcs.create(rc('other') as t.ReplicationController);
    const other = await rcs.get(NS, 'other');
    await expectApiError(rcs.patch(NS, 'named', '[{"op":"replace","path":"/metadata/name","value":"other"}]', { type: 'json' }), 'BadRequest', 'the name of the object (other) does not match the name on the URL (named)');
    await expectApiError(rcs.patch(NS, 'named', { metadata: { name: 'other' } }), 'BadRequest', /does not match the name on the URL/);
    expect((await rcs.get(NS, 'other')).metadata?.resourceVersion).toBe(other.metadata?.resourceVersion);
    await rcs.delete(NS, 'named');
    await rcs.delete(NS, 'other');
  });

  it('refuses a binding to a node name no pod may carry, or to something not a Node', async () => {
    const pods = cluster.client.resource('pod');
    await pods.create(pod('unbound', NS));
    const err = await expectApiError(cluster.client.bind(NS, { metadata: { name: 'unbound' }, target: { kind: 'Node', name: 'Bad Node!' } }), 'Invalid');
    expect(err.message).toMatch(/^Binding "unbound" is invalid: target\.name: Invalid value: "Bad Node!": a lowercase RFC 1123 subdomain/);
    await expectApiError(cluster.client.bind(NS, { metadata: { name: 'unbound' }, target: { kind: 'Pod', name: 'n1' } }), 'Invalid', /target\.kind: Unsupported value: "Pod": supported values: "Node", "<empty>"/);
    expect((await pods.get(NS, 'unbound')).spec?.nodeName).toBeUndefined();
    await pods.delete(NS, 'unbound');
  });

  it('quotes a name with control characters in the message', async () => {
    const err = await expectApiError(cluster.client.resource('configMap').create({ metadata: { name: 'a\u0000b', namespace: NS } }), 'Invalid');
    expect(err.message).toMatch(/^ConfigMap "a\\x00b" is invalid: metadata\.name: Invalid value: "a\\x00b"/);
  });

  it('refuses a node whose pod CIDR is not a CIDR', async () => {
    const err = await expectApiError(cluster.client.resource('node').create({ metadata: { name: 'cidr' }, spec: { podCIDR: 'nonsense' } }), 'Invalid');
    expect(err.message).toBe('Node "cidr" is invalid: spec.podCIDR: Invalid value: "nonsense": must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)');
    await expectApiError(cluster.client.resource('node').get('', 'cidr'), 'NotFound');
  });
});

describe('watch timeouts', () => {
  it('keeps a watch with a timeout longer than a Node timer open, and refuses a negative one', async () => {
    const cms = cluster.client.resource('configMap');
    const abort = new AbortController();
    const seen: string[] = [];
    const list = await cms.list(NS);
    const watching = (async () => {
      for await (const ev of cms.watch(NS, { resourceVersion: list.resourceVersion, timeoutSeconds: 1e10, signal: abort.signal })) {
        seen.push(`${ev.type} ${ev.object.metadata?.name}`);
        abort.abort();
      }
    })();
    await new Promise((resolve) => setTimeout(resolve, 500));
    await cms.create({ metadata: { name: 'after-wait', namespace: NS } });
    await watching;
    expect(seen).toEqual(['ADDED after-wait']);
    await cms.delete(NS, 'after-wait');
    const negative = (async () => {
      for await (const _ of cms.watch(NS, { timeoutSeconds: -1 })) return;
    })();
    await expectApiError(negative, 'BadRequest', 'timeoutSeconds: Invalid value: -1: must be greater than or equal to 0');
  });
});
