import { describe, expect, it } from 'vitest';
import { encodeEntry } from './journal-export.js';

describe('journal export format', () => {
  it('writes text fields as NAME=value lines and ends each entry with an empty line', () => {
    expect(Buffer.concat([encodeEntry({ MESSAGE: 'hi', KUBERNETES_POD_NAME: 'p' }), encodeEntry({ MESSAGE: 'two' })]).toString()).toBe('MESSAGE=hi\nKUBERNETES_POD_NAME=p\n\nMESSAGE=two\n\n');
  });

  it('writes a value with control characters in the binary form with its length', () => {
    const out = encodeEntry({ MESSAGE: 'a\tb' });
    expect(out.subarray(0, 8).toString()).toBe('MESSAGE\n');
    expect(out.readBigUInt64LE(8)).toBe(3n);
    expect(out.subarray(16).toString()).toBe('a\tb\n\n');
  });
});
