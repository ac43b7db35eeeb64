import { describe, expect, it } from 'vitest';
import { container, createErrors, type Json, statusErrors, updateErrors } from './test-support.js';

const podTemplate = (labels: Json = { app: 'web' }, spec: Json = {}): Json => ({ metadata: { labels }, spec: { containers: [container()], ...spec } });

function rc(spec: Json): Json {
  return { apiVersion: 'v1', kind: 'ReplicationController', metadata: { name: 'web' }, spec };
}
function rs(spec: Json): Json {
  return { apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name: 'web' }, spec };
}
function deployment(spec: Json): Json {
  return { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web' }, spec: { selector: { matchLabels: { app: 'web' } }, template: podTemplate(), ...spec } };
}

const MISMATCH = '`selector` does not match template `labels`';

describe('ReplicationController', () => {
  it.each<[string, Json, string[]]>([
    ['selector and labels from the template', rc({ replicas: 2, template: podTemplate() }), []],
    ['an explicit matching selector', rc({ selector: { app: 'web' }, template: podTemplate({ app: 'web', tier: 'fe' }) }), []],
    ['zero replicas', rc({ replicas: 0, template: podTemplate() }), []],
    [
      'a selector that does not match',
      rc({ selector: { app: 'db' }, template: podTemplate() }),
      [`spec.template.metadata.labels: Invalid value: {"app":"web"}: ${MISMATCH}`],
    ],
    ['no selector and no template labels', rc({ template: podTemplate({}) }), ['spec.selector: Required value']],
    ['no template', rc({ selector: { app: 'web' } }), ['spec.template: Required value']],
    ['negative replicas', rc({ replicas: -1, template: podTemplate() }), ['spec.replicas: Invalid value: -1: must be greater than or equal to 0']],
    [
      'a template that does not restart',
      rc({ template: podTemplate({ app: 'web' }, { restartPolicy: 'OnFailure' }) }),
      ['spec.template.spec.restartPolicy: Unsupported value: "OnFailure": supported values: "Always"'],
    ],
    [
      'a template with a deadline',
      rc({ template: podTemplate({ app: 'web' }, { activeDeadlineSeconds: 10 }) }),
      ['spec.template.spec.activeDeadlineSeconds: Forbidden: activeDeadlineSeconds in ReplicationController is not Supported'],
    ],
    ['a template container without image', rc({ template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'app' }] } } }), [
      'spec.template.spec.containers[0].image: Required value',
    ]],
  ])('%s', (_name, manifest, expected) => {
    expect(createErrors(manifest)).toEqual(expected);
  });

  it('lets the selector change on update', () => {
    expect(updateErrors(rc({ selector: { app: 'web', v: '2' }, template: podTemplate({ app: 'web', v: '2' }) }), rc({ template: podTemplate() }))).toEqual([]);
  });

  it.each<[string, Json, string[]]>([
    ['consistent counts', { replicas: 3, readyReplicas: 2, availableReplicas: 1 }, []],
    ['more ready than exist', { replicas: 1, readyReplicas: 2, availableReplicas: 2 }, [
      'status.readyReplicas: Invalid value: 2: cannot be greater than status.replicas',
      'status.availableReplicas: Invalid value: 2: cannot be greater than status.replicas',
    ]],
    [
      'negative replicas',
      { replicas: -1 },
      [
        'status.replicas: Invalid value: -1: must be greater than or equal to 0',
        'status.fullyLabeledReplicas: Invalid value: 0: cannot be greater than status.replicas',
        'status.readyReplicas: Invalid value: 0: cannot be greater than status.replicas',
        'status.availableReplicas: Invalid value: 0: cannot be greater than status.replicas',
      ],
    ],
  ])('status: %s', (_name, status, expected) => {
    const manifest = rc({ template: podTemplate() });
    expect(statusErrors({ ...manifest, status }, manifest)).toEqual(expected);
  });
});

