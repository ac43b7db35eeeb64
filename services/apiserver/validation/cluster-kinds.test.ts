import { describe, expect, it } from 'vitest';
import { createErrors, DNS1123_LABEL_MSG, type Json, statusErrors, updateErrors } from './test-support.js';

describe('Node', () => {
  const node = (spec: Json = {}, status: Json = {}): Json => ({ apiVersion: 'v1', kind: 'Node', metadata: { name: 'n1' }, spec, status });
  const EFFECTS = 'supported values: "NoSchedule", "PreferNoSchedule", "NoExecute"';

  it.each<[string, Json, string[]]>([
    ['a node with taints and capacity', node({ taints: [{ key: 'dedicated', value: 'gpu', effect: 'NoSchedule' }] }, { capacity: { cpu: '4', memory: '8Gi', pods: '110' } }), []],
    // Kubernetes reports taints under metadata.
    ['an unknown taint effect', node({ taints: [{ key: 'k', effect: 'NoRun' }] }), [`metadata.taints[0].effect: Unsupported value: "NoRun": ${EFFECTS}`]],
    ['a taint without effect', node({ taints: [{ key: 'k' }] }), ['metadata.taints[0].effect: Required value']],
    [
      'the same taint twice',
      node({ taints: [{ key: 'k', effect: 'NoSchedule' }, { key: 'k', value: 'v', effect: 'NoSchedule' }] }),
      ['metadata.taints[1]: Duplicate value: {"key":"k","value":"v","effect":"NoSchedule"}: taints must be unique by key and effect pair'],
    ],
    // Allocatable defaults to capacity, so both report it.
    ['a fractional pod capacity', node({}, { capacity: { pods: '1.5' } }), [
      'status.capacity.pods: Invalid value: "1500m": must be an integer',
      'status.allocatable.pods: Invalid value: "1500m": must be an integer',
    ]],
    ['a malformed capacity', node({}, { capacity: { cpu: 'four' } }), [
      "status.capacity.cpu: Invalid value: \"four\": quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'",
      "status.allocatable.cpu: Invalid value: \"four\": quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'",
    ]],
    ['pod CIDRs that are CIDRs', node({ podCIDR: '10.244.1.0/24', podCIDRs: ['10.244.1.0/24', 'fd00:10:244:1::/64'] }), []],
    ['a pod CIDR that is not one', node({ podCIDR: 'nonsense', podCIDRs: ['10.244.1.0/33'] }), [
      'spec.podCIDR: Invalid value: "nonsense": must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)',
      'spec.podCIDRs[0]: Invalid value: "10.244.1.0/33": must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)',
    ]],
  ])('%s', (_name, manifest, expected) => {
    expect(createErrors(manifest)).toEqual(expected);
  });

  it('sets pod CIDRs and provider ID once', () => {
    expect(updateErrors(node({ podCIDRs: ['10.244.1.0/24'], providerID: 'kubets://n1', unschedulable: true }), node())).toEqual([]);
    expect(updateErrors(node({ podCIDRs: ['10.244.2.0/24'] }), node({ podCIDRs: ['10.244.1.0/24'] }))).toEqual([
      'spec.podCIDRs: Forbidden: node updates may not change podCIDR except from "" to valid',
    ]);
    expect(updateErrors(node({ providerID: 'b' }), node({ providerID: 'a' }))).toEqual([
      'spec.providerID: Forbidden: node updates may not change providerID except from "" to valid',
    ]);
  });

  it('validates status writes like updates', () => {
    expect(statusErrors(node({}, { capacity: { cpu: '-1' } }), node())).toEqual([
      'status.capacity.cpu: Invalid value: "-1": must be greater than or equal to 0',
      'status.allocatable.cpu: Invalid value: "-1": must be greater than or equal to 0',
    ]);
  });
});

