import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiClient } from '../../../lib/client/client.js';
import { startControlPlane, type ControlPlane } from '../../harness/control-plane.js';
import { configMap, eventually, nsObject } from './helpers.js';

// Issue 3, "Must show": two apiservers on one etcd see each other's writes (reads, lists and
// watches), and a client that knows both keeps working when one is stopped.

let cp: ControlPlane;
let a: ApiClient;
let b: ApiClient;

beforeAll(async () => {
  cp = await startControlPlane({ apiservers: 2 });
  a = cp.client([cp.apiservers[0]!.address]);
  b = cp.client([cp.apiservers[1]!.address]);
  await a.resource('namespace').create(nsObject('ha'));
});

afterAll(async () => {
  await cp?.stop();
});

describe('two apiservers on one etcd', () => {
  it('read each other’s writes at once', async () => {
    const made = await a.resource('configMap').create(configMap('from-a', 'ha', undefined, { by: 'a' }));
    expect(await b.resource('configMap').get('ha', 'from-a')).toEqual(made);
    // A list right after a write on the other server includes it (the cache waits until it is fresh).
    expect((await b.resource('configMap').list('ha')).items.map((c) => c.metadata?.name)).toContain('from-a');
    const updated = await b.resource('configMap').update({ ...made, data: { by: 'b' } });
    expect((await a.resource('configMap').get('ha', 'from-a')).metadata?.resourceVersion).toBe(updated.metadata?.resourceVersion);
    await a.resource('configMap').delete('ha', 'from-a');
    expect((await b.resource('configMap').list('ha')).items.map((c) => c.metadata?.name)).not.toContain('from-a');
  });

  it('deliver each other’s writes to watchers', async () => {
    const start = await b.resource('configMap').list('ha');
    const abort = new AbortController();
    const names: string[] = [];
    const watching = (async () => {
      for await (const ev of b.resource('configMap').watch('ha', { resourceVersion: start.resourceVersion, signal: abort.signal })) {
        names.push(`${ev.type} ${ev.object.metadata?.name}`);
        if (names.length >= 3) break;
      }
    })();
    await a.resource('configMap').create(configMap('watched', 'ha'));
    await a.resource('configMap').patch('ha', 'watched', { data: { k: 'v' } });
    await a.resource('configMap').delete('ha', 'watched');
    await eventually(async () => names.length >= 3, 30_000, 'three events on b');
    abort.abort();
    await watching;
    expect(names).toEqual(['ADDED watched', 'MODIFIED watched', 'DELETED watched']);
  });

  it('conflict with each other on stale writes', async () => {
    const made = await a.resource('configMap').create(configMap('shared', 'ha'));
    await b.resource('configMap').update({ ...made, data: { by: 'b' } });
    await expect(a.resource('configMap').update({ ...made, data: { by: 'a' } })).rejects.toMatchObject({ reason: 'Conflict' });
  });
});

describe('a client with both endpoints', () => {
  it('keeps reading and writing when the server it uses is stopped, failing over once', async () => {
    const failovers: unknown[] = [];
    const log = pino({ level: 'warn' }, { write: (line: string) => void failovers.push(JSON.parse(line)) });
    const both = cp.client(cp.apiservers.map((s) => s.address), log);
    await both.resource('configMap').create(configMap('before-stop', 'ha'));
    await cp.apiservers[0]!.stop();
    expect((await both.resource('configMap').get('ha', 'before-stop')).metadata?.name).toBe('before-stop');
    await both.resource('configMap').create(configMap('after-stop', 'ha'));
    const names = (await both.resource('configMap').list('ha')).items.map((c) => c.metadata?.name);
    expect(names).toEqual(expect.arrayContaining(['before-stop', 'after-stop']));
    // Every later call goes straight to the survivor: nothing tries the stopped server again.
    for (let i = 0; i < 10; i++) await both.resource('configMap').get('ha', 'after-stop');
    expect(failovers).toEqual([expect.objectContaining({ msg: 'apiserver unavailable; failing over', from: cp.apiservers[0]!.address, to: cp.apiservers[1]!.address })]);
  });
});
