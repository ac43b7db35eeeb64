import { afterEach, describe, expect, it, vi } from 'vitest';
import { decodeManifest } from '../../../lib/api/json.js';
import { resourceByField, resources, type AnyObject, type EnvelopeField } from '../../../lib/api/resources.js';
import { deletionPlan } from '../registry/deletion.js';
import {
  applyDefaults,
  prepareForCreate,
  prepareForUpdate,
  statusUpdateOf,
  updateGeneration,
  validateObject,
  validateObjectUpdate,
  validateStatusUpdate,
} from '../registry/strategy.js';
import { objectFields } from '../watch/fields.js';
import { indexedField } from '../watch/filter.js';
import { strategies, strategyFor } from './index.js';

// One row per kind, typed per envelope field like the strategies map: a new kind needs a row here.
// Each row is a minimal valid manifest, the status and generation it is created with, and what
// deleting it does.

type Json = Record<string, unknown>;
interface Row {
  manifest: Json;
  /** Kinds without a status subresource have none. */
  status?: Json;
  /** Spec kinds count spec changes from 1. */
  generation?: 1;
  deletes: 'now' | 'mark';
}

/** A PEM CSR for system:node:n1 (openssl req -new, P-256), base64 as JSON carries bytes. */
const CSR_PEM_BASE64 =
  'LS0tLS1CRUdJTiBDRVJUSUZJQ0FURSBSRVFVRVNULS0tLS0KTUlIc01JR1NBZ0VBTURBeEZUQVRCZ05WQkFvTURITjVjM1JsYlRwdWIyUmxjekVYTUJVR0ExVUVBd3dPYzNsegpkR1Z0T201dlpHVTZiakV3V1RBVEJnY3Foa2pPUFFJQkJnZ3Foa2pPUFFNQkJ3TkNBQVFRQm9yTERwZW51R3VCCjVmamdLejZZRTBqT1ZRdkkyNzVDZHJNOFRTZWtyVUtsNEZldjdVRGExdlg1TDVPQldrRW5PT1YraWpLTmZyNHAKRzBDbGRld1VvQUF3Q2dZSUtvWkl6ajBFQXdJRFNRQXdSZ0loQVBuKzJzMllCWXNta0NsMDBUUVY0UG1yWWRNRgo1RXlyYm5acUhHeHV4NlpUQWlFQWdoTWpLY2ZCdThLMDlxR2VUMnVIanhlR3p0a1ZQWW5wam9ESWQwR2JpSXM9Ci0tLS0tRU5EIENFUlRJRklDQVRFIFJFUVVFU1QtLS0tLQo=';

const template = { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'app', image: 'busybox:1.36' }] } };
const selector = { matchLabels: { app: 'web' } };