describe('Namespace', () => {
  const namespace = (name: string, extra: Json = {}): Json => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name }, ...extra });

  it.each<[string, Json, string[]]>([
    ['development', namespace('development'), []],
    ['an upper-case name', namespace('Dev'), [`metadata.name: Invalid value: "Dev": ${DNS1123_LABEL_MSG}`]],
    // The name is also the value of the kubernetes.io/metadata.name label.
    ['a name over 63 characters', namespace('a'.repeat(64)), [
      `metadata.name: Invalid value: "${'a'.repeat(64)}": must be no more than 63 characters`,
      `metadata.labels: Invalid value: "${'a'.repeat(64)}": must be no more than 63 characters`,
    ]],
    [
      'an unqualified spec finalizer',
      namespace('dev', { spec: { finalizers: ['cleanup'] } }),
      ['spec.finalizers: Invalid value: "cleanup": name is neither a standard finalizer name nor is it fully qualified'],
    ],
  ])('%s', (_name, manifest, expected) => {
    expect(createErrors(manifest)).toEqual(expected);
  });

  it('is Active until deleted, then Terminating', () => {
    const ns = namespace('dev');
    expect(statusErrors({ ...ns, status: { phase: 'Active' } }, ns)).toEqual([]);
    expect(statusErrors({ ...ns, status: { phase: 'Terminating' } }, ns)).toEqual([
      "status.Phase: Invalid value: \"Terminating\": may only be 'Active' if `deletionTimestamp` is empty",
    ]);
    const deleting = namespace('dev', { metadata: { name: 'dev', deletionTimestamp: '2024-01-01T00:00:00Z' } });
    expect(statusErrors({ ...deleting, status: { phase: 'Terminating' } }, deleting)).toEqual([]);
  });
});

describe('Event', () => {
  const event = (extra: Json): Json => ({
    apiVersion: 'v1',
    kind: 'Event',
    metadata: { name: 'web.17a1', namespace: 'default' },
    reason: 'Scheduled',
    message: 'Successfully assigned default/web to n1',
    type: 'Normal',
    ...extra,
  });

  it.each<[string, Json, string[]]>([
    ['about a pod', event({ involvedObject: { kind: 'Pod', namespace: 'default', name: 'web' } }), []],
    ['about a node', event({ involvedObject: { kind: 'Node', name: 'n1' } }), []],
    ['about nothing', event({}), ['involvedObject: Required value']],
    [
      'in another namespace than its object',
      event({ involvedObject: { kind: 'Pod', namespace: 'other', name: 'web' } }),
      ['involvedObject.namespace: Invalid value: "other": does not match event.namespace'],
    ],
    [
      'a new-style event without reporting fields',
      event({ involvedObject: { kind: 'Pod', namespace: 'default', name: 'web' }, eventTime: '2024-01-01T00:00:00.000000Z' }),
      [
        'reportingComponent: Required value',
        'reportingComponent: Invalid value: "": name part must be non-empty',
        "reportingComponent: Invalid value: \"\": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')",
        'reportingInstance: Required value',
        'action: Required value',
      ],
    ],
  ])('%s', (_name, manifest, expected) => {
    expect(createErrors(manifest)).toEqual(expected);
  });
});

describe('Lease', () => {
  const lease = (spec: Json): Json => ({ apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name: 'kube-controller-manager', namespace: 'kube-system' }, spec });

  it.each<[string, Json, string[]]>([
    ['a held lease', lease({ holderIdentity: 'cm-1', leaseDurationSeconds: 15, leaseTransitions: 0 }), []],
    ['a zero duration', lease({ leaseDurationSeconds: 0 }), ['spec.leaseDurationSeconds: Invalid value: 0: must be greater than 0']],
    ['negative transitions', lease({ leaseTransitions: -1 }), ['spec.leaseTransitions: Invalid value: -1: must be greater than or equal to 0']],
  ])('%s', (_name, manifest, expected) => {
    expect(createErrors(manifest)).toEqual(expected);
  });
});

