/**
 * A value made on first use and shared while anyone else holds it, without holding it itself: once
 * a garbage collection has taken it, the next use makes it again. For what is cheap to remake and
 * costly to keep for every object in the cache.
 */
export class WeakSlot<T extends object> {
  private ref: WeakRef<T> | undefined;

  get(make: () => T): T {
    let value = this.ref?.deref();
    if (!value) {
      value = make();
      this.ref = new WeakRef(value);
    }
    return value;
  }
}
