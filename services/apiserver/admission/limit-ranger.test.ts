import { describe, expect, it } from 'vitest';
import { ApiError } from '../../../lib/api/errors.js';
import type { LimitRange, LimitRangeItem, PersistentVolumeClaim, Pod } from '../../../lib/api/generated/index.js';
import { defaultLimitRange } from '../defaults/quota.js';
import { LIMIT_RANGER_ANNOTATION, LimitRanger } from './limit-ranger.js';

function ranger(...items: LimitRangeItem[]): LimitRanger {
  const range: LimitRange = { metadata: { name: 'limits', namespace: 'default' }, spec: { limits: items } };
  defaultLimitRange(range);
  return new LimitRanger(async (ns) => (ns === 'default' ? [range] : []));
}

function pod(...containers: { requests?: Record<string, string>; limits?: Record<string, string> }[]): Pod {
  return {
    metadata: { name: 'x', namespace: 'default' },
    spec: { containers: containers.map((resources, i) => ({ name: i === 0 ? 'nginx' : `c${i}`, image: 'nginx', resources })) },
  };
}

async function refusal(promise: Promise<unknown> | undefined): Promise<string> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof ApiError && err.reason === 'Forbidden') return err.message;
    throw err;
  }
  throw new Error('admitted');
}

describe('LimitRanger', () => {
  it('fills in default requests and limits, and says so in an annotation', async () => {
    const p = pod({}, { requests: { cpu: '100m' } });
    await ranger({ type: 'Container', default: { cpu: '500m', memory: '256Mi' }, defaultRequest: { cpu: '250m' } }).pods.admit!('create', p);
    expect(p.spec!.containers![0]!.resources).toEqual({ requests: { cpu: '250m', memory: '256Mi' }, limits: { cpu: '500m', memory: '256Mi' } });
    expect(p.spec!.containers![1]!.resources).toEqual({ requests: { cpu: '100m', memory: '256Mi' }, limits: { cpu: '500m', memory: '256Mi' } });
    expect(p.metadata!.annotations![LIMIT_RANGER_ANNOTATION]).toBe(
      'LimitRanger plugin set: cpu, memory request for container nginx; cpu, memory limit for container nginx; memory request for container c1; cpu, memory limit for container c1',
    );
  });

  it('a max alone becomes the default limit and request', async () => {
    const p = pod({});
    await ranger({ type: 'Container', max: { cpu: '1' } }).pods.admit!('create', p);
    expect(p.spec!.containers![0]!.resources).toEqual({ requests: { cpu: '1' }, limits: { cpu: '1' } });
  });

  it.each<[string, LimitRangeItem, Pod, string]>([
    ['a container over max', { type: 'Container', max: { cpu: '1' } }, pod({ limits: { cpu: '2' } }), 'pods "x" is forbidden: maximum cpu usage per Container is 1, but limit is 2'],
    ['a container under min', { type: 'Container', min: { memory: '64Mi' } }, pod({ requests: { memory: '32Mi' } }), 'pods "x" is forbidden: minimum memory usage per Container is 64Mi, but request is 32Mi'],
    [
      'a container over the limit/request ratio',
      { type: 'Container', maxLimitRequestRatio: { cpu: '2' } },
      pod({ requests: { cpu: '250m' }, limits: { cpu: '1' } }),
      'pods "x" is forbidden: cpu max limit to request ratio per Container is 2, but provided ratio is 4.000000',
    ],
    [
      'a pod over max as a whole',
      { type: 'Pod', max: { cpu: '1' } },
      pod({ limits: { cpu: '600m' } }, { limits: { cpu: '600m' } }),
      'pods "x" is forbidden: maximum cpu usage per Pod is 1, but limit is 1200m',
    ],
    ['a pod without the limit a Pod max needs', { type: 'Pod', max: { memory: '1Gi' } }, pod({}), 'pods "x" is forbidden: maximum memory usage per Pod is 1Gi.  No limit is specified'],
    [
      'several violations at once',
      { type: 'Container', max: { cpu: '1', memory: '1Gi' } },
      pod({ limits: { cpu: '2', memory: '2Gi' } }),
      'pods "x" is forbidden: [maximum cpu usage per Container is 1, but limit is 2, maximum memory usage per Container is 1Gi, but limit is 2Gi]',
    ],
  ])('refuses %s', async (_name, item, p, message) => {
    expect(await refusal(ranger(item).pods.admit!('create', p))).toBe(message);
  });

  it('leaves pod updates and other namespaces alone', async () => {
    const over = pod({ limits: { cpu: '2' } });
    await ranger({ type: 'Container', max: { cpu: '1' } }).pods.admit!('update', over, over);
    await ranger({ type: 'Container', max: { cpu: '1' } }).pods.admit!('create', { ...over, metadata: { name: 'x', namespace: 'other' } });
  });

  it('holds claims to the storage bounds on create and update', async () => {
    const claims = ranger({ type: 'PersistentVolumeClaim', min: { storage: '1Gi' }, max: { storage: '10Gi' } }).claims;
    const claim = (storage: string): PersistentVolumeClaim => ({ metadata: { name: 'data', namespace: 'default' }, spec: { resources: { requests: { storage } } } });
    await claims.admit!('create', claim('5Gi'));
    expect(await refusal(claims.admit!('create', claim('20Gi')))).toBe('persistentvolumeclaims "data" is forbidden: maximum storage usage per PersistentVolumeClaim is 10Gi, but request is 20Gi');
    expect(await refusal(claims.admit!('update', claim('500Mi'), claim('5Gi')))).toBe(
      'persistentvolumeclaims "data" is forbidden: minimum storage usage per PersistentVolumeClaim is 1Gi, but request is 500Mi',
    );
  });
});
