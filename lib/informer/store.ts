import { keyOf, type KubeObject } from '../client/keys.js';

/** The index values of one object (an object may sit under several values, or none). */
export type IndexFunc<T> = (obj: T) => string[];

export const NAMESPACE_INDEX = 'namespace';

export class IndexError extends Error {
  override readonly name = 'IndexError';
}

/** What consumers of an informer's cache may do: read, and add indexes. */
export interface Indexer<T> {
  get(key: string): T | undefined;
  list(): T[];
  listKeys(): string[];
  /** Objects whose index function returned `value`; the built-in `namespace` index is always there. */
  listByIndex(indexName: string, value: string): T[];
  addIndexer(indexName: string, fn: IndexFunc<T>): void;
  readonly size: number;
}

/** client-go's thread-safe store with indexers, keyed by `namespace/name`. */
export class Store<T extends KubeObject> implements Indexer<T> {
  private readonly items = new Map<string, T>();
  private readonly indexers = new Map<string, IndexFunc<T>>();
  /** index name → index value → keys */
  private readonly indices = new Map<string, Map<string, Set<string>>>();

  constructor() {
    this.addIndexer(NAMESPACE_INDEX, (obj) => [obj.metadata?.namespace ?? '']);
  }

  get size(): number {
    return this.items.size;
  }

  get(key: string): T | undefined {
    return this.items.get(key);
  }

  list(): T[] {
    return [...this.items.values()];
  }

  listKeys(): string[] {
    return [...this.items.keys()];
  }

  listByIndex(indexName: string, value: string): T[] {
    const index = this.indices.get(indexName);
    if (!index) throw new IndexError(`index ${JSON.stringify(indexName)} does not exist`);
    return [...(index.get(value) ?? [])].map((key) => this.items.get(key)!);
  }

  addIndexer(indexName: string, fn: IndexFunc<T>): void {
    if (this.indexers.has(indexName)) throw new IndexError(`index ${JSON.stringify(indexName)} already exists`);
    this.indexers.set(indexName, fn);
    const index = new Map<string, Set<string>>();
    this.indices.set(indexName, index);
    for (const [key, obj] of this.items) addToIndex(index, fn(obj), key);
  }

  /** Stores obj under its key; returns what it replaced. */
  set(obj: T): T | undefined {
    const key = keyOf(obj);
    const old = this.items.get(key);
    if (old) this.unindex(key, old);
    this.items.set(key, obj);
    for (const [name, fn] of this.indexers) addToIndex(this.indices.get(name)!, fn(obj), key);
    return old;
  }

  delete(key: string): T | undefined {
    const old = this.items.get(key);
    if (!old) return undefined;
    this.unindex(key, old);
    this.items.delete(key);
    return old;
  }

  private unindex(key: string, obj: T): void {
    for (const [name, fn] of this.indexers) {
      const index = this.indices.get(name)!;
      for (const value of fn(obj)) {
        const keys = index.get(value);
        keys?.delete(key);
        if (keys?.size === 0) index.delete(value);
      }
    }
  }
}

function addToIndex(index: Map<string, Set<string>>, values: string[], key: string): void {
  for (const value of values) {
    let keys = index.get(value);
    if (!keys) index.set(value, (keys = new Set()));
    keys.add(key);
  }
}
