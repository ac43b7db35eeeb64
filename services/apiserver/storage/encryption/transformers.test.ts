import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { aescbcProvider, aesgcmProvider, DecryptionError, identityProvider, ValueTransformer } from './transformers.js';

const KEY = '/registry/secrets/default/db';
const plaintext = Buffer.from('\n\x06Secret password=hunter2 and more bytes to cross a block');
const k1 = randomBytes(32);
const k2 = randomBytes(32);

describe.each([
  ['aescbc', aescbcProvider],
  ['aesgcm', aesgcmProvider],
] as const)('%s', (type, make) => {
  it('round-trips, behind the prefix Kubernetes writes, without the plaintext in the stored bytes', () => {
    const t = new ValueTransformer([make('key1', k1)]);
    const stored = t.toStorage(plaintext, KEY);
    expect(stored.subarray(0, `k8s:enc:${type}:v1:key1:`.length).toString()).toBe(`k8s:enc:${type}:v1:key1:`);
    expect(stored.includes(Buffer.from('hunter2'))).toBe(false);
    expect(t.fromStorage(stored, KEY)).toEqual({ data: plaintext, stale: false });
  });

  it('uses a fresh IV or nonce per write', () => {
    const t = new ValueTransformer([make('key1', k1)]);
    expect(t.toStorage(plaintext, KEY).equals(t.toStorage(plaintext, KEY))).toBe(false);
  });

  it('refuses a value sealed with another key of the same name, naming the key but not the value', () => {
    const stored = new ValueTransformer([make('key1', k1)]).toStorage(plaintext, KEY);
    const wrong = new ValueTransformer([make('key1', k2)]);
    expect(() => wrong.fromStorage(stored, KEY)).toThrow(DecryptionError);
    expect(() => wrong.fromStorage(stored, KEY)).toThrow(`the value at ${KEY} was encrypted with ${type} key "key1" and cannot be decrypted: is that key still configured? (tried ${type} key "key1")`);
  });

  it('refuses a value whose key no provider has', () => {
    const stored = new ValueTransformer([make('old', k1)]).toStorage(plaintext, KEY);
    expect(() => new ValueTransformer([make('new', k2)]).fromStorage(stored, KEY)).toThrow(`the value at ${KEY} was encrypted with ${type} key "old" and cannot be decrypted: is that key still configured?`);
  });

  it('rotates: a new first key writes, the old one still reads and marks the value stale', () => {
    const before = new ValueTransformer([make('old', k1), identityProvider()]);
    const during = new ValueTransformer([make('new', k2), make('old', k1), identityProvider()]);
    const old = before.toStorage(plaintext, KEY);
    expect(during.fromStorage(old, KEY)).toEqual({ data: plaintext, stale: true });
    const rewritten = during.toStorage(plaintext, KEY);
    expect(rewritten.toString('latin1')).toMatch(new RegExp(`^k8s:enc:${type}:v1:new:`));
    expect(during.fromStorage(rewritten, KEY)).toEqual({ data: plaintext, stale: false });
    const after = new ValueTransformer([make('new', k2), identityProvider()]);
    expect(after.fromStorage(rewritten, KEY).data).toEqual(plaintext);
    expect(() => after.fromStorage(old, KEY)).toThrow(DecryptionError);
  });

  it('reads values stored before encryption through identity, as stale', () => {
    expect(new ValueTransformer([make('key1', k1), identityProvider()]).fromStorage(plaintext, KEY)).toEqual({ data: plaintext, stale: true });
  });

  it('rejects an AES key of the wrong size', () => {
    expect(() => make('short', randomBytes(10))).toThrow(/16, 24 or 32 bytes/);
  });
});

describe('aesgcm', () => {
  it('authenticates the storage key: a value copied under another key does not decrypt', () => {
    const t = new ValueTransformer([aesgcmProvider('key1', k1)]);
    expect(() => t.fromStorage(t.toStorage(plaintext, KEY), '/registry/secrets/default/other')).toThrow(DecryptionError);
  });
});

describe('identity', () => {
  it('stores as is and refuses to pass encrypted bytes on as plaintext', () => {
    const t = new ValueTransformer([identityProvider()]);
    expect(t.toStorage(plaintext, KEY)).toEqual(plaintext);
    const sealed = new ValueTransformer([aescbcProvider('key1', k1)]).toStorage(plaintext, KEY);
    expect(() => t.fromStorage(sealed, KEY)).toThrow('(tried identity)');
  });

  it('first: writes plaintext and reads encrypted values with the keys after it, as stale', () => {
    const t = new ValueTransformer([identityProvider(), aescbcProvider('key1', k1)]);
    const sealed = new ValueTransformer([aescbcProvider('key1', k1)]).toStorage(plaintext, KEY);
    expect(t.fromStorage(sealed, KEY)).toEqual({ data: plaintext, stale: true });
    expect(t.toStorage(plaintext, KEY)).toEqual(plaintext);
  });
});
