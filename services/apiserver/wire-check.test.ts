import { describe, expect, it } from 'vitest';
import { encodeObject, protoRoot } from '../../lib/api/proto.js';
import { encodeWide } from '../../lib/api/testing/wide-encode.js';
import { checkWireFormat, MalformedMessageError } from './wire-check.js';

const createRequest = protoRoot().lookupType('kubets.v1.CreateRequest');
const encode = (value: object): Buffer => Buffer.from(createRequest.encode(createRequest.fromObject(value)).finish());

function varint(value: number): number[] {
  const out: number[] = [];
  while (value > 0x7f) {
    out.push((value & 0x7f) | 0x80);
    value >>>= 7;
  }
  out.push(value);
  return out;
}

describe('checkWireFormat', () => {
  it('accepts real messages, including maps, packed and nested fields', () => {
    const object = {
      pod: {
        metadata: { name: 'p', namespace: 'default', labels: { app: 'web', tier: 'front' }, finalizers: ['a'] },
        spec: { containers: [{ name: 'c', image: 'busybox:1.36', ports: [{ containerPort: 80 }] }], terminationGracePeriodSeconds: 0 },
      },
    };
    expect(() => checkWireFormat(createRequest, encode({ resource: 'pods', namespace: 'default', object, dryRun: true }))).not.toThrow();
    expect(() => checkWireFormat(protoRoot().lookupType('kubets.v1.Object'), encodeObject({ configMap: { metadata: { name: 'c' }, data: { k: 'v' }, binaryData: { b: Buffer.from([0, 255]) } } }))).not.toThrow();
    expect(() => checkWireFormat(createRequest, Buffer.alloc(0))).not.toThrow();
  });

  it('skips unknown fields of every wire type', () => {
    const unknown = Buffer.from([0xf8, 0x07, 0x01, 0xf9, 0x07, 1, 2, 3, 4, 5, 6, 7, 8, 0xfa, 0x07, 0x02, 0x61, 0x62, 0xfd, 0x07, 1, 2, 3, 4]);
    expect(() => checkWireFormat(createRequest, Buffer.concat([encode({ resource: 'pods' }), unknown]))).not.toThrow();
  });

  const bad: [string, number[], RegExp][] = [
    ['a length past the end', [0x0a, 0xff, 0xff, 0xff, 0xff, 0x0f], /runs past the end/],
    ['a truncated string', [0x0a, 0x07, 0x70], /runs past the end/],
    ['a wrong wire type for a known field', [0x08, 0x01], /resource: wire type 0, expected 2/],
    ['wire type 7', [0x0f, 0x01, 0x02], /wire type 7/],
    ['a group', [0xfb, 0x07], /invalid wire type 3/],
    ['field number 0', [0x00, 0x01], /field number 0/],
    ['a truncated varint', [0x28, 0xff], /index out of range/],
    ['invalid UTF-8', [0x0a, 0x02, 0xc3, 0x28], /UTF-8/],
    ['a nested message running past its field', [0x1a, 0x03, 0x0a, 0x05, 0x61], /past/],
  ];
  it.each(bad)('refuses %s', (_, bytes, message) => {
    let caught: unknown;
    try {
      checkWireFormat(createRequest, Buffer.from(bytes));
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(MalformedMessageError);
    expect((caught as Error).message).toMatch(message);
  });

  /** An encoded request whose placeholder string `ZZ` is replaced by bytes that are not UTF-8. */
  const withBadUtf8 = (value: object): Buffer => {
    const bytes = encode(value);
    const at = bytes.indexOf('ZZ');
    bytes[at] = 0xc3;
    bytes[at + 1] = 0x28;
    return bytes;
  };
  const nested: [string, Buffer, string][] = [
    ['in a nested message', withBadUtf8({ object: { configMap: { metadata: { name: 'ZZ' } } } }), 'object.configMap.metadata.name: string is not valid UTF-8'],
    ['in a list element', withBadUtf8({ object: { pod: { spec: { containers: [{ name: 'a' }, { name: 'ZZ' }] } } } }), 'object.pod.spec.containers[1].name: string is not valid UTF-8'],
    ['in a map value', withBadUtf8({ object: { configMap: { metadata: { name: 'c' }, data: { k: 'ZZ' } } } }), 'object.configMap.data: string is not valid UTF-8'],
    ['in a map key', withBadUtf8({ object: { pod: { metadata: { labels: { ZZ: 'v' } } } } }), 'object.pod.metadata.labels: string is not valid UTF-8'],
  ];
  it.each(nested)('names the field of a malformed value %s', (_, bytes, message) => {
    expect(() => checkWireFormat(createRequest, bytes)).toThrow(new MalformedMessageError(message));
  });

  it('names a map entry and a nested field whose wire type is wrong', () => {
    // object (3) > configMap > data (a map): an entry whose value (field 2) is a varint.
    const configMap = protoRoot().lookupType('kubets.v1.Object').fields.configMap!.id;
    const data = protoRoot().lookupType('kubets.v1.ConfigMap').fields.data!.id;
    const entry = [0x0a, 0x01, 0x6b, 0x10, 0x01];
    const inConfigMap = [(data << 3) | 2, entry.length, ...entry];
    const inObject = [...varint((configMap << 3) | 2), inConfigMap.length, ...inConfigMap];
    const request = Buffer.from([0x1a, inObject.length, ...inObject]);
    expect(() => checkWireFormat(createRequest, request)).toThrow(new MalformedMessageError('object.configMap.data[value]: wire type 0, expected 2'));
    const metadata = protoRoot().lookupType('kubets.v1.ConfigMap').fields.metadata!.id;
    const wrongName = [(metadata << 3) | 2, 2, 0x08, 0x01];
    const wrongNameInObject = [...varint((configMap << 3) | 2), wrongName.length, ...wrongName];
    expect(() => checkWireFormat(createRequest, Buffer.from([0x1a, wrongNameInObject.length, ...wrongNameInObject]))).toThrow(
      new MalformedMessageError('object.configMap.metadata.name: wire type 0, expected 2'),
    );
  });

  it('reports integers their fields cannot hold, with list indexes in the path', () => {
    const object = {
      replicationController: { metadata: { name: 'rc' }, spec: { replicas: 4294967299n, template: { spec: { containers: [
        { name: 'a', ports: [{ containerPort: 80 }] },
        { name: 'b', ports: [{ containerPort: 81 }, { containerPort: 2n ** 32n + 80n }] },
      ], terminationGracePeriodSeconds: 2n ** 60n, securityContext: { supplementalGroups: [1, -(2n ** 62n)] } } } } },
    };
    const found = checkWireFormat(createRequest, encodeWide(createRequest, { resource: 'replicationcontrollers', object }));
    expect(found.map((f) => `${f.path} ${f.value} ${f.rule}`)).toEqual([
      'object.replicationController.spec.replicas 4294967299 must be a 32-bit integer',
      'object.replicationController.spec.template.spec.containers[1].ports[1].containerPort 4294967376 must be a 32-bit integer',
      `object.replicationController.spec.template.spec.terminationGracePeriodSeconds ${2n ** 60n} must be an integer between -9007199254740991 and 9007199254740991`,
      `object.replicationController.spec.template.spec.securityContext.supplementalGroups[1] ${-(2n ** 62n)} must be an integer between -9007199254740991 and 9007199254740991`,
    ]);
  });

  it('accepts negative int32 values, which are written sign-extended to 64 bits', () => {
    const object = { replicationController: { metadata: { name: 'rc' }, spec: { replicas: -1 } } };
    expect(checkWireFormat(createRequest, encode({ object }))).toEqual([]);
    expect(checkWireFormat(createRequest, encodeWide(createRequest, { object }))).toEqual([]);
  });
});
