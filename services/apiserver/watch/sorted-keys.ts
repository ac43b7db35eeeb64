import { lowerBound } from '../storage/keys.js';

/**
 * Storage keys in etcd's order, for paged lists from memory. Keys are ASCII (DNS names), so
 * JavaScript's string order is etcd's byte order.
 *
 * Writes far outnumber ordered reads (a list that is not served from a watch), so the order is
 * restored when read rather than on every write: new keys wait unsorted and removed ones are
 * marked, and the first read sorts the new keys and merges them in one pass. Kept sorted on every
 * insert, each create of a burst paid a memmove of the whole array (tens of microseconds at tens of
 * thousands of keys, a few per cent of the apiserver's CPU per create).
 */
export class SortedKeys {
  private sorted: string[] = [];
  /** Keys added since the last read, in arrival order. */
  private added: string[] = [];
  /** Keys removed since the last read, from sorted or added. */
  private removed = new Set<string>();

  /** Adds a key; adding one that is present changes nothing. */
  insert(key: string): void {
    // A key removed since the last read is still in one of the arrays: taking back its mark restores it.
    if (this.removed.delete(key)) return;
    this.added.push(key);
    this.mergeIfLarge();
  }

  /** Removes a key that is present (the cache knows: it removes only keys it holds). */
  remove(key: string): void {
    this.removed.add(key);
    this.mergeIfLarge();
  }

  /** Replaces the contents with keys that are already sorted (a list from etcd). */
  replaceSorted(keys: string[]): void {
    this.sorted = keys;
    this.added = [];
    this.removed.clear();
  }

  /** Keys in [from, to), in order. */
  *range(from: string, to: string): Generator<string> {
    const keys = this.inOrder();
    for (let i = lowerBound(keys, from); i < keys.length; i++) {
      const key = keys[i]!;
      if (key >= to) return;
      yield key;
    }
  }

  /**
   * Merges pending changes once they are as many as a quarter of the sorted keys (at least 1,024),
   * so that memory for them stays bounded without reads and each merge's pass over the array is
   * shared by many writes.
   */
  private mergeIfLarge(): void {
    if (this.added.length + this.removed.size >= Math.max(1024, this.sorted.length / 4)) this.inOrder();
  }

  private inOrder(): string[] {
    if (this.added.length === 0 && this.removed.size === 0) return this.sorted;
    const added = this.added.sort();
    const merged: string[] = [];
    let i = 0;
    let j = 0;
    while (i < this.sorted.length || j < added.length) {
      const key = j === added.length || (i < this.sorted.length && this.sorted[i]! <= added[j]!) ? this.sorted[i++]! : added[j++]!;
      if (!this.removed.has(key) && merged[merged.length - 1] !== key) merged.push(key);
    }
    this.sorted = merged;
    this.added = [];
    this.removed.clear();
    return merged;
  }
}
