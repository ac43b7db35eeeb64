import { describe, expect, it } from 'vitest';
import { labelSelectorFromText } from './label-selector-text.js';

describe('labelSelectorFromText (ParseToLabelSelector)', () => {
  it('turns equalities into matchLabels and set-based requirements into matchExpressions', () => {
    expect(labelSelectorFromText('app=web,tier==front')).toEqual({ matchLabels: { app: 'web', tier: 'front' } });
    expect(labelSelectorFromText('app=web,env in (prod,dev),!legacy')).toEqual({
      matchLabels: { app: 'web' },
      matchExpressions: [
        { key: 'env', operator: 'In', values: ['dev', 'prod'] },
        { key: 'legacy', operator: 'DoesNotExist', values: [] },
      ],
    });
  });

  it('refuses what a LabelSelector cannot hold', () => {
    expect(() => labelSelectorFromText('app!=web')).toThrow('"!=" isn\'t supported in label selectors');
  });
});
