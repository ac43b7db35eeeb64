import { describe, expect, it } from 'vitest';
import type { AnyObject } from '../../../lib/api/resources.js';
import { cloneObject } from './clone.js';

describe('cloneObject', () => {
  const object = (): AnyObject =>
    JSON.parse(
      JSON.stringify({
        metadata: { name: 'p', namespace: 'default', labels: { app: 'web' }, finalizers: ['a', 'b'], ownerReferences: [{ uid: 'u', controller: true }] },
        spec: { containers: [{ name: 'c', image: 'i', ports: [{ containerPort: 80 }], args: [] }], priority: 0, nodeSelector: {} },
      }),
    ) as AnyObject;

  it('copies as structuredClone does: nested objects and lists, undefined values, byte arrays', () => {
    const withBytes = { ...object(), data: { key: Buffer.from([1, 2, 3]) }, spec: { ...(object() as { spec: object }).spec, hostname: undefined } } as AnyObject;
    const copy = cloneObject(withBytes);
    expect(copy).toStrictEqual(structuredClone(withBytes));
    expect(Object.keys((copy as unknown as { spec: object }).spec)).toContain('hostname');
  });

  it('shares nothing with the original, frozen or not', () => {
    const original = Object.freeze(object());
    const copy = cloneObject(original);
    (copy.metadata!.labels as Record<string, string>).app = 'changed';
    copy.metadata!.finalizers!.push('c');
    expect(original.metadata!.labels).toEqual({ app: 'web' });
    expect(original.metadata!.finalizers).toEqual(['a', 'b']);
    expect(Object.isFrozen(copy)).toBe(false);
  });

  it('keeps a key named __proto__ as a field', () => {
    const odd = JSON.parse('{"metadata":{"labels":{"__proto__":"x"}}}') as AnyObject;
    const copy = cloneObject(odd);
    expect(Object.keys(copy.metadata!.labels!)).toEqual(['__proto__']);
    expect(copy).toStrictEqual(structuredClone(odd));
  });
});