const rows: { [F in EnvelopeField]: Row } = {
  pod: {
    manifest: { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web' }, spec: { nodeName: 'n1', containers: [{ name: 'app', image: 'busybox:1.36' }] } },
    status: { phase: 'Pending', qosClass: 'BestEffort' },
    deletes: 'mark',
  },
  node: {
    manifest: { apiVersion: 'v1', kind: 'Node', metadata: { name: 'n1' }, status: { capacity: { cpu: '2' } } },
    status: { capacity: { cpu: '2' }, allocatable: { cpu: '2' } },
    deletes: 'now',
  },
  namespace: { manifest: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'dev' } }, status: { phase: 'Active' }, deletes: 'mark' },
  service: {
    manifest: { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web' }, spec: { clusterIP: '10.96.0.10', ports: [{ port: 80 }] } },
    status: { loadBalancer: {} },
    deletes: 'now',
  },
  endpoints: { manifest: { apiVersion: 'v1', kind: 'Endpoints', metadata: { name: 'web' } }, deletes: 'now' },
  replicationController: {
    manifest: { apiVersion: 'v1', kind: 'ReplicationController', metadata: { name: 'web' }, spec: { replicas: 1, template } },
    status: { replicas: 0 },
    generation: 1,
    deletes: 'now',
  },
  replicaSet: {
    manifest: { apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name: 'web' }, spec: { selector, template } },
    status: { replicas: 0 },
    generation: 1,
    deletes: 'now',
  },
  deployment: {
    manifest: { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web' }, spec: { selector, template } },
    status: {},
    generation: 1,
    deletes: 'now',
  },
  configMap: { manifest: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cfg' }, data: { a: 'b' } }, deletes: 'now' },
  secret: { manifest: { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's' }, stringData: { a: 'b' } }, deletes: 'now' },
  event: {
    manifest: {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name: 'web.1' },
      involvedObject: { kind: 'Pod', name: 'web', namespace: 'default' },
      reason: 'Started',
      type: 'Normal',
      source: { component: 'kubelet' },
    },
    deletes: 'now',
  },
  lease: { manifest: { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name: 'l' }, spec: { holderIdentity: 'a' } }, deletes: 'now' },
  priorityClass: { manifest: { apiVersion: 'scheduling.k8s.io/v1', kind: 'PriorityClass', metadata: { name: 'high' }, value: 1000 }, deletes: 'now' },
  horizontalPodAutoscaler: {
    manifest: {
      apiVersion: 'autoscaling/v1',
      kind: 'HorizontalPodAutoscaler',
      metadata: { name: 'web' },
      spec: { scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' }, maxReplicas: 3 },
    },
    status: {},
    generation: 1,
    deletes: 'now',
  },
  persistentVolume: {
    manifest: {
      apiVersion: 'v1',
      kind: 'PersistentVolume',
      metadata: { name: 'pv' },
      spec: { capacity: { storage: '1Gi' }, accessModes: ['ReadWriteOnce'], hostPath: { path: '/data' } },
    },
    status: { phase: 'Pending' },
    deletes: 'now',
  },
  endpointSlice: {
    manifest: { apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice', metadata: { name: 'web-abcde' }, addressType: 'IPv4', endpoints: [{ addresses: ['10.244.0.5'] }] },
    deletes: 'now',
    generation: 1,
  },
  persistentVolumeClaim: {
    manifest: {
      apiVersion: 'v1',
      kind: 'PersistentVolumeClaim',
      metadata: { name: 'pvc' },
      spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } },
    },
    status: { phase: 'Pending' },
    deletes: 'now',
  },
  role: {
    manifest: { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', metadata: { name: 'reader' }, rules: [{ verbs: ['get'], apiGroups: [''], resources: ['pods'] }] },
    deletes: 'now',
  },
  clusterRole: {
    manifest: { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name: 'system:reader' }, rules: [{ verbs: ['get'], nonResourceURLs: ['/healthz'] }] },
    deletes: 'now',
  },
  roleBinding: {
    manifest: {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'RoleBinding',
      metadata: { name: 'read' },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'reader' },
      subjects: [{ kind: 'User', name: 'jane' }],
    },
    deletes: 'now',
  },
  clusterRoleBinding: {
    manifest: {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRoleBinding',
      metadata: { name: 'read' },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'view' },
      subjects: [{ kind: 'Group', name: 'system:authenticated', apiGroup: 'rbac.authorization.k8s.io' }],
    },
    deletes: 'now',
  },
  job: {
    manifest: {
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: { name: 'pi' },
      spec: { template: { spec: { restartPolicy: 'Never', containers: [{ name: 'pi', image: 'busybox:1.36' }] } } },
    },
    status: {},
    generation: 1,
    deletes: 'now',
  },
  cronJob: {
    manifest: {
      apiVersion: 'batch/v1',
      kind: 'CronJob',
      metadata: { name: 'hello' },
      spec: { schedule: '*/1 * * * *', jobTemplate: { spec: { template: { spec: { restartPolicy: 'OnFailure', containers: [{ name: 'hello', image: 'busybox:1.36' }] } } } } },
    },
    status: {},
    generation: 1,
    deletes: 'now',
  },
  resourceQuota: {
    manifest: { apiVersion: 'v1', kind: 'ResourceQuota', metadata: { name: 'compute' }, spec: { hard: { pods: '10', 'requests.cpu': '2' } } },
    status: {},
    deletes: 'now',
  },
  limitRange: {
    manifest: { apiVersion: 'v1', kind: 'LimitRange', metadata: { name: 'limits' }, spec: { limits: [{ type: 'Container', max: { cpu: '1' } }] } },
    deletes: 'now',
  },
  daemonSet: {
    manifest: { apiVersion: 'apps/v1', kind: 'DaemonSet', metadata: { name: 'agent' }, spec: { selector, template } },
    status: {},
    generation: 1,
    deletes: 'now',
  },
  statefulSet: {
    manifest: { apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: { name: 'web' }, spec: { selector, serviceName: 'web', template } },
    status: {},
    generation: 1,
    deletes: 'now',
  },
  controllerRevision: {
    manifest: { apiVersion: 'apps/v1', kind: 'ControllerRevision', metadata: { name: 'web-5d4f8' }, data: { spec: { template } }, revision: 1 },
    deletes: 'now',
  },
  ingress: {
    manifest: {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'Ingress',
      metadata: { name: 'web' },
      spec: { rules: [{ host: 'web.example.com', http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: 'web', port: { number: 80 } } } }] } }] },
    },
    status: {},
    generation: 1,
    deletes: 'now',
  },
  ingressClass: {
    manifest: { apiVersion: 'networking.k8s.io/v1', kind: 'IngressClass', metadata: { name: 'haproxy' }, spec: { controller: 'kubets.io/ingress-haproxy' } },
    generation: 1,
    deletes: 'now',
  },  storageClass: {
    manifest: { apiVersion: 'storage.k8s.io/v1', kind: 'StorageClass', metadata: { name: 'local-path' }, provisioner: 'kubets.io/local-path' },
    deletes: 'now',
  },
  networkPolicy: {
    manifest: { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'default-deny' }, spec: { podSelector: {} } },
    generation: 1,
    deletes: 'now',
  },
  podMetrics: {
    manifest: { apiVersion: 'metrics.k8s.io/v1beta1', kind: 'PodMetrics', metadata: { name: 'web' }, window: '10s', containers: [{ name: 'app', usage: { cpu: '1m', memory: '1Mi' } }] },
    deletes: 'now',
  },
  nodeMetrics: { manifest: { apiVersion: 'metrics.k8s.io/v1beta1', kind: 'NodeMetrics', metadata: { name: 'n1' }, window: '10s', usage: { cpu: '1m', memory: '1Mi' } }, deletes: 'now' },
  serviceAccount: { manifest: { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'builder' }, automountServiceAccountToken: false }, deletes: 'now' },
  certificateSigningRequest: {
    manifest: {
      apiVersion: 'certificates.k8s.io/v1',
      kind: 'CertificateSigningRequest',
      metadata: { name: 'node-csr-n1' },
      spec: { request: CSR_PEM_BASE64, signerName: 'kubernetes.io/kube-apiserver-client-kubelet', usages: ['digital signature', 'client auth'] },
    },
    status: {},
    deletes: 'now',
  },
  podDisruptionBudget: {
    manifest: { apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name: 'web' }, spec: { minAvailable: 1, selector } },
    status: { disruptionsAllowed: 0, currentHealthy: 0, desiredHealthy: 0, expectedPods: 0 },
    generation: 1,
    deletes: 'now',
  },
};

