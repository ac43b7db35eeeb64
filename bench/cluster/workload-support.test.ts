import type Docker from 'dockerode';
import { describe, expect, it } from 'vitest';
import { removeDirect } from './workload-support.js';

/** An engine that lists what it still holds; removes may be refused a number of times first. */
function fakeEngine(ids: string[], refusals = 0): { docker: Docker; held: Set<string> } {
  const held = new Set(ids);
  let refused = 0;
  const docker = {
    listContainers: async () => [...held].map((Id) => ({ Id })),
    getContainer: (id: string) => ({
      remove: async () => {
        if (refused++ < refusals) throw new Error('removal of container is already in progress');
        held.delete(id);
      },
    }),
  } as unknown as Docker;
  return { docker, held };
}

describe('removeDirect', () => {
  it('removes every direct container, passing again over what a refused remove left', async () => {
    const a = fakeEngine(['a1', 'a2']);
    const b = fakeEngine(['b1'], 1);
    await removeDirect([a, b], 10_000);
    expect([...a.held, ...b.held]).toEqual([]);
  });

  it('fails once its time is up when an engine stops answering', async () => {
    const hung = { docker: { listContainers: () => new Promise(() => undefined) } as unknown as Docker };
    await expect(removeDirect([hung], 300)).rejects.toThrow('direct containers removed did not finish within 300 ms');
  });
});
