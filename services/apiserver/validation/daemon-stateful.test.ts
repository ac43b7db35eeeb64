import { describe, expect, it } from 'vitest';
import { container, createErrors, defaulted, type Json, statusErrors, updateErrors } from './test-support.js';

const podTemplate = (labels: Json = { app: 'web' }, spec: Json = {}): Json => ({ metadata: { labels }, spec: { containers: [container()], ...spec } });
const selector = { matchLabels: { app: 'web' } };

function ds(spec: Json = {}): Json {
  return { apiVersion: 'apps/v1', kind: 'DaemonSet', metadata: { name: 'agent' }, spec: { selector, template: podTemplate(), ...spec } };
}
function withoutSelector(manifest: Json): Json {
  const { selector: _selector, ...spec } = manifest.spec as Json;
  return { ...manifest, spec };
}
function sts(spec: Json = {}): Json {
  return { apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: { name: 'web' }, spec: { selector, serviceName: 'web', template: podTemplate(), ...spec } };
}
const claim = (name: string, extra: Json = {}): Json => ({
  metadata: { name },
  spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } }, ...extra },
});

describe('DaemonSet', () => {
  it('defaults a rolling update of one node at a time and ten revisions', () => {
    const { object } = defaulted(ds());
    expect((object as { spec: Json }).spec).toMatchObject({
      updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: { intVal: 1 }, maxSurge: { intVal: 0 } } },
      revisionHistoryLimit: 10,
    });
  });

  it.each<[string, Json, string[]]>([
    ['a minimal daemon set', ds(), []],
    ['OnDelete', ds({ updateStrategy: { type: 'OnDelete' } }), []],
    ['a surge instead of unavailability', ds({ updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0, maxSurge: '10%' } } }), []],
    [
      'no selector, which matches nothing',
      withoutSelector(ds()),
      ['spec.selector: Required value', 'spec.template.metadata.labels: Invalid value: {"app":"web"}: `selector` does not match template `labels`'],
    ],
    ['an empty selector', ds({ selector: {} }), ['spec.selector: Invalid value: {}: empty selector is invalid for daemonset']],
    [
      'a selector that does not match the template',
      ds({ selector: { matchLabels: { app: 'db' } } }),
      ['spec.template.metadata.labels: Invalid value: {"app":"web"}: `selector` does not match template `labels`'],
    ],
    [
      'a template that does not restart',
      ds({ template: podTemplate({ app: 'web' }, { restartPolicy: 'Never' }) }),
      ['spec.template.spec.restartPolicy: Unsupported value: "Never": supported values: "Always"'],
    ],
    ['an unknown strategy', ds({ updateStrategy: { type: 'Recreate' } }), ['spec.updateStrategy.type: Unsupported value: "Recreate": supported values: "OnDelete", "RollingUpdate"']],
    [
      'both surge and unavailability',
      ds({ updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1, maxSurge: 1 } } }),
      ['spec.updateStrategy.rollingUpdate.maxSurge: Invalid value: 1: may not be set when maxUnavailable is non-zero'],
    ],
    [
      'neither surge nor unavailability',
      ds({ updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0, maxSurge: 0 } } }),
      ['spec.updateStrategy.rollingUpdate.maxUnavailable: Required value: cannot be 0 when maxSurge is 0'],
    ],
    [
      'more than everything unavailable',
      ds({ updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '150%' } } }),
      ['spec.updateStrategy.rollingUpdate.maxUnavailable: Invalid value: "150%": must not be greater than 100%'],
    ],
    ['negative minReadySeconds', ds({ minReadySeconds: -1 }), ['spec.minReadySeconds: Invalid value: -1: must be greater than or equal to 0']],
  ])('%s', (_name, manifest, expected) => {
    expect(createErrors(manifest)).toEqual(expected);
  });

  it('keeps its selector', () => {
    const changed = ds({ selector: { matchLabels: { app: 'web', v: '2' } }, template: podTemplate({ app: 'web', v: '2' }) });
    expect(updateErrors(changed, ds())).toEqual(['spec.selector: Invalid value: {"matchLabels":{"app":"web","v":"2"}}: field is immutable']);
    expect(updateErrors(ds({ template: podTemplate({ app: 'web', v: '2' }) }), ds())).toEqual([]);
  });

  it('refuses negative counts in status', () => {
    expect(statusErrors({ ...ds(), status: { numberReady: -1 } }, ds())).toEqual(['status.numberReady: Invalid value: -1: must be greater than or equal to 0']);
  });
});

