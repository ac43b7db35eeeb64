import { describe, expect, it } from 'vitest';
import { resources } from '../../../lib/api/resources.js';
import { applyDefaults, validateObject, validateObjectUpdate, validateStatusUpdate } from './strategy.js';

describe('every kind', () => {
  it.each(resources.map((info) => [info.kind, info] as const))('%s: an empty object is rejected with field errors, never an exception', (_kind, info) => {
    const object = {};
    applyDefaults(info, object);
    const errors = validateObject(info, object);
    expect(errors.length).toBeGreaterThan(0);
    expect(errors.map(String)).toContain('metadata.name: Required value: name or generateName is required');
    expect(() => validateObjectUpdate(info, {}, {})).not.toThrow();
    if (info.hasStatus) expect(() => validateStatusUpdate(info, {}, {})).not.toThrow();
  });

  it('reports an error found twice once', () => {
    const info = resources.find((r) => r.kind === 'Pod')!;
    const pod = { metadata: { name: 'p', namespace: 'default', labels: { a: '-' } }, spec: { containers: [{ name: 'a', image: 'i' }] } };
    applyDefaults(info, pod);
    const old = structuredClone(pod);
    const errors = validateObjectUpdate(info, pod, old).map(String);
    expect(errors.filter((e) => e.startsWith('metadata.labels'))).toHaveLength(1);
  });
});
