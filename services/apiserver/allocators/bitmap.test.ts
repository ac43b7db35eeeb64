import { describe, expect, it } from 'vitest';
import { Bitmap } from './bitmap.js';

const never = (): boolean => false;

describe('Bitmap', () => {
  it('finds the first free index within a range, wrapping inside it', () => {
    const b = new Bitmap(10);
    b.set(6);
    b.set(7);
    expect(b.findFree(5, 8, 6, never)).toBe(5);
    expect(b.findFree(6, 8, 6, never)).toBeUndefined();
  });

  it('allocates dynamically above the static band while it has room, then inside it', () => {
    const b = new Bitmap(20);
    const seen = new Set<number>();
    for (let n = 0; n < 16; n++) {
      const i = b.findFreeDynamic(4, (k) => Math.floor(k / 2), never)!;
      seen.add(i);
      b.set(i);
    }
    expect([...seen].every((i) => i >= 4)).toBe(true);
    const next = b.findFreeDynamic(4, () => 0, never);
    expect(next).toBeLessThan(4);
    for (let i = 0; i < 4; i++) b.set(i);
    expect(b.findFreeDynamic(4, () => 0, never)).toBeUndefined();
  });

  it('skips reserved indexes', () => {
    const b = new Bitmap(4);
    expect(b.findFreeDynamic(0, () => 0, (i) => i < 3)).toBe(3);
  });
});
