import { describe, expect, it } from 'vitest';
import { createErrors, type Json, statusErrors, updateErrors } from './test-support.js';

const pdb = (spec: Json = {}, status?: Json): Json => ({
  apiVersion: 'policy/v1',
  kind: 'PodDisruptionBudget',
  metadata: { name: 'web' },
  spec: { selector: { matchLabels: { app: 'web' } }, ...spec },
  ...(status && { status }),
});

describe('PodDisruptionBudget validation', () => {
  it.each<[string, Json, string[]]>([
    ['minAvailable as a number', pdb({ minAvailable: 2 }), []],
    ['minAvailable as a percentage', pdb({ minAvailable: '50%' }), []],
    ['maxUnavailable of 100%', pdb({ maxUnavailable: '100%' }), []],
    ['maxUnavailable of 0', pdb({ maxUnavailable: 0 }), []],
    ['no selector at all', { apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name: 'web' }, spec: { minAvailable: 1 } }, []],
    ['an AlwaysAllow unhealthy pod policy', pdb({ minAvailable: 1, unhealthyPodEvictionPolicy: 'AlwaysAllow' }), []],
    ['both minAvailable and maxUnavailable', pdb({ minAvailable: 1, maxUnavailable: 1 }), ['spec: Invalid value: ', 'minAvailable and maxUnavailable cannot be both set']],
    ['a negative minAvailable', pdb({ minAvailable: -1 }), ['spec.minAvailable: Invalid value: -1: must be greater than or equal to 0']],
    ['a negative maxUnavailable', pdb({ maxUnavailable: -2 }), ['spec.maxUnavailable: Invalid value: -2: must be greater than or equal to 0']],
    ['minAvailable over 100%', pdb({ minAvailable: '101%' }), ['spec.minAvailable: Invalid value: "101%": must not be greater than 100%']],
    ['maxUnavailable over 100%', pdb({ maxUnavailable: '150%' }), ['spec.maxUnavailable: Invalid value: "150%": must not be greater than 100%']],
    ['a string that is not a percentage', pdb({ minAvailable: 'half' }), ['spec.minAvailable: Invalid value: "half": a valid percent string must be']],
    [
      'a selector with an unknown operator',
      pdb({ minAvailable: 1, selector: { matchExpressions: [{ key: 'app', operator: 'Near', values: ['web'] }] } }),
      ['spec.selector.matchExpressions[0].operator: Invalid value: "Near": not a valid selector operator'],
    ],
    ['a selector label value that is not one', pdb({ minAvailable: 1, selector: { matchLabels: { app: 'no spaces' } } }), ['spec.selector.matchLabels: Invalid value: "no spaces"']],
    [
      'an unknown unhealthy pod policy',
      pdb({ minAvailable: 1, unhealthyPodEvictionPolicy: 'Sometimes' }),
      ['spec.unhealthyPodEvictionPolicy: Unsupported value: "Sometimes": supported values: "AlwaysAllow", "IfHealthyBudget"'],
    ],
  ])('%s', (_name, manifest, expected) => {
    const errors = createErrors(manifest);
    if (expected.length === 0) expect(errors).toEqual([]);
    else for (const part of expected) expect(errors.join('\n')).toContain(part);
  });

  it('lets the spec change on update, with the same rules', () => {
    expect(updateErrors(pdb({ minAvailable: 3 }), pdb({ minAvailable: 1 }))).toEqual([]);
    expect(updateErrors(pdb({ minAvailable: 1, maxUnavailable: 1 }), pdb({ minAvailable: 1 })).join('\n')).toContain('minAvailable and maxUnavailable cannot be both set');
  });

  it('refuses negative counts in a status write', () => {
    const old = pdb({ minAvailable: 1 });
    expect(statusErrors(pdb({ minAvailable: 1 }, { disruptionsAllowed: 1, currentHealthy: 2, desiredHealthy: 1, expectedPods: 2 }), old)).toEqual([]);
    expect(statusErrors(pdb({ minAvailable: 1 }, { disruptionsAllowed: -1, currentHealthy: 0, desiredHealthy: 0, expectedPods: 0 }), old)).toEqual([
      'status.disruptionsAllowed: Invalid value: -1: must be greater than or equal to 0',
    ]);
  });
});
