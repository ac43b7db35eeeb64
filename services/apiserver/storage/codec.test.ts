import { describe, expect, it } from 'vitest';
import { ApiError } from '../../../lib/api/errors.js';
import { decodeObject, encodeObject } from '../../../lib/api/proto.js';
import { resourceByField, resources, type AnyObject } from '../../../lib/api/resources.js';
import { wireObject } from '../wire-object.js';
import { decodeFromStorage, encodeForStorage, encodeWireEnvelope, noteStoredForm, wireEnvelopeFromStored } from './codec.js';

const configMaps = resourceByField('configMap');
const pods = resourceByField('pod');

function withVersion<T extends AnyObject>(object: T, rv: string | undefined): T {
  return { ...object, metadata: { ...object.metadata, resourceVersion: rv } };
}

describe('wireEnvelopeFromStored', () => {
  const cases: [string, ReturnType<typeof resourceByField>, AnyObject][] = [
    ['a ConfigMap with data and binary data', configMaps, { metadata: { name: 'cm', namespace: 'default', uid: 'u', labels: { a: 'b' } }, data: { k: 'v' }, binaryData: { b: Buffer.from([0, 1, 255]) } }],
    ['a ConfigMap that names its apiVersion and kind', configMaps, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cm', namespace: 'default' }, data: { k: 'v' } }],
    ['a Pod with spec and status', pods, { metadata: { name: 'p', namespace: 'ns', generation: 3 }, spec: { containers: [{ name: 'c', image: 'busybox:1.36' }], nodeName: 'n1' }, status: { phase: 'Pending' } }],
  ];
  for (const [what, info, object] of cases) {
    for (const rv of ['42', '9007199254740991', undefined]) {
      it(`decodes as the full encoding does: ${what}, resourceVersion ${rv ?? 'unset'}`, () => {
        const stored = encodeForStorage(info, object);
        const answered = withVersion(object, rv);
        expect(decodeObject(wireEnvelopeFromStored(info, answered.metadata?.resourceVersion, stored))).toEqual(decodeObject(encodeObject(wireObject(info, answered))));
      });
    }
  }

  it('works for every kind with bare metadata', () => {
    for (const info of resources) {
      const object = { metadata: { name: 'x', namespace: info.namespaced ? 'default' : undefined } } as AnyObject;
      const answered = withVersion(object, '7');
      expect(decodeObject(wireEnvelopeFromStored(info, answered.metadata?.resourceVersion, encodeForStorage(info, object)))).toEqual(decodeObject(encodeObject(wireObject(info, answered))));
    }
  });

  it('always names the resource\'s apiVersion and kind, which storage leaves out', () => {
    const decoded = decodeObject(wireEnvelopeFromStored(pods, undefined, encodeForStorage(pods, { apiVersion: 'v9', kind: 'Other', metadata: { name: 'p' } })));
    expect(decoded.pod).toMatchObject({ apiVersion: 'v1', kind: 'Pod' });
  });

  it('refuses bytes of another kind', () => {
    expect(() => wireEnvelopeFromStored(pods, undefined, encodeForStorage(configMaps, { metadata: { name: 'cm' } }))).toThrow(/Pod/);
  });
});

describe('encodeWireEnvelope', () => {
  it('reuses the stored bytes noted for an object, and encodes other objects in full', () => {
    const object: AnyObject = { metadata: { name: 'cm', namespace: 'default' }, data: { k: 'v' } };
    const stored = encodeForStorage(configMaps, object);
    const plain = withVersion(object, '5');
    const noted = withVersion(object, '5');
    noteStoredForm(noted, stored);
    // The stored bytes stand for the object as it was encoded: a later change shows they are the source.
    (noted as { data: Record<string, string> }).data = { k: 'changed after storing' };
    expect(decodeObject(encodeWireEnvelope(configMaps, noted)).configMap?.data).toEqual({ k: 'v' });
    expect(decodeObject(encodeWireEnvelope(configMaps, plain))).toEqual(decodeObject(encodeObject(wireObject(configMaps, plain))));
  });
});

describe('decodeFromStorage', () => {
  it('answers a value broken inside with an internal error naming its key', () => {
    const value = encodeForStorage(configMaps, { metadata: { name: 'cm', namespace: 'default' }, data: { k: 'v' } });
    // The data entry's key tag becomes a field of wire type 7, which no protobuf value has.
    value[value.indexOf(Buffer.from([0x0a, 0x01, 0x6b, 0x12]))] = 0x1f;
    let err: unknown;
    try {
      decodeFromStorage(configMaps, { key: '/registry/configmaps/default/cm', value, modRevision: 5, createRevision: 5, version: 1 });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ApiError);
    expect((err as ApiError).reason).toBe('InternalError');
    expect((err as ApiError).message).toMatch(/^Internal error occurred: the object stored at \/registry\/configmaps\/default\/cm cannot be decoded: invalid wire type 7 at offset \d+$/);
  });
});
