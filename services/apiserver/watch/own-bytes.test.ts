import { describe, expect, it } from 'vitest';
import { ownBytes } from './own-bytes.js';

describe('ownBytes', () => {
  it('copies a slice of a larger buffer into a buffer of its own size', () => {
    const slab = Buffer.from('xxhelloyy');
    const own = ownBytes(slab.subarray(2, 7));
    expect(own.toString()).toBe('hello');
    expect(own.buffer.byteLength).toBe(5);
    slab.fill(0);
    expect(own.toString()).toBe('hello');
  });

  it('keeps a buffer that already owns its memory', () => {
    const whole = Buffer.allocUnsafeSlow(5);
    expect(ownBytes(whole)).toBe(whole);
  });
});
