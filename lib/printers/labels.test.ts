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
    expect(formatLabelSelector(selector)).toBe('app=web,!canary,env notin (prod),tier in (cache,frontend),zone');
  });

  it('prints an empty selector as empty, or <none> where kubectl formats it, and flags invalid ones', () => {
    expect(labelSelectorString({})).toBe('');
    expect(formatLabelSelector({})).toBe('<none>');
    expect(formatLabelSelector(undefined)).toBe('<none>');
    expect(labelSelectorString({ matchExpressions: [{ key: 'a', operator: 'Near', values: [] }] })).toBe('<invalid>');
    expect(formatLabelSelector({ matchExpressions: [{ key: 'a', operator: 'Near', values: [] }] })).toBe('<error>');
  });
});
