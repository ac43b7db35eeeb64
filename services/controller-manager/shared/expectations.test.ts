import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../../lib/client/keys.js';
import { Expectations } from './expectations.js';

describe('Expectations', () => {
  it('is satisfied with nothing expected', () => {
    expect(new Expectations().satisfied('ns/rs', () => undefined)).toBe(true);
  });

  it('waits until created objects show up in the cache', () => {
    const cache = new Map<string, KubeObject>();
    const e = new Expectations();
    e.expectCreation('ns/rs', 'ns/p1');
    e.expectCreation('ns/rs', 'ns/p2');
    expect(e.satisfied('ns/rs', (k) => cache.get(k))).toBe(false);
    cache.set('ns/p1', { metadata: { uid: 'a' } });
    expect(e.satisfied('ns/rs', (k) => cache.get(k))).toBe(false);
    cache.set('ns/p2', { metadata: { uid: 'b' } });
    expect(e.satisfied('ns/rs', (k) => cache.get(k))).toBe(true);
  });

  it('waits until deleted objects are gone, marked for deletion, or replaced', () => {
    const cache = new Map<string, KubeObject>([
      ['ns/a', { metadata: { uid: '1' } }],
      ['ns/b', { metadata: { uid: '2' } }],
      ['ns/c', { metadata: { uid: '3' } }],
    ]);
    const e = new Expectations();
    for (const [k, uid] of [['ns/a', '1'], ['ns/b', '2'], ['ns/c', '3']] as const) e.expectDeletion('ns/rs', k, uid);
    expect(e.satisfied('ns/rs', (k) => cache.get(k))).toBe(false);
    cache.delete('ns/a');
    cache.set('ns/b', { metadata: { uid: '2', deletionTimestamp: '2024-01-01T00:00:00Z' } });
    expect(e.satisfied('ns/rs', (k) => cache.get(k))).toBe(false);
    cache.set('ns/c', { metadata: { uid: 'new' } });
    expect(e.satisfied('ns/rs', (k) => cache.get(k))).toBe(true);
  });

  it('gives up waiting after the TTL, and forgets on request', () => {
    let now = 0;
    const e = new Expectations(1000, () => now);
    e.expectCreation('ns/rs', 'ns/p');
    expect(e.satisfied('ns/rs', () => undefined)).toBe(false);
    now = 1001;
    expect(e.satisfied('ns/rs', () => undefined)).toBe(true);
    e.expectCreation('ns/x', 'ns/p');
    e.forget('ns/x');
    expect(e.satisfied('ns/x', () => undefined)).toBe(true);
  });
});
