import { describe, expect, it } from 'vitest';
import { deepFreeze } from './freeze.js';

describe('deepFreeze', () => {
  it('freezes every object and array under the value, but not byte arrays or inherited properties', () => {
    const inherited = { shared: { a: 1 } };
    const value = Object.assign(Object.create(inherited) as Record<string, unknown>, {
      metadata: { labels: { app: 'web' } },
      spec: { containers: [{ name: 'c', ports: [{ containerPort: 80 }] }] },
      data: Buffer.from('x'),
    });
    deepFreeze(value);
    const spec = value.spec as { containers: { ports: object[] }[] };
    for (const o of [value, value.metadata, (value.metadata as { labels: object }).labels, spec, spec.containers, spec.containers[0]!, spec.containers[0]!.ports[0]!]) {
      expect(Object.isFrozen(o)).toBe(true);
    }
    expect(Object.isFrozen(value.data)).toBe(false);
    expect(Object.isFrozen(inherited.shared)).toBe(false);
  });
});
