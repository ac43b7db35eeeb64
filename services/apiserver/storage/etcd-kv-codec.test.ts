import { fileURLToPath } from 'node:url';
import protobuf from 'protobufjs';
import { describe, expect, it } from 'vitest';
import { decodeRangeResponse, decodeTxnResponse, encodeRange, encodeTxn } from './etcd-kv-codec.js';

// The hand-written codec against protobufjs reading the schema in etcd-kv.proto: what one encodes
// the other must decode field for field.
const root = protobuf.loadSync(fileURLToPath(new URL('./etcd-kv.proto', import.meta.url)));
const type = (name: string): protobuf.Type => root.lookupType(`etcdserverpb.${name}`);
const asObject = (name: string, buf: Buffer): Record<string, unknown> => type(name).toObject(type(name).decode(buf), { longs: String, enums: String, bytes: String, defaults: false, oneofs: true });
const b64 = (s: string): string => Buffer.from(s).toString('base64');
const encode = (name: string, obj: Record<string, unknown>): Buffer => Buffer.from(type(name).encode(type(name).fromObject(obj)).finish());

describe('etcd KV codec', () => {
  it('encodes a range of one key, and a sorted page of a prefix at a revision', () => {
    expect(asObject('RangeRequest', encodeRange({ key: Buffer.from('/registry/a') }))).toEqual({ key: b64('/registry/a') });
    const page = encodeRange({ key: Buffer.from('/registry/'), rangeEnd: Buffer.from('/registry0'), limit: 500, revision: 2 ** 40 + 3, sorted: true });
    expect(asObject('RangeRequest', page)).toEqual({ key: b64('/registry/'), rangeEnd: b64('/registry0'), limit: '500', revision: String(2 ** 40 + 3), sortOrder: 'ASCEND' });
  });

  it('encodes a guarded transaction: a version compare of 0 is written (a oneof), a lease keeps all 64 bits', () => {
    const txn = encodeTxn({
      compare: [
        { key: Buffer.from('/k'), target: 'version', value: 0 },
        { key: Buffer.from('/bitmap'), target: 'mod', value: 300 },
      ],
      success: [
        { put: { key: Buffer.from('/k'), value: Buffer.from('v'.repeat(200)), lease: '7587881234567890123' } },
        { put: { key: Buffer.from('/bitmap'), value: Buffer.alloc(0) } },
        { delete: Buffer.from('/gone') },
      ],
      failure: [{ range: Buffer.from('/k') }],
    });
    expect(asObject('TxnRequest', txn)).toEqual({
      compare: [
        { key: b64('/k'), version: '0', targetUnion: 'version' },
        { key: b64('/bitmap'), target: 'MOD', modRevision: '300', targetUnion: 'modRevision' },
      ],
      success: [
        { requestPut: { key: b64('/k'), value: b64('v'.repeat(200)), lease: '7587881234567890123' }, request: 'requestPut' },
        { requestPut: { key: b64('/bitmap'), value: '' }, request: 'requestPut' },
        { requestDeleteRange: { key: b64('/gone') }, request: 'requestDeleteRange' },
      ],
      failure: [{ requestRange: { key: b64('/k') }, request: 'requestRange' }],
    });
  });

  it('decodes a range response to numbers, strings and the value bytes, skipping fields it does not use', () => {
    const buf = encode('RangeResponse', {
      header: { clusterId: '18446744073709551615', memberId: '12345', revision: String(2 ** 50), raftTerm: '9' },
      kvs: [
        { key: b64('/registry/ä'), createRevision: '5', modRevision: '7', version: '2', value: b64('hello'), lease: '99' },
        { key: b64('/registry/b'), createRevision: '6', modRevision: '6', version: '1' },
      ],
      more: true,
      count: '10',
    });
    expect(decodeRangeResponse(buf)).toEqual({
      revision: 2 ** 50,
      kvs: [
        { key: '/registry/ä', value: Buffer.from('hello'), createRevision: 5, modRevision: 7, version: 2 },
        { key: '/registry/b', value: Buffer.alloc(0), createRevision: 6, modRevision: 6, version: 1 },
      ],
      more: true,
      count: 10,
    });
  });

  it('decodes a transaction response: its revision, outcome and the range results among its responses', () => {
    const buf = encode('TxnResponse', {
      header: { revision: '42' },
      succeeded: false,
      responses: [{ responsePut: { header: { revision: '42' } } }, { responseRange: { header: { revision: '42' }, kvs: [{ key: b64('/k'), modRevision: '40', createRevision: '40', version: '1', value: b64('x') }], count: '1' } }, { responseDeleteRange: { deleted: '1' } }],
    });
    expect(decodeTxnResponse(buf)).toEqual({
      revision: 42,
      succeeded: false,
      responses: [undefined, { revision: 42, kvs: [{ key: '/k', value: Buffer.from('x'), modRevision: 40, createRevision: 40, version: 1 }], more: false, count: 1 }, undefined],
    });
    expect(decodeTxnResponse(encode('TxnResponse', { header: { revision: '43' }, succeeded: true }))).toEqual({ revision: 43, succeeded: true, responses: [] });
  });

  it('refuses a truncated response instead of reading past it', () => {
    const buf = encode('RangeResponse', { header: { revision: '3' }, kvs: [{ key: b64('/k'), value: b64('value') }] });
    expect(() => decodeRangeResponse(buf.subarray(0, buf.length - 2))).toThrow(/truncated/);
  });
});
