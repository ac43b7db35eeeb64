import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import protobuf from 'protobufjs';
import { describe, expect, it, vi } from 'vitest';
import { projectRoot } from '../paths.js';
import { toObjectOptions } from './proto.js';
import { resolvedTypeOf, rootOnDemand } from './schema-on-demand.js';

const nested = (): Record<string, protobuf.AnyNestedObject> =>
  (JSON.parse(readFileSync(join(projectRoot, 'lib/api/generated/schema.json'), 'utf8')) as protobuf.INamespace).nested ?? {};

/** Every message, enum and service under `ns`, by full name (walking it builds them all). */
function definitions(ns: protobuf.NamespaceBase): Array<protobuf.Type | protobuf.Enum | protobuf.Service> {
  return ns.nestedArray.flatMap((n) => [
    ...(n instanceof protobuf.Type || n instanceof protobuf.Enum || n instanceof protobuf.Service ? [n] : []),
    ...(n instanceof protobuf.Namespace || n instanceof protobuf.Type ? definitions(n) : []),
  ]);
}

/** What resolving gives a field, which encoding, decoding and the JSON conversion read. */
function resolvedShape(field: protobuf.Field): unknown {
  field.resolve();
  const features = (field as unknown as { _features: unknown })._features;
  return { type: field.resolvedType?.fullName ?? field.type, typeDefault: field.typeDefault, packed: field.packed, optional: field.optional, features };
}

const pods = {
  metadata: { resourceVersion: '7' },
  items: [
    {
      pod: {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: 'web', namespace: 'default', labels: { app: 'web' } },
        spec: { containers: [{ name: 'web', image: 'busybox', ports: [{ containerPort: 80 }], args: ['a'] }], priority: 0 },
        status: { phase: 'Running', podIPs: [{ ip: '10.0.0.1' }] },
      },
    },
  ],
};

describe('schema built on demand', () => {
  it('builds every definition as protobufjs builds it from the same JSON', () => {
    const whole = protobuf.Root.fromJSON({ nested: nested() });
    const onDemand = rootOnDemand(nested());
    const all = definitions(whole);
    expect(all.length).toBeGreaterThan(600);
    for (const definition of all) {
      const same = onDemand.lookup(definition.fullName);
      expect(same?.constructor, definition.fullName).toBe(definition.constructor);
      expect(same!.toJSON(), definition.fullName).toEqual(definition.toJSON());
      if (definition instanceof protobuf.Type) {
        const fields = (same as protobuf.Type).fieldsArray.map(resolvedShape);
        expect(fields, definition.fullName).toEqual(definition.fieldsArray.map(resolvedShape));
      }
    }
  });

  it('encodes and decodes a list exactly as the whole schema does', () => {
    const whole = protobuf.Root.fromJSON({ nested: nested() }).lookupType('kubets.v1.ListResponse');
    const onDemand = rootOnDemand(nested()).lookupType('kubets.v1.ListResponse');
    const bytes = whole.encode(whole.fromObject(pods)).finish();
    expect(Buffer.from(onDemand.encode(onDemand.fromObject(pods)).finish())).toEqual(Buffer.from(bytes));
    expect(onDemand.toObject(onDemand.decode(bytes), toObjectOptions)).toEqual(whole.toObject(whole.decode(bytes), toObjectOptions));
  });

  it('builds only the definitions a list of pods reaches', () => {
    const built = vi.spyOn(protobuf.Type, 'fromJSON');
    try {
      const root = rootOnDemand(nested());
      const list = root.lookupType('kubets.v1.ListResponse');
      list.toObject(list.decode(list.encode(list.fromObject(pods)).finish()), toObjectOptions);
      const names = new Set(built.mock.calls.map(([name]) => name));
      expect(names).toContain('PodSpec');
      expect(names).not.toContain('DeploymentSpec');
      expect(names.size).toBeLessThan(definitions(protobuf.Root.fromJSON({ nested: nested() })).length / 2);
    } finally {
      built.mockRestore();
    }
  });

  it('builds no type for a message field the data does not carry: the envelope builds the Pod alone, a container no probe', () => {
    const built = vi.spyOn(protobuf.Type, 'fromJSON');
    try {
      const list = rootOnDemand(nested()).lookupType('kubets.v1.ListResponse');
      const bytes = list.encode(list.fromObject({ items: [{ pod: { metadata: { name: 'web' }, spec: { containers: [{ name: 'web' }] } } }] })).finish();
      built.mockClear();
      expect(list.toObject(list.decode(bytes), toObjectOptions)).toEqual({ items: [{ pod: { metadata: { name: 'web' }, spec: { containers: [{ name: 'web' }] } } }] });
      const names = new Set(built.mock.calls.map(([name]) => name));
      expect(names).toEqual(new Set());
      const fresh = rootOnDemand(nested()).lookupType('kubets.v1.ListResponse');
      built.mockClear();
      fresh.toObject(fresh.decode(bytes), toObjectOptions);
      expect(new Set(built.mock.calls.map(([name]) => name))).toEqual(new Set(['Object', 'Pod', 'ObjectMeta', 'PodSpec', 'Container']));
    } finally {
      built.mockRestore();
    }
  });

  it('resolves a field before giving its type', () => {
    const pod = rootOnDemand(nested()).lookupType('kubets.v1.Pod');
    expect(pod.fields.spec!.resolvedType).toBeNull();
    expect(resolvedTypeOf(pod.fields.spec!)?.fullName).toBe('.kubets.v1.PodSpec');
  });

  it('converts nested messages whichever codec a type makes first (int64 as numbers, as the deserializer does)', () => {
    const type = rootOnDemand(nested()).lookupType('kubets.v1.Object');
    const bytes = type.encode(type.fromObject({ deployment: { metadata: { name: 'web', generation: 3 } } })).finish();
    // The order of a gRPC deserializer of the Get answer: the toObject getter is read before decode builds anything.
    const rpc = rootOnDemand(nested()).lookupService('kubets.v1.Resources').methods.Get!;
    rpc.resolve();
    const fresh = rpc.resolvedResponseType!;
    const object = fresh.toObject(fresh.decode(bytes), toObjectOptions) as { deployment: { metadata: { generation: unknown } } };
    expect(object.deployment.metadata.generation).toBe(3);
  });
});
