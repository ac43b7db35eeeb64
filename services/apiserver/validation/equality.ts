// Kubernetes compares objects with equality.Semantic.DeepEqual, for which a nil and an empty list
// or map are the same. Our objects additionally lose zero values in protobuf (a stored "" or 0
// comes back absent), so absent, null, '', 0, false and empty lists, maps and byte strings all
// count as "not set" and equal each other.

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Uint8Array);
}

function isUnset(value: unknown): boolean {
  if (value === undefined || value === null || value === '' || value === 0 || value === false) return true;
  if (Array.isArray(value) || value instanceof Uint8Array) return value.length === 0;
  if (isPlainObject(value)) return Object.values(value).every(isUnset);
  return false;
}

export function semanticEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (isUnset(a) && isUnset(b)) return true;
  if (a instanceof Uint8Array && b instanceof Uint8Array) return Buffer.from(a).equals(Buffer.from(b));
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => semanticEqual(x, b[i]));
  if (isPlainObject(a) && isPlainObject(b)) {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    for (const key of keys) if (!semanticEqual(a[key], b[key])) return false;
    return true;
  }
  return false;
}

function render(value: unknown): string {
  if (value instanceof Uint8Array) return JSON.stringify(Buffer.from(value).toString('base64'));
  return JSON.stringify(value) ?? 'null';
}

/**
 * The leaf fields that differ between two values, one `-` line (old) and one `+` line (new) per
 * field, for messages that show a diff as Kubernetes' `cmp.Diff` output does.
 */
export function describeDifferences(oldValue: unknown, newValue: unknown, path = ''): string[] {
  if (semanticEqual(oldValue, newValue)) return [];
  if (isPlainObject(oldValue) && isPlainObject(newValue)) {
    const keys = [...new Set([...Object.keys(oldValue), ...Object.keys(newValue)])].sort();
    return keys.flatMap((key) => describeDifferences(oldValue[key], newValue[key], path ? `${path}.${key}` : key));
  }
  if (Array.isArray(oldValue) && Array.isArray(newValue) && oldValue.length === newValue.length) {
    return oldValue.flatMap((item, i) => describeDifferences(item, newValue[i], `${path}[${i}]`));
  }
  const label = path || '<root>';
  return [`- ${label}: ${isUnset(oldValue) ? 'null' : render(oldValue)}`, `+ ${label}: ${isUnset(newValue) ? 'null' : render(newValue)}`];
}
