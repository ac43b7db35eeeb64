import type { AnyObject } from '../../../lib/api/resources.js';

// A deep copy of an API object for the registry to change: what structuredClone makes of it
// (plain objects and arrays copied, byte arrays copied as Uint8Array, undefined values kept), at
// a fraction of the cost for the small objects of a write, which structuredClone serializes and
// parses back. API objects hold nothing else: decoded messages and their JSON-like parts.

function copyValue(value: unknown): unknown {
  if (typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) return value.map(copyValue);
  if (value instanceof Uint8Array) return new Uint8Array(value);
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value)) {
    // defineProperty: a key named __proto__ stays an own property, as in structuredClone.
    if (key === '__proto__') Object.defineProperty(out, key, { value: copyValue((value as Record<string, unknown>)[key]), enumerable: true, writable: true, configurable: true });
    else out[key] = copyValue((value as Record<string, unknown>)[key]);
  }
  return out;
}

export function cloneObject<T extends AnyObject>(object: T): T {
  return copyValue(object) as T;
}
