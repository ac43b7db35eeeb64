import { describe, expect, it } from 'vitest';
import { objectRef, parseResourceArgs, quotedRef, resolveType } from './resource-args.js';

const names = (args: string[], allowAll = true) =>
  parseResourceArgs(args, { verb: 'get', allowAll }).map((s) => [s.info.resource, s.names]);

describe('parseResourceArgs', () => {
  it('resolves plural, singular, kind and short names', () => {
    for (const t of ['po', 'pod', 'pods', 'Pod']) expect(resolveType(t).resource).toBe('pods');
    for (const [alias, resource] of [
      ['svc', 'services'],
      ['rc', 'replicationcontrollers'],
      ['rs', 'replicasets'],
      ['deploy', 'deployments'],
      ['no', 'nodes'],
      ['ns', 'namespaces'],
      ['ep', 'endpoints'],
      ['cm', 'configmaps'],
      ['ev', 'events'],
      ['lease', 'leases'],
      ['hpa', 'horizontalpodautoscalers'],
      ['deployments.apps', 'deployments'],
    ]) {
      expect(resolveType(alias!).resource).toBe(resource);
    }
  });

  it('reads TYPE NAME... and several types at once', () => {
    expect(names(['rc', 'mysql', 'myweb'])).toEqual([['replicationcontrollers', ['mysql', 'myweb']]]);
    expect(names(['rc,svc'])).toEqual([
      ['replicationcontrollers', []],
      ['services', []],
    ]);
    expect(names(['rc,svc', 'mysql'])).toEqual([
      ['replicationcontrollers', ['mysql']],
      ['services', ['mysql']],
    ]);
  });

  it('reads TYPE/NAME arguments, grouped per type in order', () => {
    expect(names(['svc/mysql', 'rc/mysql', 'svc/myweb'])).toEqual([
      ['services', ['mysql', 'myweb']],
      ['replicationcontrollers', ['mysql']],
    ]);
  });

  it('expands all to kubectl\'s category and drops duplicates', () => {
    expect(names(['all']).map(([r]) => r)).toEqual([
      'pods',
      'replicationcontrollers',
      'services',
      'daemonsets',
      'deployments',
      'replicasets',
      'statefulsets',
      'horizontalpodautoscalers',
    ]);
    expect(names(['pods,all']).filter(([r]) => r === 'pods')).toHaveLength(1);
  });

  it('fails like kubectl', () => {
    expect(() => names(['podz'])).toThrow(`the server doesn't have a resource type "podz"`);
    expect(() => names(['svc/'])).toThrow('arguments in resource/name form must have a single resource and name');
    expect(() => names(['svc', 'rc/mysql'])).toThrow('there is no need to specify a resource type as a separate argument');
    expect(() => names([])).toThrow('You must specify the type of resource to get.');
    expect(() => names(['all'], false)).toThrow(`the server doesn't have a resource type "all"`);
  });
});

describe('object references', () => {
  it('qualifies grouped kinds', () => {
    expect(objectRef(resolveType('rc'), 'mysql')).toBe('replicationcontroller/mysql');
    expect(objectRef(resolveType('deploy'), 'web')).toBe('deployment.apps/web');
    expect(quotedRef(resolveType('po'), 'x')).toBe('pod "x"');
    expect(quotedRef(resolveType('hpa'), 'x')).toBe('horizontalpodautoscaler.autoscaling "x"');
  });
});