describe('StatefulSet', () => {
  it('defaults ordered pods, a rolling update from ordinal 0 and retained claims', () => {
    const { object } = defaulted(sts({ volumeClaimTemplates: [claim('data')] }));
    expect((object as { spec: Json }).spec).toMatchObject({
      replicas: 1,
      podManagementPolicy: 'OrderedReady',
      updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 0 } },
      persistentVolumeClaimRetentionPolicy: { whenDeleted: 'Retain', whenScaled: 'Retain' },
      revisionHistoryLimit: 10,
      volumeClaimTemplates: [{ spec: { volumeMode: 'Filesystem' }, status: { phase: 'Pending' } }],
    });
  });

  it.each<[string, Json, string[]]>([
    ['a minimal stateful set', sts(), []],
    [
      'a mount of a claim template',
      sts({ volumeClaimTemplates: [claim('data')], template: podTemplate({ app: 'web' }, { containers: [container({ volumeMounts: [{ name: 'data', mountPath: '/data' }] })] }) }),
      [],
    ],
    [
      'a mount of nothing',
      sts({ template: podTemplate({ app: 'web' }, { containers: [container({ volumeMounts: [{ name: 'data', mountPath: '/data' }] })] }) }),
      ['spec.template.spec.containers[0].volumeMounts[0].name: Not found: "data"'],
    ],
    ['Parallel pods', sts({ podManagementPolicy: 'Parallel' }), []],
    ['an unknown pod management policy', sts({ podManagementPolicy: 'Random' }), ["spec.podManagementPolicy: Invalid value: \"Random\": must be 'OrderedReady' or 'Parallel'"]],
    ['an unknown strategy', sts({ updateStrategy: { type: 'Recreate' } }), ["spec.updateStrategy: Invalid value: \"Recreate\": must be 'RollingUpdate' or 'OnDelete'"]],
    [
      'a negative partition',
      sts({ updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: -1 } } }),
      ['spec.updateStrategy.rollingUpdate.partition: Invalid value: -1: must be greater than or equal to 0'],
    ],
    ['an empty selector', sts({ selector: {} }), ['spec.selector: Invalid value: {}: empty selector is invalid for statefulset']],
    [
      'a selector that does not match the template',
      sts({ selector: { matchLabels: { app: 'db' } } }),
      ['spec.template.metadata.labels: Invalid value: {"app":"web"}: `selector` does not match template `labels`'],
    ],
    ['a claim template without storage', sts({ volumeClaimTemplates: [claim('data', { resources: {} })] }), ['spec.volumeClaimTemplates[0].spec.resources[storage]: Required value']],
    ['a claim template without a name', sts({ volumeClaimTemplates: [claim('')] }), ['spec.volumeClaimTemplates[0].metadata.name: Required value']],
    ['negative replicas', sts({ replicas: -1 }), ['spec.replicas: Invalid value: -1: must be greater than or equal to 0']],
    ['a service name that is no DNS label', sts({ serviceName: 'Web_1' }), [expect.stringContaining('spec.serviceName: Invalid value: "Web_1"')] as unknown as string[]],
  ])('%s', (_name, manifest, expected) => {
    expect(createErrors(manifest)).toEqual(expected);
  });

  it('lets replicas, template and update strategy change, nothing else', () => {
    expect(updateErrors(sts({ replicas: 3, template: podTemplate({ app: 'web', v: '2' }), updateStrategy: { type: 'OnDelete' } }), sts())).toEqual([]);
    expect(updateErrors(sts({ serviceName: 'other' }), sts())).toEqual([
      "spec: Forbidden: updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'persistentVolumeClaimRetentionPolicy', 'minReadySeconds' are forbidden",
    ]);
  });

  it('refuses status counts above status.replicas', () => {
    expect(statusErrors({ ...sts(), status: { replicas: 1, readyReplicas: 2, availableReplicas: 2 } }, sts())).toEqual([
      'status.readyReplicas: Invalid value: 2: cannot be greater than status.replicas',
    ]);
  });
});

describe('ControllerRevision', () => {
  const revision = (data?: Json): Json => ({ apiVersion: 'apps/v1', kind: 'ControllerRevision', metadata: { name: 'web-1' }, revision: 1, ...(data && { data }) });

  it('needs data, which never changes', () => {
    expect(createErrors(revision({ spec: { template: podTemplate() } }))).toEqual([]);
    expect(createErrors(revision())).toEqual(['data: Required value: data is mandatory']);
    expect(updateErrors(revision({ spec: { template: podTemplate({ app: 'db' }) } }), revision({ spec: { template: podTemplate() } }))).toEqual([
      expect.stringContaining('data: Invalid value:'),
    ]);
  });
});
