import { describe, expect, it } from 'vitest';
import { validateListOptions, type ListOptionsToCheck } from './list-options.js';

const messages = (opts: ListOptionsToCheck): string[] => validateListOptions(opts).map((e) => e.message);

describe('validateListOptions', () => {
  it.each<[string, ListOptionsToCheck, string[]]>([
    ['a list without resourceVersionMatch', { watch: false, resourceVersion: '5' }, []],
    ['a list at least as new as a revision', { watch: false, resourceVersion: '5', resourceVersionMatch: 'NotOlderThan' }, []],
    ['a list from any state', { watch: false, resourceVersion: '0', resourceVersionMatch: 'NotOlderThan' }, []],
    ['a list at exactly a revision', { watch: false, resourceVersion: '5', resourceVersionMatch: 'Exact' }, []],
    ['resourceVersionMatch without resourceVersion', { watch: false, resourceVersionMatch: 'NotOlderThan' }, ['resourceVersionMatch: Forbidden: resourceVersionMatch is forbidden unless resourceVersion is provided']],
    ['resourceVersionMatch with continue', { watch: false, resourceVersion: '5', resourceVersionMatch: 'Exact', continueToken: 'x' }, ['resourceVersionMatch: Forbidden: resourceVersionMatch is forbidden when continue is provided']],
    ['an unknown resourceVersionMatch', { watch: false, resourceVersion: '5', resourceVersionMatch: 'Newest' }, ['resourceVersionMatch: Unsupported value: "Newest": supported values: "Exact", "NotOlderThan", ""']],
    ['Exact from resourceVersion 0', { watch: false, resourceVersion: '0', resourceVersionMatch: 'Exact' }, ['resourceVersionMatch: Forbidden: resourceVersionMatch "exact" is forbidden for resourceVersion "0"']],
    ['sendInitialEvents on a list', { watch: false, sendInitialEvents: false }, ['sendInitialEvents: Forbidden: sendInitialEvents is forbidden for list']],
    [
      'everything wrong at once',
      { watch: false, resourceVersionMatch: 'Other', continueToken: 'x', sendInitialEvents: true },
      [
        'resourceVersionMatch: Forbidden: resourceVersionMatch is forbidden unless resourceVersion is provided',
        'resourceVersionMatch: Forbidden: resourceVersionMatch is forbidden when continue is provided',
        'resourceVersionMatch: Unsupported value: "Other": supported values: "Exact", "NotOlderThan", ""',
        'sendInitialEvents: Forbidden: sendInitialEvents is forbidden for list',
      ],
    ],
    ['a plain watch', { watch: true, resourceVersion: '5' }, []],
    ['a watch-list', { watch: true, resourceVersion: '', resourceVersionMatch: 'NotOlderThan', sendInitialEvents: true }, []],
    ['a watch without initial events', { watch: true, resourceVersion: '0', resourceVersionMatch: 'NotOlderThan', sendInitialEvents: false }, []],
    ['sendInitialEvents without resourceVersionMatch', { watch: true, sendInitialEvents: true }, ['resourceVersionMatch: Forbidden: sendInitialEvents requires setting resourceVersionMatch to NotOlderThan']],
    [
      'sendInitialEvents with Exact',
      { watch: true, resourceVersion: '5', resourceVersionMatch: 'Exact', sendInitialEvents: true },
      ['resourceVersionMatch: Forbidden: sendInitialEvents requires setting resourceVersionMatch to NotOlderThan', 'resourceVersionMatch: Unsupported value: "Exact": supported values: "NotOlderThan"'],
    ],
    ['resourceVersionMatch on a watch without sendInitialEvents', { watch: true, resourceVersionMatch: 'NotOlderThan' }, ['resourceVersionMatch: Forbidden: resourceVersionMatch is forbidden for watch unless sendInitialEvents is provided']],
    [
      'a watch-list with continue',
      { watch: true, resourceVersionMatch: 'NotOlderThan', sendInitialEvents: true, continueToken: 'x' },
      ['resourceVersionMatch: Forbidden: resourceVersionMatch is forbidden when continue is provided'],
    ],
  ])('%s', (_name, opts, expected) => {
    expect(messages(opts)).toEqual(expected);
  });

  it('names the field and the kind of error in each cause', () => {
    const [err] = validateListOptions({ watch: false, resourceVersion: '1', resourceVersionMatch: 'Newest' });
    expect([err?.field, err?.type, err?.errorBody()]).toEqual(['resourceVersionMatch', 'FieldValueNotSupported', 'Unsupported value: "Newest": supported values: "Exact", "NotOlderThan", ""']);
  });
});
