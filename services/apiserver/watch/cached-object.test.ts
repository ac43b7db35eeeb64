import { describe, expect, it } from 'vitest';
import type { Pod } from '../../../lib/api/generated/index.js';
import { resourceByName, type AnyObject } from '../../../lib/api/resources.js';
import { decodeFromStorage, encodeForStorage } from '../storage/codec.js';
import { CacheDecoder, CachedObject } from './cached-object.js';
import { lazyWatchOut } from './cache-event.js';
import { pod } from './test-support.js';

const pods = resourceByName('pods')!;

function stored(object: AnyObject, revision: number): { entry: CachedObject; whole: AnyObject } {
  const bytes = encodeForStorage(pods, object);
  return {
    entry: CachedObject.fromStorage(new CacheDecoder(pods, true), '/registry/pods/ns/p', bytes, revision),
    whole: decodeFromStorage(pods, { key: '/registry/pods/ns/p', value: bytes, modRevision: revision, createRevision: revision, version: 1 }),
  };
}

describe('CachedObject', () => {
  it('routes on the selection view and decodes the whole object when it is read, shared while held', () => {
    const { entry, whole } = stored(pod('ns', 'p', { node: 'n1', labels: { app: 'web' } }), 7);
    expect(entry.view).toEqual({ metadata: { name: 'p', namespace: 'ns', labels: { app: 'web' } }, spec: { nodeName: 'n1' }, status: { phase: 'Pending' } });
    expect(entry.object).toEqual(whole);
    expect(entry.object).toBe(entry.object);
    expect(Object.isFrozen((entry.object as Pod).spec)).toBe(true);
  });

  it('carries the last state to a deletion revision, decoded or not', () => {
    const undecoded = stored(pod('ns', 'p', { node: 'n1' }), 7).entry.atRevision(9);
    const decoded = stored(pod('ns', 'p', { node: 'n1' }), 7).entry;
    void decoded.object;
    const expected = stored(pod('ns', 'p', { node: 'n1' }), 9).whole;
    expect((undecoded.view as Pod).spec).toEqual({ nodeName: 'n1' });
    expect(undecoded.object).toEqual(expected);
    expect(decoded.atRevision(9).object).toEqual(expected);
    expect(decoded.atRevision(9).revision).toBe(9);
  });

  it('hands out what storage holds for it, before and after the whole object is decoded', () => {
    const object = pod('ns', 'p', { node: 'n1', labels: { app: 'web' } });
    const { entry } = stored(object, 7);
    expect(entry.stored).toEqual(encodeForStorage(pods, object));
    void entry.object;
    expect(entry.stored).toEqual(encodeForStorage(pods, object));
  });

  it('refuses bytes whose selection view cannot be decoded', () => {
    expect(() => CachedObject.fromStorage(new CacheDecoder(pods, true), 'k', Buffer.from([0xff, 0xff, 0xff]), 1)).toThrow();
  });
});

describe('lazyWatchOut', () => {
  it('decodes the object only when a consumer reads it', () => {
    const { entry, whole } = stored(pod('ns', 'p'), 7);
    const out = lazyWatchOut('ADDED', entry, 7, Buffer.from('bytes'));
    expect(Object.isFrozen(out)).toBe(true);
    expect(out).toMatchObject({ type: 'ADDED', revision: 7, stored: Buffer.from('bytes') });
    expect(out.object).toEqual(whole);
  });
});