describe('PriorityClass', () => {
  const priorityClass = (name: string, extra: Json): Json => ({ apiVersion: 'scheduling.k8s.io/v1', kind: 'PriorityClass', metadata: { name }, ...extra });

  it.each<[string, Json, string[]]>([
    ['a user class', priorityClass('high', { value: 1000000, description: 'important' }), []],
    ['the highest user value', priorityClass('top', { value: 1000000000 }), []],
    ['above the user range', priorityClass('top', { value: 1000000001 }), ['value: Forbidden: maximum allowed value of a user defined priority is 1000000000']],
    ['a system class', priorityClass('system-cluster-critical', { value: 2000000000 }), []],
    [
      'a made-up system class',
      priorityClass('system-important', { value: 10 }),
      ["metadata.name: Forbidden: priority class names with 'system-' prefix are reserved for system use only. error: system-important is not a known system priority class"],
    ],
    [
      'a system class with another value',
      priorityClass('system-node-critical', { value: 5 }),
      ["metadata.name: Forbidden: priority class names with 'system-' prefix are reserved for system use only. error: value of system-node-critical PriorityClass must be 2000001000"],
    ],
    [
      'an unknown preemption policy',
      priorityClass('low', { value: 1, preemptionPolicy: 'Sometimes' }),
      ['preemptionPolicy: Unsupported value: "Sometimes": supported values: "PreemptLowerPriority", "Never"'],
    ],
  ])('%s', (_name, manifest, expected) => {
    expect(createErrors(manifest)).toEqual(expected);
  });

  it('keeps its value and preemption policy', () => {
    const old = priorityClass('high', { value: 1000 });
    expect(updateErrors(priorityClass('high', { value: 1000, description: 'new' }), old)).toEqual([]);
    expect(updateErrors(priorityClass('high', { value: 2000 }), old)).toEqual(['value: Forbidden: may not be changed in an update.']);
    expect(updateErrors(priorityClass('high', { value: 1000, preemptionPolicy: 'Never' }), old)).toEqual([
      'preemptionPolicy: Invalid value: "Never": field is immutable',
    ]);
  });
});

