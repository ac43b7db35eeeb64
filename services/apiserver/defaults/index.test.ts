import { describe, expect, it } from 'vitest';
import type { Pod, Secret } from '../../../lib/api/generated/index.js';
import { toKubeJSON } from '../../../lib/api/json.js';
import { container, defaulted, type Json, podManifest } from '../validation/test-support.js';

// Each row: a manifest as a user writes it, and fields the stored object must then have (a
// subset, compared in Kubernetes' JSON form).
type Row = [string, Json, Json];

function kubeJSON(manifest: Json): Json {
  const { info, object } = defaulted(manifest);
  return toKubeJSON(info, object) as Json;
}

const podRows: Row[] = [
  [
    'pod spec defaults',
    podManifest(),
    {
      spec: {
        restartPolicy: 'Always',
        dnsPolicy: 'ClusterFirst',
        schedulerName: 'default-scheduler',
        terminationGracePeriodSeconds: 30,
        enableServiceLinks: true,
        securityContext: {},
      },
    },
  ],
  [
    'container defaults',
    podManifest({ containers: [container({ ports: [{ containerPort: 80 }] })] }),
    {
      spec: {
        containers: [
          {
            terminationMessagePath: '/dev/termination-log',
            terminationMessagePolicy: 'File',
            imagePullPolicy: 'IfNotPresent',
            ports: [{ containerPort: 80, protocol: 'TCP' }],
            resources: {},
          },
        ],
      },
    },
  ],
  ['no tag pulls Always', podManifest({ containers: [container({ image: 'mysql' })] }), { spec: { containers: [{ imagePullPolicy: 'Always' }] } }],
  ['latest pulls Always', podManifest({ containers: [container({ image: 'busybox:latest' })] }), { spec: { containers: [{ imagePullPolicy: 'Always' }] } }],
  [
    'a registry port is not a tag',
    podManifest({ containers: [container({ image: 'localhost:5000/web' })] }),
    { spec: { containers: [{ imagePullPolicy: 'Always' }] } },
  ],
  [
    'a tag pulls IfNotPresent',
    podManifest({ containers: [container({ image: '127.0.0.1:1/missing:v1' })] }),
    { spec: { containers: [{ imagePullPolicy: 'IfNotPresent' }] } },
  ],
  [
    'a digest pulls IfNotPresent',
    podManifest({ containers: [container({ image: `busybox@sha256:${'a'.repeat(64)}` })] }),
    { spec: { containers: [{ imagePullPolicy: 'IfNotPresent' }] } },
  ],
  ['explicit values stay', podManifest({ restartPolicy: 'Never', terminationGracePeriodSeconds: 0 }), { spec: { restartPolicy: 'Never', terminationGracePeriodSeconds: 0 } }],
  [
    'probe timing and httpGet',
    podManifest({ containers: [container({ livenessProbe: { httpGet: { port: 8080 } }, readinessProbe: { exec: { command: ['true'] }, periodSeconds: 5 } })] }),
    {
      spec: {
        containers: [
          {
            livenessProbe: { httpGet: { path: '/', port: 8080, scheme: 'HTTP' }, timeoutSeconds: 1, periodSeconds: 10, successThreshold: 1, failureThreshold: 3 },
            readinessProbe: { timeoutSeconds: 1, periodSeconds: 5, successThreshold: 1, failureThreshold: 3 },
          },
        ],
      },
    },
  ],
  [
    'volume defaults',
    podManifest({
      volumes: [
        { name: 'a', secret: { secretName: 's' } },
        { name: 'b', configMap: { name: 'c' } },
        { name: 'c', hostPath: { path: '/data' } },
        { name: 'd' },
        { name: 'e', downwardAPI: { items: [{ path: 'name', fieldRef: { fieldPath: 'metadata.name' } }] } },
        { name: 'f', projected: { sources: [{ downwardAPI: { items: [{ path: 'namespace', fieldRef: { fieldPath: 'metadata.namespace' } }] } }] } },
      ],
    }),
    {
      spec: {
        volumes: [
          { name: 'a', secret: { secretName: 's', defaultMode: 420 } },
          { name: 'b', configMap: { name: 'c', defaultMode: 420 } },
          { name: 'c', hostPath: { path: '/data', type: '' } },
          { name: 'd', emptyDir: {} },
          { name: 'e', downwardAPI: { defaultMode: 420, items: [{ fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.name' } }] } },
          // A projected volume is one source: no emptyDir is added beside it.
          { name: 'f', projected: { defaultMode: 420, sources: [{ downwardAPI: { items: [{ fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' } }] } }] } },
        ],
      },
    },
  ],
  [
    'env fieldRef apiVersion',
    podManifest({ containers: [container({ env: [{ name: 'NODE', valueFrom: { fieldRef: { fieldPath: 'spec.nodeName' } } }] })] }),
    { spec: { containers: [{ env: [{ name: 'NODE', valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: 'spec.nodeName' } } }] }] } },
  ],
  [
    'requests default to limits, quantities canonical',
    podManifest({ containers: [container({ resources: { limits: { cpu: '0.5', memory: '1.5Gi' }, requests: { cpu: '100m' } } })] }),
    { spec: { containers: [{ resources: { limits: { cpu: '500m', memory: '1536Mi' }, requests: { cpu: '100m', memory: '1536Mi' } } }] } },
  ],
  ['sub-milli quantities round up', podManifest({ containers: [container({ resources: { requests: { cpu: '1n' } } })] }), { spec: { containers: [{ resources: { requests: { cpu: '1m' } } }] } }],
  [
    'host network ports default to host ports',
    podManifest({ hostNetwork: true, containers: [container({ ports: [{ containerPort: 8080 }] })] }),
    { spec: { containers: [{ ports: [{ containerPort: 8080, hostPort: 8080 }] }] } },
  ],
];

const template = { metadata: { labels: { app: 'web' } }, spec: { containers: [container({ resources: { limits: { cpu: '1' } } })] } };

const workloadRows: Row[] = [
  [
    'RC selector and labels from the template',
    { apiVersion: 'v1', kind: 'ReplicationController', metadata: { name: 'web' }, spec: { template } },
    {
      metadata: { labels: { app: 'web' } },
      spec: { replicas: 1, selector: { app: 'web' }, template: { spec: { restartPolicy: 'Always', dnsPolicy: 'ClusterFirst', terminationGracePeriodSeconds: 30 } } },
      status: { replicas: 0 },
    },
  ],
  [
    'RC keeps its own selector, labels and zero replicas',
    { apiVersion: 'v1', kind: 'ReplicationController', metadata: { name: 'web', labels: { team: 'a' } }, spec: { replicas: 0, selector: { app: 'web' }, template } },
    { metadata: { labels: { team: 'a' } }, spec: { replicas: 0, selector: { app: 'web' } } },
  ],
  [
    'ReplicaSet replicas and status',
    { apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name: 'web' }, spec: { selector: { matchLabels: { app: 'web' } }, template } },
    { spec: { replicas: 1, template: { spec: { schedulerName: 'default-scheduler' } } }, status: { replicas: 0 } },
  ],
  [
    'Deployment strategy and limits',
    { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web' }, spec: { selector: { matchLabels: { app: 'web' } }, template } },
    {
      spec: {
        replicas: 1,
        strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '25%', maxSurge: '25%' } },
        revisionHistoryLimit: 10,
        progressDeadlineSeconds: 600,
      },
    },
  ],
  [
    'Deployment keeps Recreate without rolling parameters',
    { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web' }, spec: { strategy: { type: 'Recreate' }, template } },
    { spec: { strategy: { type: 'Recreate' } } },
  ],
];

const serviceRows: Row[] = [
  [
    'ClusterIP service',
    { apiVersion: 'v1', kind: 'Service', metadata: { name: 'mysql' }, spec: { ports: [{ port: 3306 }], selector: { app: 'mysql' } } },
    {
      spec: {
        type: 'ClusterIP',
        sessionAffinity: 'None',
        ports: [{ port: 3306, protocol: 'TCP', targetPort: 3306 }],
        ipFamilies: ['IPv4'],
        ipFamilyPolicy: 'SingleStack',
        internalTrafficPolicy: 'Cluster',
      },
      status: { loadBalancer: {} },
    },
  ],
  [
    'NodePort service',
    { apiVersion: 'v1', kind: 'Service', metadata: { name: 'myweb' }, spec: { type: 'NodePort', ports: [{ port: 8080, nodePort: 30001, targetPort: 'http' }] } },
    { spec: { externalTrafficPolicy: 'Cluster', ports: [{ port: 8080, nodePort: 30001, targetPort: 'http', protocol: 'TCP' }] } },
  ],
  [
    'clusterIPs follow clusterIP',
    { apiVersion: 'v1', kind: 'Service', metadata: { name: 'db' }, spec: { clusterIP: 'None', ports: [{ port: 1 }] } },
    { spec: { clusterIP: 'None', clusterIPs: ['None'] } },
  ],
  [
    'Endpoints ports',
    { apiVersion: 'v1', kind: 'Endpoints', metadata: { name: 'db' }, subsets: [{ addresses: [{ ip: '10.0.0.1' }], ports: [{ port: 3306 }] }] },
    { subsets: [{ ports: [{ port: 3306, protocol: 'TCP' }] }] },
  ],
];

const otherRows: Row[] = [
  [
    'Namespace',
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'development' } },
    { metadata: { labels: { 'kubernetes.io/metadata.name': 'development' } }, spec: { finalizers: ['kubernetes'] }, status: { phase: 'Active' } },
  ],
  [
    'Namespace adds the kubernetes finalizer to others',
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'dev' }, spec: { finalizers: ['example.com/x'] } },
    { spec: { finalizers: ['example.com/x', 'kubernetes'] } },
  ],
  [
    'HorizontalPodAutoscaler',
    { apiVersion: 'autoscaling/v1', kind: 'HorizontalPodAutoscaler', metadata: { name: 'php' }, spec: { maxReplicas: 10, scaleTargetRef: { kind: 'Deployment', name: 'php' } } },
    { spec: { minReplicas: 1, metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 80 } } }] } },
  ],
  [
    'HorizontalPodAutoscaler completes a behavior given in part',
    { apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler', metadata: { name: 'php' }, spec: { maxReplicas: 10, scaleTargetRef: { kind: 'Deployment', name: 'php' }, behavior: { scaleDown: { stabilizationWindowSeconds: 60 } } } },
    {
      spec: {
        behavior: {
          scaleUp: { stabilizationWindowSeconds: 0, selectPolicy: 'Max', policies: [{ type: 'Percent', value: 100, periodSeconds: 15 }, { type: 'Pods', value: 4, periodSeconds: 15 }] },
          scaleDown: { stabilizationWindowSeconds: 60, selectPolicy: 'Max', policies: [{ type: 'Percent', value: 100, periodSeconds: 15 }] },
        },
      },
    },
  ],
  [
    'PersistentVolume',
    { apiVersion: 'v1', kind: 'PersistentVolume', metadata: { name: 'pv0003' }, spec: { capacity: { storage: '5Gi' }, nfs: { path: '/x', server: '1.2.3.4' } } },
    { spec: { persistentVolumeReclaimPolicy: 'Retain', volumeMode: 'Filesystem' }, status: { phase: 'Pending' } },
  ],
  [
    'PersistentVolumeClaim',
    { apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'data' }, spec: { resources: { requests: { storage: '1Gi' } } } },
    { spec: { volumeMode: 'Filesystem' }, status: { phase: 'Pending' } },
  ],
  ['PriorityClass', { apiVersion: 'scheduling.k8s.io/v1', kind: 'PriorityClass', metadata: { name: 'high' }, value: 1000 }, { preemptionPolicy: 'PreemptLowerPriority' }],
  [
    'Node allocatable from capacity',
    { apiVersion: 'v1', kind: 'Node', metadata: { name: 'n1' }, status: { capacity: { cpu: '2', memory: '4Gi' } } },
    { status: { allocatable: { cpu: '2', memory: '4Gi' } } },
  ],
  ['Secret type', { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's' } }, { type: 'Opaque' }],
];

