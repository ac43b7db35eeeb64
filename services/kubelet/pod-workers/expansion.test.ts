import { describe, expect, it } from 'vitest';
import { expand, mappingFor } from './expansion.js';

const mapping = mappingFor(new Map([['VAR_A', 'A'], ['VAR_B', 'B'], ['VAR_EMPTY', '']]), new Map([['SVC', 'svc'], ['VAR_A', 'shadowed']]));

describe('expand', () => {
  it.each([
    ['$(VAR_A)', 'A'],
    ['___$(VAR_A)___', '___A___'],
    ['$(VAR_A)-$(VAR_B)', 'A-B'],
    ['$(SVC)', 'svc'],
    ['$(VAR_EMPTY)', ''],
    ['$(UNKNOWN)', '$(UNKNOWN)'],
    ['$$(VAR_A)', '$(VAR_A)'],
    ['$$$(VAR_A)', '$A'],
    ['$$$$(VAR_A)', '$$(VAR_A)'],
    ['$(VAR_A', '$(VAR_A'],
    ['$VAR_A', '$VAR_A'],
    ['$', '$'],
    ['foo$', 'foo$'],
    ['$()', '$()'],
    ['$(VAR_A)$(VAR_A', 'A$(VAR_A'],
    ['plain', 'plain'],
  ])('%s → %s', (input, output) => {
    expect(expand(input, mapping)).toBe(output);
  });
});
