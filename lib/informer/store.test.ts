import { describe, expect, it } from 'vitest';
import type { Pod } from '../api/generated/index.js';
import { IndexError, NAMESPACE_INDEX, Store } from './store.js';

const pod = (namespace: string, name: string, nodeName = '', rv = '1'): Pod => ({
  metadata: { namespace, name, resourceVersion: rv },
  spec: { nodeName },
});

describe('Store', () => {
  it('keys objects by namespace/name and indexes them by namespace', () => {
    const store = new Store<Pod>();
    store.set(pod('default', 'a'));
    store.set(pod('default', 'b'));
    store.set(pod('kube-system', 'c'));
    expect(store.get('default/a')?.metadata?.name).toBe('a');
    expect(store.size).toBe(3);
    expect(store.listByIndex(NAMESPACE_INDEX, 'default').map((p) => p.metadata?.name).sort()).toEqual(['a', 'b']);
    expect(store.listByIndex(NAMESPACE_INDEX, 'nowhere')).toEqual([]);
  });

  it('keeps custom indexes current across updates and deletes, including for objects added before the index', () => {
    const store = new Store<Pod>();
    store.set(pod('default', 'a', 'n1'));
    store.addIndexer('nodeName', (p) => (p.spec?.nodeName ? [p.spec.nodeName] : []));
    store.set(pod('default', 'b', 'n1'));
    store.set(pod('default', 'c'));
    expect(store.listByIndex('nodeName', 'n1').map((p) => p.metadata?.name).sort()).toEqual(['a', 'b']);

    const old = store.set(pod('default', 'a', 'n2', '2'));
    expect(old?.spec?.nodeName).toBe('n1');
    expect(store.listByIndex('nodeName', 'n1').map((p) => p.metadata?.name)).toEqual(['b']);
    expect(store.listByIndex('nodeName', 'n2').map((p) => p.metadata?.name)).toEqual(['a']);

    expect(store.delete('default/b')?.metadata?.name).toBe('b');
    expect(store.delete('default/b')).toBeUndefined();
    expect(store.listByIndex('nodeName', 'n1')).toEqual([]);
    expect(store.listKeys().sort()).toEqual(['default/a', 'default/c']);
  });

  it('rejects duplicate and unknown indexes', () => {
    const store = new Store<Pod>();
    expect(() => store.addIndexer(NAMESPACE_INDEX, () => [])).toThrow(IndexError);
    expect(() => store.listByIndex('nodeName', 'x')).toThrow(IndexError);
  });
});
