import { describe, expect, it } from 'vitest';
import { KeyedSerializer } from './serializer.js';

const tick = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe('KeyedSerializer', () => {
  it('runs tasks of one key one at a time, in order, past failures', async () => {
    const s = new KeyedSerializer();
    const log: string[] = [];
    let running = 0;
    const task = (name: string, fail = false) => async () => {
      running++;
      expect(running).toBe(1);
      log.push(`start ${name}`);
      await tick(5);
      log.push(`end ${name}`);
      running--;
      if (fail) throw new Error(name);
      return name;
    };
    const results = await Promise.allSettled([s.run('k', task('a')), s.run('k', task('b', true)), s.run('k', task('c'))]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(log).toEqual(['start a', 'end a', 'start b', 'end b', 'start c', 'end c']);
  });

  it('runs different keys side by side', async () => {
    const s = new KeyedSerializer();
    const log: string[] = [];
    const task = (name: string) => async () => {
      log.push(`start ${name}`);
      await tick(5);
      log.push(`end ${name}`);
    };
    await Promise.all([s.run('x', task('x')), s.run('y', task('y'))]);
    expect(log.slice(0, 2).sort()).toEqual(['start x', 'start y']);
  });
});
