import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { WeakSlot } from './weak-slot.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

describe('WeakSlot', () => {
  it('shares the value while it is held and makes it again once collected', async () => {
    const slot = new WeakSlot<{ made: number }>();
    let made = 0;
    const make = (): { made: number } => ({ made: ++made });
    const first = new WeakRef(slot.get(make));
    expect(slot.get(make)).toBe(first.deref());

    // V8 keeps a WeakRef's target until the current job is over.
    await new Promise((resolve) => setImmediate(resolve));
    gc();
    expect(first.deref()).toBeUndefined();
    expect(slot.get(make)).toEqual({ made: 2 });
  });
});
