/**
 * Freezes an object graph. Informer caches hand the same object to every handler and lister, so
 * a consumer that changed one would corrupt what all others see; freezing turns that bug into an
 * immediate TypeError. Buffers (bytes fields) cannot be frozen and are skipped.
 */
export function deepFreeze<T>(value: T): T {
  if (typeof value !== 'object' || value === null || ArrayBuffer.isView(value) || Object.isFrozen(value)) return value;
  for (const child of Object.values(value)) deepFreeze(child);
  return Object.freeze(value);
}
