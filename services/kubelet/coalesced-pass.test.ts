import { describe, expect, it } from 'vitest';
import { CoalescedPass } from './coalesced-pass.js';

/** A pass that waits until released, counting how often it ran. */
function gatedPass(): { pass: () => Promise<void>; runs: () => number; release: () => void } {
  let runs = 0;
  let open: () => void = () => {};
  return {
    pass: () => {
      runs++;
      return new Promise<void>((resolve) => (open = resolve));
    },
    runs: () => runs,
    release: () => open(),
  };
}

const tick = (): Promise<void> => new Promise((r) => setImmediate(r));

describe('CoalescedPass', () => {
  it('folds the requests made during a pass into one more pass, which every caller waits for', async () => {
    const gate = gatedPass();
    const passes = new CoalescedPass(gate.pass);
    const first = passes.run();
    const second = passes.run();
    const third = passes.run();
    expect(second).toBe(first);
    expect(third).toBe(first);
    gate.release();
    await tick();
    expect(gate.runs()).toBe(2);
    gate.release();
    await first;
    expect(gate.runs()).toBe(2);
    const later = passes.run();
    expect(later).not.toBe(first);
    gate.release();
    await later;
    expect(gate.runs()).toBe(3);
  });

  it('skips the extra pass once mayRepeat says no', async () => {
    const gate = gatedPass();
    let stopped = false;
    const passes = new CoalescedPass(gate.pass, () => !stopped);
    const done = passes.run();
    void passes.run();
    stopped = true;
    gate.release();
    await done;
    expect(gate.runs()).toBe(1);
  });
});
