import { describe, expect, it } from 'vitest';
import { parseAddons } from './ingress-addon.js';

describe('kubets up --addons', () => {
  it('takes a comma-separated list, repeatable, without duplicates', () => {
    expect(parseAddons('ingress')).toEqual(['ingress']);
    expect(parseAddons(' ingress , ', ['ingress'])).toEqual(['ingress']);
  });

  it('refuses an add-on it does not know, naming the known ones', () => {
    expect(() => parseAddons('ingress,bogus')).toThrow('unknown add-on "bogus" (known: ingress, monitoring');
  });
});
