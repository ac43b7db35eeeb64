/**
 * Freezes a decoded object and everything under it. Cached objects are shared by every list
 * and watcher, so a mutation anywhere would corrupt what everyone else sees; freezing turns
 * that bug into an immediate TypeError. Buffers (bytes fields) cannot be frozen and are skipped.
 */
export function deepFreeze<T>(value: T): T {
  if (typeof value !== 'object' || value === null || ArrayBuffer.isView(value) || Object.isFrozen(value)) return value;
  // for...in rather than Object.values: no array per object, for every object the cache decodes.
  for (const key in value) if (Object.hasOwn(value, key)) deepFreeze(value[key]);
  return Object.freeze(value);
}
