import { describe, expect, it } from 'vitest';
import { dryRunOf, flag, integerParam, optionalFlag } from './query.js';

describe('query parameters', () => {
  it('reads booleans, integers and dryRun as Kubernetes does', () => {
    const q = new URLSearchParams('watch=1&bookmarks=true&other=yes&limit=5');
    expect([flag(q, 'watch'), flag(q, 'bookmarks'), flag(q, 'other'), flag(q, 'missing')]).toEqual([true, true, false, false]);
    // Go's ParseBool spellings: Python's client sends watch=True.
    const go = new URLSearchParams('a=True&b=T&c=TRUE&d=t&e=False');
    expect(['a', 'b', 'c', 'd', 'e'].map((k) => flag(go, k))).toEqual([true, true, true, true, false]);
    // sendInitialEvents=false says something that its absence does not.
    const sie = new URLSearchParams('sendInitialEvents=false&other=true');
    expect([optionalFlag(sie, 'sendInitialEvents'), optionalFlag(sie, 'other'), optionalFlag(sie, 'missing')]).toEqual([false, true, undefined]);
    expect(integerParam('limit', q.get('limit'))).toBe(5);
    expect(integerParam('limit', null)).toBeUndefined();
    expect(() => integerParam('limit', '2.5')).toThrow('limit: Invalid value: "2.5": must be an integer');
    expect([dryRunOf([]), dryRunOf(['All'])]).toEqual([false, true]);
    expect(() => dryRunOf(['Some'])).toThrow('dryRun: Unsupported value: "Some": supported values: "All"');
  });
});
