import { describe, expect, it } from 'vitest';
import { strategicMergePatch } from './strategic-merge.js';

describe('strategicMergePatch', () => {
  const pod = {
    metadata: { labels: { app: 'web', tier: 'fe' }, finalizers: ['a'] },
    spec: {
      containers: [
        { name: 'web', image: 'web:v1', env: [{ name: 'A', value: '1' }], ports: [{ containerPort: 80 }] },
        { name: 'side', image: 'side:v1' },
      ],
    },
  };

  it('merges containers by name and keeps the others', () => {
    const out = strategicMergePatch(pod, { spec: { containers: [{ name: 'web', image: 'web:v2' }] } });
    expect(out.spec).toEqual({
      containers: [
        { name: 'web', image: 'web:v2', env: [{ name: 'A', value: '1' }], ports: [{ containerPort: 80 }] },
        { name: 'side', image: 'side:v1' },
      ],
    });
  });

  it('deletes list elements and map keys', () => {
    const out = strategicMergePatch(pod, {
      metadata: { labels: { tier: null } },
      spec: { containers: [{ name: 'side', $patch: 'delete' }] },
    });
    expect(out.metadata).toEqual({ labels: { app: 'web' }, finalizers: ['a'] });
    expect((out.spec as { containers: unknown[] }).containers).toHaveLength(1);
  });

  it('merges env by name, appends new elements, unions finalizers, replaces plain lists', () => {
    const out = strategicMergePatch(pod, {
      metadata: { finalizers: ['b', 'a'] },
      spec: { containers: [{ name: 'web', env: [{ name: 'B', value: '2' }], command: ['x'] }] },
    });
    expect(out.metadata).toMatchObject({ finalizers: ['a', 'b'] });
    const web = (out.spec as { containers: { env: unknown[]; command: string[] }[] }).containers[0]!;
    expect(web.env).toEqual([{ name: 'A', value: '1' }, { name: 'B', value: '2' }]);
    expect(web.command).toEqual(['x']);
  });

  it('replaces a map with $patch: replace', () => {
    const out = strategicMergePatch(pod, { metadata: { labels: { only: 'x', $patch: 'replace' } } });
    expect(out.metadata).toMatchObject({ labels: { only: 'x' } });
  });

  it('refuses unknown directives and non-objects in lists merged on a key', () => {
    expect(() => strategicMergePatch(pod, { spec: { containers: [{ name: 'web', $patch: 'bogus' }] } })).toThrow(
      expect.objectContaining({ reason: 'BadRequest', message: 'unknown patch directive "bogus" at spec.containers: use "replace", "delete" or "merge"' }),
    );
    expect(() => strategicMergePatch(pod, { spec: { containers: ['web'] } })).toThrow(
      expect.objectContaining({ reason: 'BadRequest', message: 'cannot merge string into spec.containers: its elements are objects merged on "name"' }),
    );
  });

  it('follows the list directives kubectl sends: $setElementOrder, $deleteFromPrimitiveList, $retainKeys', () => {
    const original = {
      metadata: { finalizers: ['a', 'b', 'c'] },
      spec: {
        containers: [{ name: 'web', env: [{ name: 'A', value: '1' }, { name: 'S', value: 'server' }, { name: 'C', value: '3' }] }],
        strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1 } },
      },
    };
    const out = strategicMergePatch(original, {
      metadata: { '$deleteFromPrimitiveList/finalizers': ['b'] },
      spec: {
        '$setElementOrder/containers': [{ name: 'web' }],
        containers: [{ name: 'web', '$setElementOrder/env': [{ name: 'C' }, { name: 'B' }, { name: 'A' }], env: [{ name: 'B', value: '2' }] }],
        strategy: { $retainKeys: ['type'], type: 'Recreate' },
      },
    }) as typeof original;
    expect(out.metadata.finalizers).toEqual(['a', 'c']);
    // The named ones in the given order; S, which only the server had, goes before C, which the server had after it.
    expect(out.spec.containers[0]!.env.map((e) => e.name)).toEqual(['S', 'C', 'B', 'A']);
    expect(out.spec.strategy).toEqual({ type: 'Recreate' });
    expect(JSON.stringify(out)).not.toContain('$');
  });
});
