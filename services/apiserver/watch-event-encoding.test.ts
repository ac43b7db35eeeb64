import { describe, expect, it, vi } from 'vitest';
import { ApiError } from '../../lib/api/errors.js';
import { decodeObject, lookupMessage } from '../../lib/api/proto.js';
import { resourceByField, type AnyObject, type ResourceInfo } from '../../lib/api/resources.js';
import { encodeMessage } from './grpc-service.js';
import { decodeFromStorage, encodeForStorage } from './storage/codec.js';
import { encodeWatchError, encodeWatchEvent } from './watch-event-encoding.js';
import { lazyWatchOut, watchOut } from './watch/cache-event.js';
import { CacheDecoder, CachedObject } from './watch/cached-object.js';
import { wireObject } from './wire-object.js';

const pods = resourceByField('pod');

function decodeEvent(bytes: Buffer): { type: string; object: ReturnType<typeof decodeObject> } {
  const type = lookupMessage('WatchEvent');
  const event = type.toObject(type.decode(bytes)) as { type: string; object: object };
  const object = lookupMessage('Object');
  return { type: event.type, object: decodeObject(object.encode(object.fromObject(event.object)).finish()) };
}

function fullEncoding(info: ResourceInfo, type: string, object: AnyObject): ReturnType<typeof decodeEvent> {
  return decodeEvent(encodeMessage('kubets.v1.WatchEvent', { type, object: wireObject(info, object) }));
}

describe('encodeWatchEvent', () => {
  const object: AnyObject = { metadata: { name: 'p', namespace: 'ns', uid: 'u', resourceVersion: '12' }, spec: { containers: [{ name: 'c', image: 'busybox:1' }], nodeName: 'n1' } };

  it('decodes as the full encoding does, from the stored bytes', () => {
    const ev = watchOut('MODIFIED', object, 12, encodeForStorage(pods, object));
    expect(decodeEvent(encodeWatchEvent(pods, ev))).toEqual(fullEncoding(pods, 'MODIFIED', object));
  });

  it('sends the stored bytes rather than encoding the object again', () => {
    // Bytes that differ from the object show which one was sent.
    const storedElsewhere = encodeForStorage(pods, { ...object, spec: { ...object.spec, nodeName: 'from-storage' } } as AnyObject);
    const sent = decodeEvent(encodeWatchEvent(pods, watchOut('ADDED', object, 12, storedElsewhere)));
    expect(sent.type).toBe('ADDED');
    expect(sent.object.pod?.spec?.nodeName).toBe('from-storage');
    expect(sent.object.pod?.metadata?.resourceVersion).toBe('12');
  });

  it('checks the stored bytes without decoding them', () => {
    const decode = vi.spyOn(lookupMessage('Object'), 'decode');
    try {
      encodeWatchEvent(pods, watchOut('MODIFIED', object, 12, encodeForStorage(pods, { ...object, metadata: { ...object.metadata, name: 'checked' } } as AnyObject)));
      expect(decode).not.toHaveBeenCalled();
    } finally {
      decode.mockRestore();
    }
  });

  it('encodes the object when the stored bytes hold a string that is not UTF-8, which the check refuses but a decoder reads', () => {
    const stored = encodeForStorage(pods, { ...object, metadata: { ...object.metadata, labels: { app: 'web' } } } as AnyObject);
    stored[stored.indexOf('web')] = 0xff;
    const decoded = decodeFromStorage(pods, { key: 'k', value: stored, modRevision: 12, createRevision: 3, version: 1 });
    const sent = encodeWatchEvent(pods, watchOut('MODIFIED', decoded, 12, stored));
    expect(sent.includes(0xff)).toBe(false);
    expect(decodeEvent(sent)).toEqual(fullEncoding(pods, 'MODIFIED', decoded));
  });

  it('encodes the object in full when there are no stored bytes', () => {
    expect(decodeEvent(encodeWatchEvent(pods, watchOut('DELETED', object, 12)))).toEqual(fullEncoding(pods, 'DELETED', object));
  });
});

describe('encodeWatchEvent of a cache event', () => {
  it('sends byte for byte what it sent when the cache decoded every object', () => {
    const object: AnyObject = { metadata: { name: 'p', namespace: 'ns', uid: 'u', labels: { a: 'b' } }, spec: { containers: [{ name: 'c', image: 'busybox:1' }], nodeName: 'n1' } };
    const stored = encodeForStorage(pods, object);
    const entry = CachedObject.fromStorage(new CacheDecoder(pods, true), '/registry/pods/ns/p', stored, 12);
    const decodedFirst = watchOut('MODIFIED', decodeFromStorage(pods, { key: 'k', value: stored, modRevision: 12, createRevision: 3, version: 2 }), 12, stored);
    expect(encodeWatchEvent(pods, lazyWatchOut('MODIFIED', entry, 12, stored)).equals(encodeWatchEvent(pods, decodedFirst))).toBe(true);
  });
});

describe('encodeWatchEvent of an object corrupt in storage', () => {
  const key = '/registry/pods/ns/p';
  const object: AnyObject = { metadata: { name: 'p', namespace: 'ns', uid: 'u' }, spec: { containers: [{ name: 'c', image: 'busybox:1' }] } };

  /** Bytes whose outside (what the cache decodes to route events) reads, but whose container does not: its image tag becomes field 0 of wire type 7. */
  function brokenInside(): Buffer {
    const bytes = encodeForStorage(pods, object);
    bytes[bytes.indexOf('busybox:1') - 2] = 0x07;
    return bytes;
  }

  it('does not splice bytes a client could not decode, but throws the error naming their key', () => {
    const stored = brokenInside();
    const entry = CachedObject.fromStorage(new CacheDecoder(pods, true), key, stored, 12);
    expect(() => encodeWatchEvent(pods, lazyWatchOut('MODIFIED', entry, 12, stored))).toThrow(new RegExp(`^Internal error occurred: the object stored at ${key} cannot be decoded: invalid wire type 7`));
  });

  it('ends a watch with an ERROR event carrying the error as a Status', () => {
    const type = lookupMessage('WatchEvent');
    const event = type.toObject(type.decode(encodeWatchError(new ApiError('InternalError', 'broken')))) as { type: string; status: object };
    expect(event).toEqual({ type: 'ERROR', status: { status: 'Failure', message: 'broken', reason: 'InternalError', details: {}, code: 500 } });
  });
});
