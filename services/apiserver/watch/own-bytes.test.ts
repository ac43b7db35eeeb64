import { describe, expect, it } from 'vitest';
import { ownBytes } from './own-bytes.js';

describe('ownBytes', () => {
  it('copies a view of a larger message, so that keeping it does not keep the message', () => {
    const message = Buffer.alloc(64 * 1024, 1);
    const value = message.subarray(100, 600);
    const own = ownBytes(value);
    expect(own.equals(value)).toBe(true);
    expect(own.buffer).not.toBe(message.buffer);
    message[100] = 2;
    expect(own[0]).toBe(1);
  });

  it('keeps bytes that are their own buffer as they are', () => {
    const whole = new Uint8Array(500);
    const bytes = Buffer.from(whole.buffer);
    expect(ownBytes(bytes)).toBe(bytes);
  });
});