describe('ReplicaSet', () => {
  it.each<[string, Json, string[]]>([
    ['a set-based selector', rs({ selector: { matchExpressions: [{ key: 'app', operator: 'In', values: ['web', 'api'] }] }, template: podTemplate() }), []],
    [
      'no selector',
      rs({ template: podTemplate() }),
      ['spec.selector: Required value', `spec.template.metadata.labels: Invalid value: {"app":"web"}: ${MISMATCH}`],
    ],
    ['an empty selector', rs({ selector: {}, template: podTemplate() }), ['spec.selector: Invalid value: {}: empty selector is invalid for deployment']],
    [
      'an unknown operator',
      rs({ selector: { matchExpressions: [{ key: 'app', operator: 'Near', values: ['web'] }] }, template: podTemplate() }),
      [
        'spec.selector.matchExpressions[0].operator: Invalid value: "Near": not a valid selector operator',
        'spec.selector: Invalid value: {"matchExpressions":[{"key":"app","operator":"Near","values":["web"]}]}: invalid label selector',
      ],
    ],
    [
      'a selector that does not match',
      rs({ selector: { matchLabels: { app: 'db' } }, template: podTemplate() }),
      [`spec.template.metadata.labels: Invalid value: {"app":"web"}: ${MISMATCH}`],
    ],
    [
      'a template with a deadline',
      rs({ selector: { matchLabels: { app: 'web' } }, template: podTemplate({ app: 'web' }, { activeDeadlineSeconds: 10 }) }),
      ['spec.template.spec.activeDeadlineSeconds: Forbidden: activeDeadlineSeconds in ReplicaSet is not Supported'],
    ],
  ])('%s', (_name, manifest, expected) => {
    expect(createErrors(manifest)).toEqual(expected);
  });

  it('keeps its selector', () => {
    const old = rs({ selector: { matchLabels: { app: 'web' } }, template: podTemplate() });
    expect(updateErrors(rs({ selector: { matchLabels: { app: 'web' } }, replicas: 5, template: podTemplate() }), old)).toEqual([]);
    expect(updateErrors(rs({ selector: { matchLabels: { app: 'web', v: '2' } }, template: podTemplate({ app: 'web', v: '2' }) }), old)).toEqual([
      'spec.selector: Invalid value: {"matchLabels":{"app":"web","v":"2"}}: field is immutable',
    ]);
  });
});

describe('Deployment', () => {
  const percentMsg = "a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')";
  const rolling = (rollingUpdate: Json): Json => deployment({ strategy: { type: 'RollingUpdate', rollingUpdate } });

  it.each<[string, Json, string[]]>([
    ['the defaults', deployment({}), []],
    ['Recreate', deployment({ strategy: { type: 'Recreate' } }), []],
    ['absolute numbers', rolling({ maxUnavailable: 1, maxSurge: 0 }), []],
    ['a bad percentage', rolling({ maxUnavailable: 'abc' }), [`spec.strategy.rollingUpdate.maxUnavailable: Invalid value: "abc": ${percentMsg}`]],
    ['nothing may move', rolling({ maxUnavailable: 0, maxSurge: '0%' }), ['spec.strategy.rollingUpdate.maxUnavailable: Invalid value: 0: may not be 0 when `maxSurge` is 0']],
    ['over 100%', rolling({ maxUnavailable: '150%' }), ['spec.strategy.rollingUpdate.maxUnavailable: Invalid value: "150%": must not be greater than 100%']],
    ['a negative surge', rolling({ maxSurge: -1 }), ['spec.strategy.rollingUpdate.maxSurge: Invalid value: -1: must be greater than or equal to 0']],
    [
      'Recreate with rolling parameters',
      deployment({ strategy: { type: 'Recreate', rollingUpdate: { maxSurge: 1 } } }),
      ["spec.strategy.rollingUpdate: Forbidden: may not be specified when strategy `type` is 'Recreate'"],
    ],
    ['an unknown strategy', deployment({ strategy: { type: 'BlueGreen' } }), ['spec.strategy: Unsupported value: {"type":"BlueGreen"}: supported values: "Recreate", "RollingUpdate"']],
    [
      'a deadline within minReadySeconds',
      deployment({ minReadySeconds: 30, progressDeadlineSeconds: 30 }),
      ['spec.progressDeadlineSeconds: Invalid value: 30: must be greater than minReadySeconds'],
    ],
    ['a negative history limit', deployment({ revisionHistoryLimit: -1 }), ['spec.revisionHistoryLimit: Invalid value: -1: must be greater than or equal to 0']],
    ['no selector', deployment({ selector: null }), ['spec.selector: Required value', `spec.template.metadata.labels: Invalid value: {"app":"web"}: ${MISMATCH}`]],
  ])('%s', (_name, manifest, expected) => {
    expect(createErrors(manifest)).toEqual(expected);
  });

  it('keeps its selector', () => {
    expect(updateErrors(deployment({ replicas: 3, template: podTemplate({ app: 'web', v: '2' }) }), deployment({}))).toEqual([]);
    expect(updateErrors(deployment({ selector: { matchLabels: { app: 'api' } }, template: podTemplate({ app: 'api' }) }), deployment({}))).toEqual([
      'spec.selector: Invalid value: {"matchLabels":{"app":"api"}}: field is immutable',
    ]);
  });

  it.each<[string, Json, Json, string[]]>([
    ['consistent counts', { replicas: 3, updatedReplicas: 3, readyReplicas: 3, availableReplicas: 3 }, {}, []],
    ['more available than ready', { replicas: 3, readyReplicas: 1, availableReplicas: 2 }, {}, ['status.availableReplicas: Invalid value: 2: cannot be greater than readyReplicas']],
    ['a decremented collision count', { collisionCount: 1 }, { collisionCount: 2 }, ['status.collisionCount: Invalid value: 1: cannot be decremented']],
  ])('status: %s', (_name, status, oldStatus, expected) => {
    expect(statusErrors({ ...deployment({}), status }, { ...deployment({}), status: oldStatus })).toEqual(expected);
  });
});
