import { fileURLToPath } from 'node:url';
import protobuf from 'protobufjs';
import { describe, expect, it } from 'vitest';
import { decodeWatchResponse, encodeWatchCreate } from './etcd-watch-codec.js';

// The hand-written codec against protobufjs reading the schema in etcd-watch.proto: what one
// encodes the other must decode field for field.
const root = protobuf.loadSync(fileURLToPath(new URL('./etcd-watch.proto', import.meta.url)));
const type = (name: string): protobuf.Type => root.lookupType(`etcdserverpb.${name}`);
const asObject = (name: string, buf: Buffer): Record<string, unknown> => type(name).toObject(type(name).decode(buf), { longs: String, enums: String, bytes: String, defaults: false, oneofs: true });
const b64 = (s: string): string => Buffer.from(s).toString('base64');
const encode = (name: string, obj: Record<string, unknown>): Buffer => Buffer.from(type(name).encode(type(name).fromObject(obj)).finish());

describe('etcd Watch codec', () => {
  it('encodes a create request for a range from a revision, with progress notifications', () => {
    const buf = encodeWatchCreate({ key: Buffer.from('/registry/pods'), rangeEnd: Buffer.from('/registry/pods0'), startRevision: 2 ** 40 + 7, progressNotify: true });
    expect(asObject('WatchRequest', buf)).toEqual({
      createRequest: { key: b64('/registry/pods'), rangeEnd: b64('/registry/pods0'), startRevision: String(2 ** 40 + 7), progressNotify: true },
      requestUnion: 'createRequest',
    });
    const plain = encodeWatchCreate({ key: Buffer.from('/a'), rangeEnd: Buffer.from('/b'), startRevision: 0, progressNotify: false });
    expect(asObject('WatchRequest', plain)).toEqual({ createRequest: { key: b64('/a'), rangeEnd: b64('/b') }, requestUnion: 'createRequest' });
  });

  it('decodes events to WatchEvents: puts with their value bytes, deletes with their revision, skipping prev_kv', () => {
    const buf = encode('WatchResponse', {
      header: { clusterId: '18446744073709551615', memberId: '3', revision: String(2 ** 50), raftTerm: '2' },
      watchId: '4',
      fragment: false,
      events: [
        { kv: { key: b64('/registry/pods/ä'), createRevision: '5', modRevision: '9', version: '3', value: b64('pod'), lease: '77' }, prevKv: { key: b64('/registry/pods/ä'), modRevision: '5', value: b64('old') } },
        { type: 'DELETE', kv: { key: b64('/registry/pods/b'), modRevision: String(2 ** 50) } },
      ],
    });
    expect(decodeWatchResponse(buf)).toEqual({
      revision: 2 ** 50,
      watchId: 4,
      created: false,
      canceled: false,
      compactRevision: 0,
      cancelReason: '',
      events: [
        { type: 'put', kv: { key: '/registry/pods/ä', value: Buffer.from('pod'), createRevision: 5, modRevision: 9, version: 3 } },
        { type: 'delete', kv: { key: '/registry/pods/b', value: Buffer.alloc(0), createRevision: 0, modRevision: 2 ** 50, version: 0 } },
      ],
    });
  });

  it('decodes the created, progress and cancelled responses', () => {
    expect(decodeWatchResponse(encode('WatchResponse', { header: { revision: '12' }, created: true }))).toMatchObject({ revision: 12, watchId: 0, created: true, canceled: false, events: [] });
    expect(decodeWatchResponse(encode('WatchResponse', { header: { revision: '13' }, watchId: '1' }))).toMatchObject({ revision: 13, watchId: 1, created: false, events: [] });
    expect(decodeWatchResponse(encode('WatchResponse', { header: { revision: '20' }, canceled: true, compactRevision: '17' }))).toMatchObject({ canceled: true, compactRevision: 17, cancelReason: '' });
    expect(decodeWatchResponse(encode('WatchResponse', { header: { revision: '20' }, created: true, canceled: true, cancelReason: 'etcdserver: mvcc: required revision is a future revision' }))).toMatchObject({
      created: true,
      canceled: true,
      cancelReason: 'etcdserver: mvcc: required revision is a future revision',
    });
  });

  it('refuses a truncated response instead of reading past it', () => {
    const buf = encode('WatchResponse', { header: { revision: '3' }, events: [{ kv: { key: b64('/k'), value: b64('value') } }] });
    expect(() => decodeWatchResponse(buf.subarray(0, buf.length - 2))).toThrow(/truncated/);
  });
});
