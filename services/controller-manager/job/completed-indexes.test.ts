import { describe, expect, it } from 'vitest';
import { formatIndexes, parseIndexes } from './completed-indexes.js';

describe('completedIndexes', () => {
  it.each<[number[], string]>([
    [[], ''],
    [[3], '3'],
    [[0, 1], '0-1'],
    [[4, 0, 2, 1], '0-2,4'],
    [[1, 3, 5, 6, 7, 9], '1,3,5-7,9'],
  ])('%j is written %s and read back', (indexes, text) => {
    expect(formatIndexes(indexes)).toBe(text);
    expect([...parseIndexes(text, 100)].sort((a, b) => a - b)).toEqual([...new Set(indexes)].sort((a, b) => a - b));
  });

  it('ignores indexes past completions and malformed parts', () => {
    expect([...parseIndexes('0-2,x,7,4-9', 5)].sort()).toEqual([0, 1, 2, 4]);
  });
});
