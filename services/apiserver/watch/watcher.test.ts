import { describe, expect, it, vi } from 'vitest';
import { isApiError } from '../../../lib/api/errors.js';
import type { AnyObject } from '../../../lib/api/resources.js';
import { CacheEvent, watchOut } from './cache-event.js';
import { cachedPod } from './test-support.js';
import { CacheWatcher, outFor, type ObjectMatcher } from './watcher.js';

const obj = (name: string, app = 'web'): AnyObject => ({ metadata: { name, labels: { app } } });
const isWeb: ObjectMatcher = (o) => o.metadata?.labels?.app === 'web';
const out = (rev: number) => watchOut('MODIFIED', obj(`o${rev}`), rev);

function newWatcher(queueLimit = 10, matches?: ObjectMatcher) {
  const onClose = vi.fn();
  return { watcher: new CacheWatcher({ matches, queueLimit, startRevision: 0, onClose }), onClose };
}

describe('outFor', () => {
  it('maps selector transitions like Kubernetes and shares instances', () => {
    const added = new CacheEvent('ADDED', 'k', '', cachedPod(obj('a'), 2), undefined, 2, 0);
    expect(outFor(added, isWeb)).toBe(outFor(added, undefined));
    expect(outFor(new CacheEvent('ADDED', 'k', '', cachedPod(obj('a', 'db'), 2), undefined, 2, 0), isWeb)).toBeUndefined();

    const starts = new CacheEvent('MODIFIED', 'k', '', cachedPod(obj('a'), 3), cachedPod(obj('a', 'db'), 1), 3, 0);
    expect(outFor(starts, isWeb)?.type).toBe('ADDED');
    expect(outFor(starts, undefined)?.type).toBe('MODIFIED');
    expect(outFor(starts, isWeb)).toBe(outFor(starts, isWeb));

    const stops = new CacheEvent('MODIFIED', 'k', '', cachedPod(obj('a', 'db'), 4), cachedPod(obj('a'), 1), 4, 0);
    expect(outFor(stops, isWeb)).toMatchObject({ type: 'DELETED', object: stops.object, revision: 4 });
    expect(outFor(new CacheEvent('MODIFIED', 'k', '', cachedPod(obj('a', 'db'), 5), cachedPod(obj('a', 'x'), 1), 5, 0), isWeb)).toBeUndefined();

    const gone = new CacheEvent('DELETED', 'k', '', cachedPod(obj('a'), 6), cachedPod(obj('a'), 1), 6, 0);
    expect(outFor(gone, isWeb)?.type).toBe('DELETED');
  });
});

describe('CacheWatcher', () => {
  it('hands a waiting consumer the next event, and queues while it is busy', async () => {
    const { watcher } = newWatcher();
    const waiting = watcher.next();
    watcher.push(out(1));
    watcher.push(out(2));
    watcher.push(out(3));
    expect((await waiting).value.revision).toBe(1);
    expect((await watcher.next()).value.revision).toBe(2);
    expect((await watcher.next()).value.revision).toBe(3);
    expect(watcher.lastRevision).toBe(3);
  });

  it('delivers the initial items that map to events before queued ones, outside the queue limit', async () => {
    const { watcher } = newWatcher(2);
    watcher.setInitial([obj('a'), obj('b', 'db'), obj('c')], (o) => (isWeb(o) ? watchOut('ADDED', o, 1) : undefined));
    watcher.push(out(5));
    watcher.push(out(6));
    const names = [];
    for (let i = 0; i < 3; i++) names.push((await watcher.next()).value.object.metadata.name);
    expect(names).toEqual(['a', 'c', 'o5']);
  });

  it('terminates a consumer that falls behind with TooManyRequests', async () => {
    const { watcher, onClose } = newWatcher(2);
    for (let r = 1; r <= 3; r++) watcher.push(out(r));
    expect(onClose).toHaveBeenCalledTimes(1);
    const err = await watcher.next().catch((e: unknown) => e);
    expect(isApiError(err, 'TooManyRequests')).toBe(true);
    expect(await watcher.next()).toEqual({ value: undefined, done: true });
  });

  it('drains what is queued after end(), and closes once', async () => {
    const { watcher, onClose } = newWatcher();
    watcher.push(out(1));
    watcher.end();
    watcher.push(out(2));
    expect((await watcher.next()).value.revision).toBe(1);
    expect((await watcher.next()).done).toBe(true);
    watcher.fail(new Error('late'));
    expect(onClose).toHaveBeenCalledTimes(1);
  });

  it('fails a pending next() and unregisters on return()', async () => {
    const { watcher, onClose } = newWatcher();
    const pending = watcher.next();
    watcher.fail(new Error('reset'));
    await expect(pending).rejects.toThrow('reset');
    const other = newWatcher();
    await other.watcher.return();
    expect(other.onClose).toHaveBeenCalledTimes(1);
    expect(onClose).toHaveBeenCalledTimes(1);
  });

  describe('ends only between revisions (objects created in one transaction share one)', () => {
    const at = (name: string, rev: number) => watchOut('ADDED', obj(name), rev);
    const names = (outs: IteratorResult<unknown>[]) => outs.map((r) => (r.done ? 'done' : ((r.value as { object: AnyObject }).object.metadata?.name ?? '')));

    it('hands over the rest of the current revision before failing, and drops later ones', async () => {
      const { watcher } = newWatcher(4);
      for (const [name, rev] of [['a', 5], ['b', 5], ['c', 5], ['d', 6]] as const) watcher.push(at(name, rev));
      expect(names([await watcher.next()])).toEqual(['a']);
      watcher.push(at('e', 7));
      watcher.push(at('f', 8));
      // the queue limit is reached: the watch fails, but not inside revision 5
      expect(names([await watcher.next(), await watcher.next()])).toEqual(['b', 'c']);
      const err = await watcher.next().catch((e: unknown) => e);
      expect(isApiError(err, 'TooManyRequests')).toBe(true);
    });

    it('finishes a timed-out watch after the rest of the current revision', async () => {
      const { watcher, onClose } = newWatcher();
      for (const [name, rev] of [['a', 5], ['b', 5], ['c', 6]] as const) watcher.push(at(name, rev));
      await watcher.next();
      watcher.finish();
      expect(onClose).toHaveBeenCalledOnce();
      watcher.push(at('d', 7));
      expect(names([await watcher.next(), await watcher.next()])).toEqual(['b', 'done']);
    });

    it('finishes inside the events a watch starts with at a revision boundary too', async () => {
      const { watcher } = newWatcher();
      watcher.setInitial([at('a', 5), at('b', 5), at('c', 6)], (o) => o);
      await watcher.next();
      watcher.finish();
      expect(names([await watcher.next(), await watcher.next()])).toEqual(['b', 'done']);
    });

    it('finishes at once when nothing of the current revision is left', async () => {
      const { watcher } = newWatcher();
      watcher.push(at('a', 5));
      watcher.push(at('b', 6));
      await watcher.next();
      const waiting = watcher.next();
      watcher.finish();
      expect(names([await waiting, await watcher.next()])).toEqual(['b', 'done']);
    });
  });
});
