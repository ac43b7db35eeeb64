/**
 * Storage keys in etcd's order, for paged lists from memory. Keys are ASCII (DNS names), so
 * JavaScript's string order is etcd's byte order. A sorted array keeps lookups at O(log n) and
 * makes inserts a memmove, which at tens of thousands of keys costs microseconds.
 */
export class SortedKeys {
  private keys: string[] = [];

  get size(): number {
    return this.keys.length;
  }

  /** Index of the first key >= key. */
  lowerBound(key: string): number {
    let lo = 0;
    let hi = this.keys.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.keys[mid]! < key) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  insert(key: string): void {
    const i = this.lowerBound(key);
    if (this.keys[i] !== key) this.keys.splice(i, 0, key);
  }

  remove(key: string): void {
    const i = this.lowerBound(key);
    if (this.keys[i] === key) this.keys.splice(i, 1);
  }

  /** Replaces the contents with keys that are already sorted (a list from etcd). */
  replaceSorted(keys: string[]): void {
    this.keys = keys;
  }

  /** Keys in [from, to), in order. */
  *range(from: string, to: string): Generator<string> {
    for (let i = this.lowerBound(from); i < this.keys.length; i++) {
      const key = this.keys[i]!;
      if (key >= to) return;
      yield key;
    }
  }
}