describe('HorizontalPodAutoscaler', () => {
  const hpa = (spec: Json): Json => ({
    apiVersion: 'autoscaling/v1',
    kind: 'HorizontalPodAutoscaler',
    metadata: { name: 'php-apache' },
    spec: { scaleTargetRef: { kind: 'Deployment', name: 'php-apache' }, maxReplicas: 10, ...spec },
  });

  it.each<[string, Json, string[]]>([
    ['min 1, max 10', hpa({ minReplicas: 1, targetCPUUtilizationPercentage: 90 }), []],
    ['no minimum', hpa({}), []],
    ['a zero minimum', hpa({ minReplicas: 0 }), ['spec.minReplicas: Invalid value: 0: must be greater than or equal to 1']],
    ['max below min', hpa({ minReplicas: 5, maxReplicas: 3 }), ['spec.maxReplicas: Invalid value: 3: must be greater than or equal to `minReplicas`']],
    ['a zero maximum', hpa({ maxReplicas: 0 }), [
      'spec.maxReplicas: Invalid value: 0: must be greater than 0',
      'spec.maxReplicas: Invalid value: 0: must be greater than or equal to `minReplicas`',
    ]],
    ['no target', hpa({ scaleTargetRef: {} }), ['spec.scaleTargetRef.kind: Required value', 'spec.scaleTargetRef.name: Required value']],
    ['a target name with a slash', hpa({ scaleTargetRef: { kind: 'Deployment', name: 'a/b' } }), ["spec.scaleTargetRef.name: Invalid value: \"a/b\": may not contain '/'"]],
    ['a zero CPU target in v1', hpa({ targetCPUUtilizationPercentage: 0 }), ['spec.metrics[0].resource.target.averageUtilization: Invalid value: 0: must be greater than 0']],
  ])('%s', (_name, manifest, expected) => {
    expect(createErrors(manifest)).toEqual(expected);
  });

  const v2 = (spec: Json): Json => ({ ...hpa(spec), apiVersion: 'autoscaling/v2' });
  const cpu = (target: Json): Json => ({ type: 'Resource', resource: { name: 'cpu', target } });
  it.each<[string, Json, string[]]>([
    ['cpu and memory targets', v2({ metrics: [cpu({ type: 'Utilization', averageUtilization: 50 }), { type: 'Resource', resource: { name: 'memory', target: { type: 'AverageValue', averageValue: '100Mi' } } }] }), []],
    ['a zero utilization', v2({ metrics: [cpu({ type: 'Utilization', averageUtilization: 0 })] }), ['spec.metrics[0].resource.target.averageUtilization: Invalid value: 0: must be greater than 0']],
    ['a utilization target without its value', v2({ metrics: [cpu({ type: 'Utilization' })] }), ['spec.metrics[0].resource.target.averageUtilization: Required value: must set averageUtilization for a target of type Utilization']],
    ['a negative average value', v2({ metrics: [cpu({ type: 'AverageValue', averageValue: '-1' })] }), ['spec.metrics[0].resource.target.averageValue: Invalid value: "-1": must be positive']],
    ['an unknown metric type', v2({ metrics: [{ type: 'Nodes' }] }), ['spec.metrics[0].type: Unsupported value: "Nodes": supported values: "Object", "Pods", "Resource", "ContainerResource", "External"']],
    ['a metric without its source', v2({ metrics: [{ type: 'Pods', resource: { name: 'cpu' } }] }), [
      'spec.metrics[0].resource: Forbidden: must populate the given metric source only',
      'spec.metrics[0].pods: Required value: must populate information for the given metric source',
    ]],
    ['a pods metric', v2({ metrics: [{ type: 'Pods', pods: { metric: { name: 'packets' }, target: { type: 'AverageValue', averageValue: '1k' } } }] }), []],
    ['a bad behavior', v2({ behavior: { scaleUp: { stabilizationWindowSeconds: 4000, selectPolicy: 'Most', policies: [{ type: 'Pods', value: 0, periodSeconds: 1801 }] } } }), [
      'spec.behavior.scaleUp.stabilizationWindowSeconds: Invalid value: 4000: must be between 0 and 3600 seconds',
      'spec.behavior.scaleUp.selectPolicy: Unsupported value: "Most": supported values: "Disabled", "Max", "Min"',
      'spec.behavior.scaleUp.policies[0].value: Invalid value: 0: must be greater than zero',
      'spec.behavior.scaleUp.policies[0].periodSeconds: Invalid value: 1801: must be less than or equal to 1800',
    ]],
  ])('autoscaling/v2: %s', (_name, manifest, expected) => {
    expect(createErrors(manifest)).toEqual(expected);
  });

  it('checks status counts', () => {
    expect(statusErrors({ ...hpa({}), status: { currentReplicas: -1 } }, hpa({}))).toEqual([
      'status.currentReplicas: Invalid value: -1: must be greater than or equal to 0',
    ]);
  });
});

