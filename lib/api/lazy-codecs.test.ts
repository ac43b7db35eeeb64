import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import protobuf from 'protobufjs';
import { describe, expect, it } from 'vitest';
import { projectRoot } from '../paths.js';
import { makeCodecsLazy } from './lazy-codecs.js';
import { toObjectOptions } from './proto.js';

const schema = (): protobuf.INamespace => JSON.parse(readFileSync(join(projectRoot, 'lib/api/generated/schema.json'), 'utf8')) as protobuf.INamespace;

function lazyRoot(): protobuf.Root {
  const root = new protobuf.Root();
  root.addJSON(schema().nested ?? {});
  makeCodecsLazy(root);
  root.resolveAll();
  return root;
}

const isBuilt = (type: protobuf.Type, name: string): boolean => Object.getOwnPropertyDescriptor(type, name)?.get === undefined;

const list = {
  metadata: { resourceVersion: '7' },
  items: [
    {
      pod: {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: 'web', namespace: 'default', labels: { app: 'web' }, generation: 2 },
        spec: { containers: [{ name: 'web', image: 'busybox', ports: [{ containerPort: 80 }] }], volumes: [{ name: 'token', projected: { sources: [{ serviceAccountToken: { path: 'token', expirationSeconds: 3607 } }] } }] },
        status: { phase: 'Running' },
      },
    },
  ],
};

describe('lazy codecs', () => {
  it('encode and decode exactly as protobufjs does on its own', () => {
    const plain = protobuf.Root.fromJSON(schema()).lookupType('kubets.v1.ListResponse');
    const lazy = lazyRoot().lookupType('kubets.v1.ListResponse');
    const bytes = plain.encode(plain.fromObject(list)).finish();
    expect(Buffer.from(lazy.encode(lazy.fromObject(list)).finish())).toEqual(Buffer.from(bytes));
    expect(lazy.toObject(lazy.decode(bytes), toObjectOptions)).toEqual(plain.toObject(plain.decode(bytes), toObjectOptions));
    expect(lazy.verify(list.items[0]!)).toBe(plain.verify(list.items[0]!));
  });

  it('builds only the functions that are called, and no constructor until one is needed', () => {
    const root = lazyRoot();
    const pod = root.lookupType('kubets.v1.Pod');
    const bytes = pod.encode(pod.fromObject(list.items[0]!.pod)).finish();
    const spec = root.lookupType('kubets.v1.PodSpec');
    expect(isBuilt(spec, 'encode')).toBe(true);
    expect(isBuilt(spec, 'decode')).toBe(false);
    expect(isBuilt(spec, 'toObject')).toBe(false);
    pod.toObject(pod.decode(bytes), toObjectOptions);
    expect(isBuilt(spec, 'decode')).toBe(true);
    expect(isBuilt(root.lookupType('kubets.v1.Deployment'), 'decode')).toBe(false);
  });

  it('gives map and list fields their own empty value in each message', () => {
    const meta = lazyRoot().lookupType('kubets.v1.ObjectMeta');
    const a = meta.create({ name: 'a' }) as unknown as { labels: object; finalizers: unknown[]; name: string };
    const b = meta.create() as unknown as { labels: object };
    expect(a.name).toBe('a');
    expect(a.labels).toEqual({});
    expect(a.finalizers).toEqual([]);
    expect(a.labels).not.toBe(b.labels);
  });
});
