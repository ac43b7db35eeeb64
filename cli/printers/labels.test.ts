import { describe, expect, it } from 'vitest';
import { formatLabelSelector, formatLabels, labelSelectorString } from './labels.js';

describe('formatLabels', () => {
  it('sorts keys and joins key=value pairs', () => {
    expect(formatLabels({ tier: 'db', app: 'mysql' })).toBe('app=mysql,tier=db');
  });

  it('prints <none> for no labels', () => {
    expect(formatLabels(undefined)).toBe('<none>');
    expect(formatLabels({})).toBe('<none>');
  });
});

describe('label selectors', () => {
  it('prints requirements sorted by key, set values sorted', () => {
    const selector = {
      matchLabels: { app: 'web' },
      matchExpressions: [
        { key: 'tier', operator: 'In', values: ['frontend', 'cache'] },
        { key: 'env', operator: 'NotIn', values: ['prod'] },
        { key: 'canary', operator: 'DoesNotExist', values: [] },
        { key: 'zone', operator: 'Exists', values: [] },
      ],
    };
    expect(labelSelectorString(selector)).toBe('app=web,!canary,env notin (prod),tier in (cache,frontend),zone');
  });

  it('prints an empty or missing selector as empty, or <none> where kubectl formats it', () => {
    expect(labelSelectorString({})).toBe('');
    expect(labelSelectorString(undefined)).toBe('');
    expect(formatLabelSelector({})).toBe('<none>');
    expect(formatLabelSelector({ matchLabels: { app: 'web' } })).toBe('app=web');
  });
});
