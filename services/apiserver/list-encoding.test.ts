import { describe, expect, it } from 'vitest';
import { lookupMessage } from '../../lib/api/proto.js';
import { resourceByField, versionedResource, type AnyObject, type ResourceInfo } from '../../lib/api/resources.js';
import { encodeMessage } from './grpc-service.js';
import { ListResponseEncoder } from './list-encoding.js';
import type { ListedObject } from './operations.js';
import { encodeForStorage } from './storage/codec.js';
import { CacheDecoder, CachedObject } from './watch/index.js';
import { wireObject } from './wire-object.js';

const pods = resourceByField('pod');
const metadata = { resourceVersion: '40', continue: 'next', remainingItemCount: 7 };

function pod(i: number): AnyObject {
  return {
    metadata: { name: `p-${i}`, namespace: 'ns', uid: `u-${i}`, labels: { app: `a-${i % 2}` }, resourceVersion: String(10 + i) },
    spec: { containers: [{ name: 'c', image: 'busybox:1', ports: [{ containerPort: 8080 }] }], nodeName: `n-${i}` },
  };
}

function stored(info: ResourceInfo, object: AnyObject): CachedObject {
  const key = `/registry/${info.resource}/ns/${object.metadata?.name ?? ''}`;
  return CachedObject.fromStorage(new CacheDecoder(info, true), key, encodeForStorage(info, object), Number(object.metadata?.resourceVersion));
}

/** The response as the handler encoded it before: every object decoded, then the whole message by protobufjs. */
function decodedAndEncoded(info: ResourceInfo, objects: AnyObject[]): Buffer {
  return encodeMessage('kubets.v1.ListResponse', { metadata, items: objects.map((o) => wireObject(info, o)) });
}

function decoded(bytes: Buffer): object {
  const type = lookupMessage('ListResponse');
  return type.toObject(type.decode(bytes));
}

function encode(info: ResourceInfo, items: ListedObject[]): Buffer {
  return new ListResponseEncoder(info).encode(metadata, items);
}

describe('ListResponseEncoder', () => {
  const objects = [0, 1, 2].map(pod);

  it('answers what encoding the decoded objects answered', () => {
    expect(decoded(encode(pods, objects.map((o) => stored(pods, o))))).toEqual(decoded(decodedAndEncoded(pods, objects)));
  });

  it('splices the stored bytes of the items without decoding them', () => {
    const items = objects.map((o): ListedObject => {
      const entry = stored(pods, o);
      return {
        stored: entry.stored,
        revision: entry.revision,
        get object(): AnyObject {
          throw new Error('decoded');
        },
      };
    });
    expect(decoded(encode(pods, items))).toEqual(decoded(decodedAndEncoded(pods, objects)));
  });

  it('encodes items without stored bytes (measured kinds) byte for byte as before', () => {
    expect(encode(pods, objects.map((object) => ({ object }))).equals(decodedAndEncoded(pods, objects))).toBe(true);
    expect(encode(pods, []).equals(decodedAndEncoded(pods, []))).toBe(true);
  });

  it('converts items asked for in another version than the stored one, as before', () => {
    const hpaV2 = resourceByField('horizontalPodAutoscaler');
    const hpaV1 = versionedResource(hpaV2, 'v1')!;
    const hpa: AnyObject = {
      metadata: { name: 'h', namespace: 'ns', resourceVersion: '5' },
      spec: { scaleTargetRef: { kind: 'Deployment', name: 'd', apiVersion: 'apps/v1' }, minReplicas: 1, maxReplicas: 3, metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 50 } } }] },
    } as AnyObject;
    const bytes = encode(hpaV1, [stored(hpaV2, hpa)]);
    expect(bytes.equals(decodedAndEncoded(hpaV1, [hpa]))).toBe(true);
    expect(JSON.stringify(decoded(bytes))).toContain('targetCPUUtilizationPercentage');
  });

  it('measures each item as the response then holds it', () => {
    const encoder = new ListResponseEncoder(pods);
    const items = objects.map((o) => stored(pods, o));
    const sizes = items.map((item) => encoder.sizeOf(pods, item));
    const withoutItems = encoder.encode(metadata, []).length;
    // Each item adds its envelope and a two-byte tag and length.
    expect(encoder.encode(metadata, items).length).toBe(withoutItems + sizes.reduce((a, b) => a + b + 2, 0));
  });

  it('fails on an object whose bytes do not decode whole, naming its key', () => {
    const object: AnyObject = { metadata: { name: 'p', namespace: 'ns', resourceVersion: '3' }, spec: { containers: [{ name: 'c', image: 'busybox:1' }] } };
    const bytes = encodeForStorage(pods, object);
    bytes[bytes.indexOf('busybox:1') - 2] = 0x07;
    const entry = CachedObject.fromStorage(new CacheDecoder(pods, true), '/registry/pods/ns/p', bytes, 3);
    expect(() => encode(pods, [entry])).toThrow(/the object stored at \/registry\/pods\/ns\/p cannot be decoded/);
  });
});
