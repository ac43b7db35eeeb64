import { describe, expect, it } from 'vitest';
import { DecodeError, decodeManifest } from './json.js';

function problemsOf(doc: object): string[] {
  try {
    decodeManifest(doc);
  } catch (err) {
    if (err instanceof DecodeError) return err.problems;
    throw err;
  }
  return [];
}

const rc = (spec: object): object => ({ apiVersion: 'v1', kind: 'ReplicationController', metadata: { name: 'rc' }, spec });
const pod = (container: object, spec: object = {}): object => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'p' },
  spec: { containers: [{ name: 'c', image: 'busybox:1.36', ...container }], ...spec },
});

describe('integers from JSON', () => {
  const cases: [string, object, string][] = [
    ['an int32 above 2^32', rc({ replicas: 4294967299 }), 'spec.replicas: Invalid value: 4294967299: must be a 32-bit integer'],
    ['an int32 of 2^40', rc({ replicas: 2 ** 40 }), 'spec.replicas: Invalid value: 1099511627776: must be a 32-bit integer'],
    ['a fraction', rc({ replicas: 1.5 }), 'spec.replicas: Invalid value: 1.5: must be an integer'],
    ['NaN', rc({ replicas: NaN }), 'spec.replicas: Invalid value: NaN: must be an integer'],
    ['a string', rc({ replicas: '3' }), 'spec.replicas: Invalid value: "3": expected integer, got string'],
    ['a list port beyond int32', pod({ ports: [{ containerPort: 80 }, { containerPort: 2 ** 32 + 80 }] }), 'spec.containers[0].ports[1].containerPort: Invalid value: 4294967376: must be a 32-bit integer'],
    [
      'an int64 beyond 2^53',
      pod({}, { terminationGracePeriodSeconds: 1e30 }),
      'spec.terminationGracePeriodSeconds: Invalid value: 1e+30: must be an integer between -9007199254740991 and 9007199254740991',
    ],
    [
      'an int64 that lost precision',
      pod({}, { activeDeadlineSeconds: 2 ** 53 }),
      'spec.activeDeadlineSeconds: Invalid value: 9007199254740992: must be an integer between -9007199254740991 and 9007199254740991',
    ],
  ];
  it.each(cases)('refuses %s naming the path and the rule', (_, doc, problem) => {
    expect(problemsOf(doc)).toEqual([problem]);
  });

  it('keeps the largest values each type holds', () => {
    expect(problemsOf(rc({ replicas: 2 ** 31 - 1 }))).toEqual([]);
    expect(problemsOf(rc({ replicas: -(2 ** 31) }))).toEqual([]);
    expect(problemsOf(pod({}, { activeDeadlineSeconds: Number.MAX_SAFE_INTEGER }))).toEqual([]);
  });

  it('refuses an IntOrString number beyond int32', () => {
    const svc = { apiVersion: 'v1', kind: 'Service', metadata: { name: 's' }, spec: { ports: [{ port: 80, targetPort: 2 ** 33 }] } };
    expect(problemsOf(svc)).toEqual(['spec.ports[0].targetPort: Invalid value: 8589934592: must be a 32-bit integer']);
  });
});

describe('quantities from JSON', () => {
  it('reads numbers as the quantity they spell', () => {
    const { object } = decodeManifest(pod({ resources: { limits: { cpu: 1, memory: 128 }, requests: { cpu: 0.5 } } }));
    expect((object as { spec: { containers: { resources: unknown }[] } }).spec.containers[0]!.resources).toEqual({
      limits: { cpu: '1', memory: '128' },
      requests: { cpu: '0.5' },
    });
  });

  it('still refuses numbers in other string maps, naming the key', () => {
    expect(problemsOf({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' }, data: { a: 1 } })).toEqual([
      'data[a]: Invalid value: 1: expected string, got number',
    ]);
  });
});
