import { describe, expect, it } from 'vitest';
import { Expectations } from './expectations.js';

const written = (rv: string) => ({ metadata: { resourceVersion: rv } });

describe('Expectations', () => {
  it('is satisfied with nothing expected', () => {
    expect(new Expectations(() => '1').satisfied('ns/rs')).toBe(true);
  });

  it('waits until the cache has reached the newest write', () => {
    let cacheRv = '10';
    const e = new Expectations(() => cacheRv);
    e.expectWrite('ns/rs', written('12'));
    e.expectWrite('ns/rs', written('11'));
    expect(e.satisfied('ns/rs')).toBe(false);
    cacheRv = '11';
    expect(e.satisfied('ns/rs')).toBe(false);
    // The pod may be gone again by then: reaching the version is what counts.
    cacheRv = '15';
    expect(e.satisfied('ns/rs')).toBe(true);
    cacheRv = '0';
    expect(e.satisfied('ns/rs')).toBe(true);
  });

  it('keeps owners apart', () => {
    const e = new Expectations(() => '5');
    e.expectWrite('ns/a', written('9'));
    expect(e.satisfied('ns/b')).toBe(true);
    expect(e.satisfied('ns/a')).toBe(false);
  });

  it('gives up waiting after the TTL, and forgets on request', () => {
    let now = 0;
    const e = new Expectations(() => '1', 1000, () => now);
    e.expectWrite('ns/rs', written('5'));
    expect(e.satisfied('ns/rs')).toBe(false);
    now = 1001;
    expect(e.satisfied('ns/rs')).toBe(true);
    e.expectWrite('ns/x', written('5'));
    e.forget('ns/x');
    expect(e.satisfied('ns/x')).toBe(true);
  });
});