describe('PersistentVolume', () => {
  const pv = (spec: Json): Json => ({ apiVersion: 'v1', kind: 'PersistentVolume', metadata: { name: 'pv0003' }, spec });
  const nfs = { path: '/somepath', server: '172.17.0.2' };

  it.each<[string, Json, string[]]>([
    ['an NFS volume', pv({ capacity: { storage: '5Gi' }, accessModes: ['ReadWriteOnce'], nfs }), []],
    ['a host path volume', pv({ capacity: { storage: '1Gi' }, accessModes: ['ReadWriteMany'], hostPath: { path: '/data' }, persistentVolumeReclaimPolicy: 'Delete' }), []],
    ['no capacity', pv({ accessModes: ['ReadWriteOnce'], nfs }), ['spec.capacity: Required value', 'spec.capacity: Unsupported value: null: supported values: "storage"']],
    ['capacity other than storage', pv({ capacity: { storage: '1Gi', cpu: '1' }, accessModes: ['ReadWriteOnce'], nfs }), [
      'spec.capacity: Unsupported value: {"storage":"1Gi","cpu":"1"}: supported values: "storage"',
    ]],
    ['zero storage', pv({ capacity: { storage: '0' }, accessModes: ['ReadWriteOnce'], nfs }), ['spec.capacity[storage]: Invalid value: "0": must be greater than zero']],
    ['no access modes', pv({ capacity: { storage: '5Gi' }, nfs }), ['spec.accessModes: Required value']],
    ['an unknown access mode', pv({ capacity: { storage: '5Gi' }, accessModes: ['ReadWriteSometimes'], nfs }), [
      'spec.accessModes: Unsupported value: "ReadWriteSometimes": supported values: "ReadOnlyMany", "ReadWriteMany", "ReadWriteOnce", "ReadWriteOncePod"',
    ]],
    ['no volume source', pv({ capacity: { storage: '5Gi' }, accessModes: ['ReadWriteOnce'] }), ['spec: Required value: must specify a volume type']],
    ['a relative NFS path', pv({ capacity: { storage: '5Gi' }, accessModes: ['ReadWriteOnce'], nfs: { server: 'nfs', path: 'data' } }), [
      'spec.nfs.path: Invalid value: "data": must be an absolute path',
    ]],
    ['an unknown reclaim policy', pv({ capacity: { storage: '5Gi' }, accessModes: ['ReadWriteOnce'], nfs, persistentVolumeReclaimPolicy: 'Keep' }), [
      'spec.persistentVolumeReclaimPolicy: Unsupported value: "Keep": supported values: "Delete", "Recycle", "Retain"',
    ]],
    ['Recycle, which kubets has no recycler for', pv({ capacity: { storage: '5Gi' }, accessModes: ['ReadWriteOnce'], nfs, persistentVolumeReclaimPolicy: 'Recycle' }), [
      'spec.persistentVolumeReclaimPolicy: Forbidden: Recycle is not supported: use Retain, or Delete with a provisioner',
    ]],
    ['a local volume on one node', pv({
      capacity: { storage: '5Gi' }, accessModes: ['ReadWriteOnce'], local: { path: '/mnt/disks/a' },
      nodeAffinity: { required: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'In', values: ['n1'] }] }] } },
    }), []],
    ['a local volume without node affinity', pv({ capacity: { storage: '5Gi' }, accessModes: ['ReadWriteOnce'], local: { path: '/mnt/disks/a' } }), [
      'spec.nodeAffinity: Required value: Local volume requires node affinity',
    ]],
    ['a relative local path', pv({
      capacity: { storage: '5Gi' }, accessModes: ['ReadWriteOnce'], local: { path: 'disks' },
      nodeAffinity: { required: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'In', values: ['n1'] }] }] } },
    }), ['spec.local.path: Invalid value: "disks": must be an absolute path']],
    ['node affinity without terms', pv({ capacity: { storage: '5Gi' }, accessModes: ['ReadWriteOnce'], nfs, nodeAffinity: { required: {} } }), [
      'spec.nodeAffinity.required.nodeSelectorTerms: Required value: must have at least one node selector term',
    ]],
    ['two sources', pv({ capacity: { storage: '5Gi' }, accessModes: ['ReadWriteOnce'], nfs, local: { path: '/a' }, nodeAffinity: { required: { nodeSelectorTerms: [{}] } } }), [
      'spec.local: Forbidden: may not specify more than 1 volume type',
    ]],
  ])('%s', (_name, manifest, expected) => {
    expect(createErrors(manifest)).toEqual(expected);
  });

  it('keeps its source', () => {
    const old = pv({ capacity: { storage: '5Gi' }, accessModes: ['ReadWriteOnce'], nfs });
    expect(updateErrors(pv({ capacity: { storage: '10Gi' }, accessModes: ['ReadWriteOnce'], nfs }), old)).toEqual([]);
    expect(updateErrors(pv({ capacity: { storage: '5Gi' }, accessModes: ['ReadWriteOnce'], nfs: { ...nfs, path: '/other' } }), old)).toEqual([
      'spec.persistentvolumesource: Forbidden: spec.persistentvolumesource is immutable after creation\n- nfs.path: "/somepath"\n+ nfs.path: "/other"',
    ]);
  });
});

