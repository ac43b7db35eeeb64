import { describe, expect, it } from 'vitest';
import { createErrors, type Json, updateErrors } from './test-support.js';

function quota(spec: Json): Json {
  return { apiVersion: 'v1', kind: 'ResourceQuota', metadata: { name: 'compute' }, spec };
}
function limitRange(...limits: Json[]): Json {
  return { apiVersion: 'v1', kind: 'LimitRange', metadata: { name: 'limits' }, spec: { limits } };
}

describe('ResourceQuota', () => {
  it.each<[string, Json, string[]]>([
    ['counts, compute and count/<resource>.<group>', quota({ hard: { pods: '10', 'requests.cpu': '2', 'limits.memory': '2Gi', 'count/deployments.apps': '3' } }), []],
    ['a negative amount', quota({ hard: { 'requests.cpu': '-1' } }), ['spec.hard[requests.cpu]: Invalid value: "-1": must be greater than or equal to 0']],
    ['a fractional count', quota({ hard: { pods: '1500m' } }), ['spec.hard[pods]: Invalid value: "1500m": must be an integer']],
    ['an unknown plain name', quota({ hard: { bananas: '1' } }), ['spec.hard[bananas]: Invalid value: "bananas": must be a standard resource type or fully qualified', 'spec.hard[bananas]: Invalid value: "bananas": must be a standard resource for quota']],
    ['a malformed amount', quota({ hard: { pods: 'ten' } }), [expect.stringMatching(/^spec\.hard\[pods\]: Invalid value: "ten": quantities must match/)] as unknown as string[]],
    ['scopes with pod resources', quota({ hard: { pods: '5', 'requests.cpu': '1' }, scopes: ['NotBestEffort', 'NotTerminating'] }), []],
    ['BestEffort with compute', quota({ hard: { 'requests.cpu': '1' }, scopes: ['BestEffort'] }), ['spec.scopes: Invalid value: ["BestEffort"]: unsupported scope applied to resource']],
    ['a scope with services', quota({ hard: { services: '1' }, scopes: ['Terminating'] }), ['spec.scopes: Invalid value: ["Terminating"]: unsupported scope applied to resource']],
    ['conflicting scopes', quota({ hard: { pods: '1' }, scopes: ['BestEffort', 'NotBestEffort'] }), ['spec.scopes: Invalid value: ["BestEffort","NotBestEffort"]: conflicting scopes']],
    ['an unknown scope', quota({ hard: { pods: '1' }, scopes: ['Sometimes'] }), ['spec.scopes: Invalid value: ["Sometimes"]: unsupported scope']],
    [
      'a priority class selector without values',
      quota({ hard: { pods: '1' }, scopeSelector: { matchExpressions: [{ scopeName: 'PriorityClass', operator: 'In' }] } }),
      ["spec.scopeSelector.matchExpressions[0].values: Required value: must be at least one value when `operator` is 'In' or 'NotIn' for scope selector"],
    ],
  ])('%s', (_name, manifest, expected) => {
    expect(createErrors(manifest)).toEqual(expected);
  });

  it('keeps its scopes', () => {
    expect(updateErrors(quota({ hard: { pods: '2' }, scopes: ['BestEffort'] }), quota({ hard: { pods: '1' }, scopes: ['BestEffort'] }))).toEqual([]);
    expect(updateErrors(quota({ hard: { pods: '1' }, scopes: ['NotBestEffort'] }), quota({ hard: { pods: '1' }, scopes: ['BestEffort'] }))).toEqual([
      'spec.scopes: Invalid value: ["NotBestEffort"]: field is immutable',
    ]);
  });
});

describe('LimitRange', () => {
  it.each<[string, Json, string[]]>([
    ['container bounds with defaults', limitRange({ type: 'Container', min: { cpu: '100m' }, max: { cpu: '1' }, default: { cpu: '500m' }, defaultRequest: { cpu: '200m' }, maxLimitRequestRatio: { cpu: '4' } }), []],
    ['min above max', limitRange({ type: 'Container', min: { cpu: '2' }, max: { cpu: '1' } }), [
      'spec.limits[0].min[cpu]: Invalid value: "2": min value 2 is greater than max value 1',
      // max becomes the default limit and the default request: both then sit below min.
      'spec.limits[0].defaultRequest[cpu]: Invalid value: "1": min value 2 is greater than default request value 1',
      'spec.limits[0].default[cpu]: Invalid value: "2": min value 2 is greater than default value 1',
    ]],
    ['a default above max', limitRange({ type: 'Container', max: { memory: '1Gi' }, default: { memory: '2Gi' } }), [
      // The default request comes from the default limit.
      'spec.limits[0].defaultRequest[memory]: Invalid value: "2Gi": default request value 2Gi is greater than max value 1Gi',
      'spec.limits[0].default[memory]: Invalid value: "1Gi": default value 2Gi is greater than max value 1Gi',
    ]],
    ['a default request above the default', limitRange({ type: 'Container', default: { cpu: '1' }, defaultRequest: { cpu: '2' } }), [
      'spec.limits[0].defaultRequest[cpu]: Invalid value: "2": default request value 2 is greater than default limit value 1',
    ]],
    ['a ratio below 1', limitRange({ type: 'Container', maxLimitRequestRatio: { cpu: '500m' } }), ['spec.limits[0].maxLimitRequestRatio[cpu]: Invalid value: "500m": ratio 500m is less than 1']],
    ['defaults on a Pod item', limitRange({ type: 'Pod', max: { cpu: '2' }, default: { cpu: '1' } }), ["spec.limits[0].default: Forbidden: may not be specified when `type` is 'Pod'"]],
    ['a claim item without storage bounds', limitRange({ type: 'PersistentVolumeClaim', max: { cpu: '1' } }), [
      'spec.limits[0].limits: Required value: either minimum or maximum storage value is required, but neither was provided',
    ]],
    ['a type twice', limitRange({ type: 'Pod', max: { cpu: '2' } }, { type: 'Pod', max: { cpu: '3' } }), ['spec.limits[1].type: Duplicate value: "Pod"']],
    ['a negative max', limitRange({ type: 'Container', max: { cpu: '-1' } }), [
      'spec.limits[0].max[cpu]: Invalid value: "-1": must be greater than or equal to 0',
      'spec.limits[0].default[cpu]: Invalid value: "-1": must be greater than or equal to 0',
      'spec.limits[0].defaultRequest[cpu]: Invalid value: "-1": must be greater than or equal to 0',
    ]],
  ])('%s', (_name, manifest, expected) => {
    expect(createErrors(manifest)).toEqual(expected);
  });
});
