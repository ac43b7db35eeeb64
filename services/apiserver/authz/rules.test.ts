import { describe, expect, it } from 'vitest';
import type { PolicyRule } from '../../../lib/api/generated/index.js';
import { nonResourceAttributes, resourceAttributes, type Attributes } from './attributes.js';
import { ruleAllows } from './rules.js';

const user = { name: 'jane', groups: [] };
const req = (verb: string, resource: string, opts: { group?: string; sub?: string; name?: string } = {}): Attributes =>
  resourceAttributes(user, verb, { apiGroup: opts.group ?? '', resource, subresource: opts.sub ?? '', namespace: 'dev', name: opts.name ?? '' });

describe('ruleAllows', () => {
  const cases: [string, PolicyRule, Attributes, boolean][] = [
    ['verb listed', { verbs: ['get', 'list'], apiGroups: [''], resources: ['pods'] }, req('list', 'pods'), true],
    ['verb not listed', { verbs: ['get'], apiGroups: [''], resources: ['pods'] }, req('delete', 'pods'), false],
    ['verb *', { verbs: ['*'], apiGroups: [''], resources: ['pods'] }, req('deletecollection', 'pods'), true],
    ['other group', { verbs: ['get'], apiGroups: ['apps'], resources: ['pods'] }, req('get', 'pods'), false],
    ['group *', { verbs: ['get'], apiGroups: ['*'], resources: ['deployments'] }, req('get', 'deployments', { group: 'apps' }), true],
    ['resource *', { verbs: ['get'], apiGroups: [''], resources: ['*'] }, req('get', 'secrets'), true],
    ['resource * covers subresources', { verbs: ['get'], apiGroups: [''], resources: ['*'] }, req('get', 'pods', { sub: 'log' }), true],
    ['resource does not cover its subresource', { verbs: ['get'], apiGroups: [''], resources: ['pods'] }, req('get', 'pods', { sub: 'log' }), false],
    ['resource/subresource', { verbs: ['get'], apiGroups: [''], resources: ['pods/log'] }, req('get', 'pods', { sub: 'log' }), true],
    ['subresource is not its resource', { verbs: ['get'], apiGroups: [''], resources: ['pods/log'] }, req('get', 'pods'), false],
    ['*/subresource', { verbs: ['update'], apiGroups: ['*'], resources: ['*/scale'] }, req('update', 'deployments', { group: 'apps', sub: 'scale' }), true],
    ['resourceNames match', { verbs: ['get'], apiGroups: [''], resources: ['configmaps'], resourceNames: ['a'] }, req('get', 'configmaps', { name: 'a' }), true],
    ['resourceNames other name', { verbs: ['get'], apiGroups: [''], resources: ['configmaps'], resourceNames: ['a'] }, req('get', 'configmaps', { name: 'b' }), false],
    ['resourceNames and no name (list)', { verbs: ['list'], apiGroups: [''], resources: ['configmaps'], resourceNames: ['a'] }, req('list', 'configmaps'), false],
    ['resource rule and a URL', { verbs: ['get'], apiGroups: ['*'], resources: ['*'] }, nonResourceAttributes(user, 'get', '/version'), false],
    ['URL exact', { verbs: ['get'], nonResourceURLs: ['/version'] }, nonResourceAttributes(user, 'get', '/version'), true],
    ['URL exact, other path', { verbs: ['get'], nonResourceURLs: ['/version'] }, nonResourceAttributes(user, 'get', '/version/x'), false],
    ['URL trailing *', { verbs: ['get'], nonResourceURLs: ['/healthz*'] }, nonResourceAttributes(user, 'get', '/healthz/etcd'), true],
    ['URL *', { verbs: ['get'], nonResourceURLs: ['*'] }, nonResourceAttributes(user, 'get', '/metrics'), true],
    ['URL rule and a resource', { verbs: ['get'], nonResourceURLs: ['*'] }, req('get', 'pods'), false],
  ];
  it.each(cases)('%s', (_name, rule, attrs, allowed) => {
    expect(ruleAllows(attrs, rule)).toBe(allowed);
  });
});