describe('PersistentVolumeClaim', () => {
  const pvc = (spec: Json, status?: Json): Json => ({ apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'data' }, spec, ...(status ? { status } : {}) });
  const claim = { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } };

  it.each<[string, Json, string[]]>([
    ['a claim', pvc(claim), []],
    ['no storage request', pvc({ accessModes: ['ReadWriteOnce'] }), ['spec.resources[storage]: Required value']],
    ['a zero storage request', pvc({ ...claim, resources: { requests: { storage: '0' } } }), ['spec.resources[storage]: Invalid value: "0": must be greater than zero']],
    ['no access modes', pvc({ resources: claim.resources }), ['spec.accessModes: Required value: at least 1 access mode is required']],
    ['ReadWriteOncePod with others', pvc({ ...claim, accessModes: ['ReadWriteOncePod', 'ReadOnlyMany'] }), [
      'spec.accessModes: Forbidden: may not use ReadWriteOncePod with other access modes',
    ]],
  ])('%s', (_name, manifest, expected) => {
    expect(createErrors(manifest)).toEqual(expected);
  });

  it('keeps its spec except the binding and, once bound, a larger request', () => {
    expect(updateErrors(pvc({ ...claim, volumeName: 'pv0003' }), pvc(claim))).toEqual([]);
    expect(updateErrors(pvc({ ...claim, resources: { requests: { storage: '2Gi' } } }, { phase: 'Bound' }), pvc(claim))).toEqual([]);
    const [unbound] = updateErrors(pvc({ ...claim, resources: { requests: { storage: '2Gi' } } }), pvc(claim));
    expect(unbound).toBe(
      'spec: Forbidden: spec is immutable after creation except resources.requests and volumeAttributesClassName for bound claims\n' +
        '- resources.requests.storage: "1Gi"\n+ resources.requests.storage: "2Gi"',
    );
    expect(updateErrors(pvc({ ...claim, resources: { requests: { storage: '512Mi' } } }, { phase: 'Bound' }), pvc(claim))).toEqual([
      'spec.resources.requests.storage: Forbidden: field can not be less than previous value',
    ]);
  });
});

describe('StorageClass', () => {
  const sc = (fields: Json, name = 'local-path'): Json => ({ apiVersion: 'storage.k8s.io/v1', kind: 'StorageClass', metadata: { name }, ...fields });

  it.each<[string, Json, string[]]>([
    ['a class with defaults', sc({ provisioner: 'kubets.io/local-path' }), []],
    ['no provisioner', sc({}), ['provisioner: Required value']],
    ['an unknown reclaim policy', sc({ provisioner: 'p', reclaimPolicy: 'Recycle' }), ['reclaimPolicy: Unsupported value: "Recycle": supported values: "Delete", "Retain"']],
    ['an unknown binding mode', sc({ provisioner: 'p', volumeBindingMode: 'Later' }), [
      'volumeBindingMode: Unsupported value: "Later": supported values: "Immediate", "WaitForFirstConsumer"',
    ]],
  ])('%s', (_name, manifest, expected) => {
    expect(createErrors(manifest)).toEqual(expected);
  });

  it('keeps provisioner, parameters, reclaim policy and binding mode', () => {
    const old = sc({ provisioner: 'p', parameters: { a: '1' } });
    expect(updateErrors(sc({ provisioner: 'p', parameters: { a: '1' }, allowVolumeExpansion: true }), old)).toEqual([]);
    expect(updateErrors(sc({ provisioner: 'q', parameters: { a: '2' }, reclaimPolicy: 'Retain', volumeBindingMode: 'WaitForFirstConsumer' }), old)).toEqual([
      'parameters: Forbidden: updates to parameters are forbidden.',
      'provisioner: Forbidden: updates to provisioner are forbidden.',
      'reclaimPolicy: Forbidden: updates to reclaimPolicy are forbidden.',
      'volumeBindingMode: Invalid value: "WaitForFirstConsumer": field is immutable',
    ]);
  });
});
