import { describe, expect, it } from 'vitest';
import { collectGarbage } from './test-support.js';
import { WeakSlot } from './weak-slot.js';

describe('WeakSlot', () => {
  it('shares the value while it is held and makes it again once collected', async () => {
    const slot = new WeakSlot<{ made: number }>();
    let made = 0;
    const make = (): { made: number } => ({ made: ++made });
    const first = new WeakRef(slot.get(make));
    expect(slot.get(make)).toBe(first.deref());

    await collectGarbage();
    expect(first.deref()).toBeUndefined();
    expect(slot.get(make)).toEqual({ made: 2 });
  });
});
