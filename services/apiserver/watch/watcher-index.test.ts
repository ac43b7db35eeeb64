import { describe, expect, it } from 'vitest';
import type { Pod } from '../../../lib/api/generated/index.js';
import type { AnyObject } from '../../../lib/api/resources.js';
import { CacheEvent } from './cache-event.js';
import { cachedPod } from './test-support.js';
import { CacheWatcher } from './watcher.js';
import { WatcherIndex } from './watcher-index.js';

const nodeOf = (o: AnyObject): string => (o as Pod).spec?.nodeName ?? '';
const pod = (ns: string, node: string): Pod => ({ metadata: { name: 'p', namespace: ns }, spec: { nodeName: node } });
const watcher = () => new CacheWatcher({ matches: undefined, queueLimit: 1, startRevision: 0, onClose: () => undefined });

describe('WatcherIndex', () => {
  it('visits only the watchers an event can concern', () => {
    const index = new WatcherIndex(nodeOf);
    const all = watcher();
    const inProd = watcher();
    const n1 = watcher();
    const n2 = watcher();
    const n3 = watcher();
    index.add(all, { by: 'all' });
    index.add(inProd, { by: 'namespace', value: 'prod' });
    index.add(n1, { by: 'field', value: 'n1' });
    index.add(n2, { by: 'field', value: 'n2' });
    index.add(n3, { by: 'field', value: 'n3' });
    const visited = (event: CacheEvent): CacheWatcher[] => {
      const out: CacheWatcher[] = [];
      index.forEachCandidate(event, (w) => out.push(w));
      return out;
    };
    expect(visited(new CacheEvent('ADDED', 'k', 'dev', cachedPod(pod('dev', 'n1'), 1), undefined, 1, 0))).toEqual([all, n1]);
    expect(visited(new CacheEvent('MODIFIED', 'k', 'prod', cachedPod(pod('prod', 'n2'), 2), cachedPod(pod('prod', 'n1'), 1), 2, 0))).toEqual([all, inProd, n2, n1]);
    expect(visited(new CacheEvent('MODIFIED', 'k', 'prod', cachedPod(pod('prod', 'n2'), 3), cachedPod(pod('prod', 'n2'), 1), 3, 0))).toEqual([all, inProd, n2]);
    index.remove(n2);
    index.remove(inProd);
    expect(index.size).toBe(3);
    expect(visited(new CacheEvent('DELETED', 'k', 'prod', cachedPod(pod('prod', 'n2'), 4), cachedPod(pod('prod', 'n2'), 1), 4, 0))).toEqual([all]);
  });
});