// The map is complete by its type: leaving a kind out does not compile.
const { pod: _pod, ...withoutPod } = strategies;
// @ts-expect-error a strategies map without the Pod strategy
const incomplete: typeof strategies = withoutPod;
void incomplete;

/** A manifest decoded and placed in a namespace, as a request puts it before the registry sees it. */
function decoded(manifest: Json): AnyObject {
  const { info, object } = decodeManifest(manifest);
  if (info.namespaced) object.metadata = { ...object.metadata, namespace: 'default' };
  return object;
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('kind strategies', () => {
  it('cover exactly the kinds of the resource table', () => {
    expect(Object.keys(strategies).sort()).toEqual(resources.map((r) => r.field).sort());
    expect(Object.keys(rows).sort()).toEqual(resources.map((r) => r.field).sort());
  });

  it.each(resources.map((info) => [info.kind, info] as const))('%s: status and scale subresources match the resource table', (_kind, info) => {
    const strategy = strategyFor(info);
    expect(strategy.status !== undefined).toBe(info.hasStatus);
    expect(strategy.scale !== undefined).toBe(info.hasScale);
  });

  it.each(resources.map((info) => [info.kind, info.field] as const))('%s: the registry runs the strategy on create, update and status update', (_kind, field) => {
    const info = resourceByField(field);
    const strategy = strategyFor(info);
    const spies = {
      defaults: strategy.defaults && vi.spyOn(strategy, 'defaults'),
      validateCreate: vi.spyOn(strategy, 'validateCreate'),
      validateUpdate: vi.spyOn(strategy, 'validateUpdate'),
      initial: strategy.status && vi.spyOn(strategy.status, 'initial'),
      validateStatus: strategy.status && vi.spyOn(strategy.status, 'validateUpdate'),
    };

    // Create: server-owned metadata, the strategy's initial status, its defaults, its validation.
    const created = decoded(rows[field].manifest) as AnyObject & { status?: unknown };
    prepareForCreate(info, created);
    if (spies.initial) expect(created.status).toBe(spies.initial.mock.results[0]?.value);
    applyDefaults(info, created);
    expect(validateObject(info, created).map(String)).toEqual([]);
    expect(created.metadata?.uid).toBeTruthy();
    expect(created.status).toEqual(rows[field].status);
    expect(created.metadata?.generation).toBe(rows[field].generation);
    if (spies.defaults) expect(spies.defaults).toHaveBeenCalledWith(created);
    expect(spies.validateCreate).toHaveBeenCalledWith(created);

    // Update of the main resource: status carried over from the stored object, generation counts spec changes.
    const stored = structuredClone(created);
    const relabelled = structuredClone(created) as AnyObject & { status?: unknown };
    relabelled.metadata = { ...relabelled.metadata, labels: { changed: 'yes' } };
    if (strategy.status) relabelled.status = { bogus: true };
    prepareForUpdate(info, relabelled, stored);
    applyDefaults(info, relabelled);
    updateGeneration(info, relabelled, stored);
    expect(validateObjectUpdate(info, relabelled, stored).map(String)).toEqual([]);
    expect(spies.validateUpdate).toHaveBeenCalledWith(relabelled, stored);
    expect(relabelled.status).toEqual((stored as { status?: unknown }).status);
    expect(relabelled.metadata?.generation).toBe(stored.metadata?.generation);

    const respecified = structuredClone(stored) as AnyObject & { spec?: Json };
    respecified.spec = { ...respecified.spec, changed: true };
    updateGeneration(info, respecified, stored);
    expect(respecified.metadata?.generation).toBe(rows[field].generation && 2);

    // Status update: only for kinds with a status subresource, validated by the strategy.
    if (strategy.status) {
      const statusWrite = statusUpdateOf(structuredClone(stored), stored);
      expect(validateStatusUpdate(info, statusWrite, stored).map(String)).toEqual([]);
      expect(spies.validateStatus).toHaveBeenCalledWith(statusWrite, stored);
    } else {
      expect(() => validateStatusUpdate(info, stored, stored)).toThrow(`${info.resource} has no status subresource`);
    }
  });

  it.each(resources.map((info) => [info.kind, info.field] as const))('%s: field selectors and deletion come from the strategy', (_kind, field) => {
    const info = resourceByField(field);
    const strategy = strategyFor(info);
    const object = decoded(rows[field].manifest);
    prepareForCreate(info, object);
    applyDefaults(info, object);

    const selectable = Object.keys(objectFields(info, object));
    const meta = info.namespaced ? ['metadata.name', 'metadata.namespace'] : ['metadata.name'];
    expect(selectable.sort()).toEqual([...meta, ...Object.keys(strategy.fields?.getters ?? {})].sort());
    expect(indexedField(info)).toBe(strategy.fields?.indexed);

    const plan = deletionPlan(strategy.deletion, object, {});
    expect(plan.kind).toBe(rows[field].deletes);
  });
});
