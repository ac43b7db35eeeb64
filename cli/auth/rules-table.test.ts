import { describe, expect, it } from 'vitest';
import { rulesTable } from './rules-table.js';

describe('rulesTable', () => {
  it('prints kubectl auth can-i --list: broken down, folded by resource, sorted by verbs', () => {
    const out = rulesTable({
      resourceRules: [
        { verbs: ['create'], apiGroups: ['authorization.k8s.io'], resources: ['selfsubjectaccessreviews', 'selfsubjectrulesreviews'] },
        { verbs: ['get', 'list'], apiGroups: [''], resources: ['pods'] },
        { verbs: ['delete'], apiGroups: [''], resources: ['pods'] },
        { verbs: ['get'], apiGroups: [''], resources: ['configmaps'], resourceNames: ['a', 'b'] },
      ],
      nonResourceRules: [{ verbs: ['get'], nonResourceURLs: ['/version', '/healthz'] }],
    });
    expect(out).toBe(
      [
        'Resources                                       Non-Resource URLs   Resource Names   Verbs',
        'selfsubjectaccessreviews.authorization.k8s.io   []                  []               [create]',
        'selfsubjectrulesreviews.authorization.k8s.io    []                  []               [create]',
        'pods                                            []                  []               [get list delete]',
        '                                                [/healthz]          []               [get]',
        '                                                [/version]          []               [get]',
        'configmaps                                      []                  [a]              [get]',
        'configmaps                                      []                  [b]              [get]',
        '',
      ].join('\n'),
    );
  });
});