describe('applyDefaults', () => {
  it.each([...podRows, ...workloadRows, ...serviceRows, ...otherRows])('%s', (_name, manifest, expected) => {
    expect(kubeJSON(manifest)).toMatchObject(expected);
  });

  it('gives pod templates the pod spec defaults but not the pod-only ones', () => {
    const json = kubeJSON({ apiVersion: 'v1', kind: 'ReplicationController', metadata: { name: 'web' }, spec: { template } }) as {
      spec: { template: { spec: Json & { containers: Array<{ resources: Json }> } } };
    };
    expect(json.spec.template.spec.enableServiceLinks).toBeUndefined();
    expect(json.spec.template.spec.containers[0]?.resources).toEqual({ limits: { cpu: '1' } });
  });

  it('does not put back the kubernetes finalizer once a namespace is being deleted', () => {
    const json = kubeJSON({
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: 'dev', deletionTimestamp: '2024-01-01T00:00:00Z' },
      status: { phase: 'Terminating' },
    }) as { spec?: Json; status: Json };
    expect(json.spec?.finalizers).toBeUndefined();
    expect(json.status.phase).toBe('Terminating');
  });

  it('keeps optional zero values a user gave', () => {
    expect(kubeJSON({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'w' }, spec: { replicas: 0, revisionHistoryLimit: 0, template } })).toMatchObject({
      spec: { replicas: 0, revisionHistoryLimit: 0 },
    });
  });

  it('does not give ExternalName services IP families', () => {
    const json = kubeJSON({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'ext' }, spec: { type: 'ExternalName', externalName: 'example.com' } }) as { spec: Json };
    expect(json.spec.ipFamilies).toBeUndefined();
    expect(json.spec.ipFamilyPolicy).toBeUndefined();
    expect(json.spec.internalTrafficPolicy).toBeUndefined();
  });

  it('merges a secret\'s stringData into data as UTF-8 and never keeps it', () => {
    const { object } = defaulted({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 's' },
      data: { user: Buffer.from('old').toString('base64'), keep: Buffer.from('k').toString('base64') },
      stringData: { user: 'admin', password: 'pässword' },
    });
    const secret = object as Secret;
    expect(secret.stringData).toBeUndefined();
    expect(Object.fromEntries(Object.entries(secret.data ?? {}).map(([k, v]) => [k, v.toString('utf8')]))).toEqual({
      user: 'admin',
      keep: 'k',
      password: 'pässword',
    });
  });

  it('leaves malformed quantities for validation to report', () => {
    const { object } = defaulted(podManifest({ containers: [container({ resources: { limits: { cpu: 'lots' } } })] }));
    expect((object as Pod).spec?.containers?.[0]?.resources?.limits).toEqual({ cpu: 'lots' });
  });

  it('is idempotent', () => {
    const { info, object } = defaulted(podManifest({ volumes: [{ name: 'd' }], containers: [container({ livenessProbe: { tcpSocket: { port: 80 } } })] }));
    const once = toKubeJSON(info, object);
    const again = defaulted(once as Json);
    expect(toKubeJSON(again.info, again.object)).toEqual(once);
  });
});
