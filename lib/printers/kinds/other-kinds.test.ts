import { describe, expect, it } from 'vitest';
import type { AnyObject } from '../../api/resources.js';
import { resourceByName } from '../../api/resources.js';
import { printTable } from './registry.js';

const now = Date.parse('2024-05-10T12:00:00Z');
const ago = (seconds: number): string => new Date(now - seconds * 1000).toISOString();
const print = (resource: string, objects: AnyObject[], wide = false): string => printTable(resourceByName(resource)!, objects, { now, wide });
const lines = (...l: string[]): string => [...l, ''].join('\n');

describe('kubectl get for the remaining kinds', () => {
  it('namespaces: NAME STATUS AGE', () => {
    const ns = (name: string, phase: string, seconds: number) => ({ metadata: { name, creationTimestamp: ago(seconds) }, status: { phase } });
    expect(print('namespaces', [ns('default', 'Active', 864000), ns('kube-system', 'Active', 864000), ns('old', 'Terminating', 5)])).toBe(
      lines('NAME          STATUS        AGE', 'default       Active        10d', 'kube-system   Active        10d', 'old           Terminating   5s'),
    );
  });

  it('configmaps: NAME DATA AGE, binary data included', () => {
    const list = [
      { metadata: { name: 'kube-root-ca.crt', creationTimestamp: ago(5 * 86400) }, data: { 'ca.crt': '...' } },
      { metadata: { name: 'app-config', creationTimestamp: ago(45) }, data: { a: '1', b: '2' }, binaryData: { c: Buffer.from('x') } },
    ];
    expect(print('configmaps', list)).toBe(lines('NAME               DATA   AGE', 'kube-root-ca.crt   1      5d', 'app-config         3      45s'));
  });

  it('serviceaccounts: NAME SECRETS AGE', () => {
    const list = [
      { metadata: { name: 'default', creationTimestamp: ago(5 * 86400) } },
      { metadata: { name: 'builder', creationTimestamp: ago(30) }, secrets: [{ name: 'builder-token' }] },
    ];
    expect(print('serviceaccounts', list)).toBe(lines('NAME      SECRETS   AGE', 'default   0         5d', 'builder   1         30s'));
  });

  it('secrets: NAME TYPE DATA AGE', () => {
    const list = [
      { metadata: { name: 'db-pass', creationTimestamp: ago(3600) }, type: 'Opaque', data: { user: Buffer.from('u'), password: Buffer.from('p') } },
      { metadata: { name: 'tls', creationTimestamp: ago(720) }, type: 'kubernetes.io/tls', data: { 'tls.crt': Buffer.from('c'), 'tls.key': Buffer.from('k') } },
    ];
    expect(print('secrets', list)).toBe(lines('NAME      TYPE                DATA   AGE', 'db-pass   Opaque              2      60m', 'tls       kubernetes.io/tls   2      12m'));
  });

  const events = [
    {
      metadata: { name: 'mysql-x7k2p.17c8a' },
      involvedObject: { kind: 'Pod', name: 'mysql-x7k2p', namespace: 'default' },
      reason: 'Scheduled',
      message: 'Successfully assigned default/mysql-x7k2p to node-1',
      source: { component: 'default-scheduler' },
      firstTimestamp: ago(30),
      lastTimestamp: ago(30),
      count: 1,
      type: 'Normal',
    },
    {
      metadata: { name: 'web-1.17c8a' },
      involvedObject: { kind: 'Pod', name: 'web-1', fieldPath: 'spec.containers{web}' },
      reason: 'BackOff',
      message: 'Back-off restarting failed container\n',
      source: { component: 'kubelet', host: 'node-1' },
      firstTimestamp: ago(120),
      lastTimestamp: ago(10),
      count: 4,
      type: 'Warning',
    },
    {
      metadata: { name: 'kube-controller-manager.17c8b' },
      involvedObject: { kind: 'Lease', name: 'kube-controller-manager' },
      reason: 'LeaderElection',
      message: 'node-1_abc became leader',
      eventTime: ago(300),
      reportingComponent: 'kube-controller-manager',
      type: 'Normal',
    },
  ];

  it('events: LAST SEEN TYPE REASON OBJECT MESSAGE', () => {
    expect(print('events', events)).toBe(
      lines(
        'LAST SEEN   TYPE      REASON           OBJECT                          MESSAGE',
        '30s         Normal    Scheduled        pod/mysql-x7k2p                 Successfully assigned default/mysql-x7k2p to node-1',
        '10s         Warning   BackOff          pod/web-1                       Back-off restarting failed container',
        '5m          Normal    LeaderElection   lease/kube-controller-manager   node-1_abc became leader',
      ),
    );
  });

  it('events with -o wide interleave SUBOBJECT SOURCE and end with FIRST SEEN COUNT NAME', () => {
    expect(print('events', [events[1]!], true)).toBe(
      lines(
        'LAST SEEN   TYPE      REASON    OBJECT      SUBOBJECT              SOURCE            MESSAGE                                FIRST SEEN   COUNT   NAME',
        '10s         Warning   BackOff   pod/web-1   spec.containers{web}   kubelet, node-1   Back-off restarting failed container   2m           4       web-1.17c8a',
      ),
    );
  });

  it('leases: NAME HOLDER AGE', () => {
    const lease = (name: string, holderIdentity?: string) => ({ metadata: { name, creationTimestamp: ago(49 * 3600) }, spec: { holderIdentity } });
    expect(print('leases', [lease('kube-controller-manager', 'node-1_3f2a'), lease('kube-scheduler')])).toBe(
      lines('NAME                      HOLDER        AGE', 'kube-controller-manager   node-1_3f2a   2d1h', `kube-scheduler${' '.repeat(26)}2d1h`),
    );
  });

  it('priorityclasses: NAME VALUE GLOBAL-DEFAULT AGE PREEMPTIONPOLICY', () => {
    const list = [
      { metadata: { name: 'system-cluster-critical', creationTimestamp: ago(864000) }, value: 2000000000, preemptionPolicy: 'PreemptLowerPriority' },
      { metadata: { name: 'high', creationTimestamp: ago(3) }, value: 1000, globalDefault: true, preemptionPolicy: 'Never' },
    ];
    expect(print('priorityclasses', list)).toBe(
      lines(
        'NAME                      VALUE        GLOBAL-DEFAULT   AGE   PREEMPTIONPOLICY',
        'system-cluster-critical   2000000000   false            10d   PreemptLowerPriority',
        'high                      1000         true             3s    Never',
      ),
    );
  });

  it('horizontalpodautoscalers: NAME REFERENCE TARGETS MINPODS MAXPODS REPLICAS AGE', () => {
    const cpu = (percent: number) => ({ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: percent } } });
    const memory = { type: 'Resource', resource: { name: 'memory', target: { type: 'AverageValue', averageValue: '100Mi' } } };
    const list = [
      {
        metadata: { name: 'php-apache', creationTimestamp: ago(18) },
        spec: { scaleTargetRef: { kind: 'Deployment', name: 'php-apache' }, minReplicas: 1, maxReplicas: 10, metrics: [cpu(50)] },
        status: { currentReplicas: 1, desiredReplicas: 1, currentMetrics: [{ type: 'Resource', resource: { name: 'cpu', current: { averageUtilization: 0, averageValue: '1m' } } }] },
      },
      { metadata: { name: 'web', creationTimestamp: ago(120) }, spec: { scaleTargetRef: { kind: 'ReplicationController', name: 'myweb' }, maxReplicas: 5, metrics: [cpu(80)] } },
      {
        metadata: { name: 'both', creationTimestamp: ago(60) },
        spec: { scaleTargetRef: { kind: 'ReplicaSet', name: 'both' }, minReplicas: 2, maxReplicas: 4, metrics: [cpu(45), memory, { type: 'Pods', pods: { metric: { name: 'qps' }, target: { type: 'AverageValue', averageValue: '10' } } }] },
        status: {
          currentReplicas: 2,
          currentMetrics: [
            { type: 'Resource', resource: { name: 'cpu', current: { averageUtilization: 45, averageValue: '225m' } } },
            { type: 'Resource', resource: { name: 'memory', current: { averageValue: '12Mi' } } },
            {},
          ],
        },
      },
    ];
    expect(print('horizontalpodautoscalers', list)).toBe(
      lines(
        'NAME         REFERENCE                     TARGETS                                        MINPODS   MAXPODS   REPLICAS   AGE',
        'php-apache   Deployment/php-apache         cpu: 0%/50%                                    1         10        1          18s',
        'web          ReplicationController/myweb   cpu: <unknown>/80%                             <unset>   5         0          2m',
        'both         ReplicaSet/both               cpu: 45%/45%, memory: 12Mi/100Mi + 1 more...   2         4         2          60s',
      ),
    );
  });

  it('persistentvolumes: current kubectl columns, VOLUMEMODE only with -o wide', () => {
    const list = [
      {
        metadata: { name: 'pv0001', creationTimestamp: ago(60) },
        spec: {
          capacity: { storage: '5Gi' },
          accessModes: ['ReadWriteOnce'],
          persistentVolumeReclaimPolicy: 'Recycle',
          storageClassName: 'slow',
          claimRef: { namespace: 'default', name: 'myclaim' },
        },
        status: { phase: 'Bound' },
      },
      {
        metadata: { name: 'pv0002', creationTimestamp: ago(60), annotations: { 'volume.beta.kubernetes.io/storage-class': 'fast' } },
        spec: { capacity: { storage: '1.5Gi' }, accessModes: ['ReadWriteMany', 'ReadOnlyMany'], persistentVolumeReclaimPolicy: 'Retain', volumeMode: 'Filesystem' },
        status: { phase: 'Available' },
      },
    ];
    expect(print('persistentvolumes', list)).toBe(
      lines(
        'NAME     CAPACITY   ACCESS MODES   RECLAIM POLICY   STATUS      CLAIM             STORAGECLASS   VOLUMEATTRIBUTESCLASS   REASON   AGE',
        'pv0001   5Gi        RWO            Recycle          Bound       default/myclaim   slow           <unset>                          60s',
        `pv0002   1536Mi     ROX,RWX        Retain           Available${' '.repeat(21)}fast           <unset>                          60s`,
      ),
    );
    expect(print('persistentvolumes', list.slice(1), true)).toBe(
      lines(
        'NAME     CAPACITY   ACCESS MODES   RECLAIM POLICY   STATUS      CLAIM   STORAGECLASS   VOLUMEATTRIBUTESCLASS   REASON   AGE   VOLUMEMODE',
        'pv0002   1536Mi     ROX,RWX        Retain           Available           fast           <unset>                          60s   Filesystem',
      ),
    );
  });

  it('persistentvolumeclaims: capacity and access modes only once bound', () => {
    const list = [
      {
        metadata: { name: 'myclaim', creationTimestamp: ago(60) },
        spec: { volumeName: 'pv0001', storageClassName: 'slow', resources: { requests: { storage: '3Gi' } } },
        status: { phase: 'Bound', capacity: { storage: '5Gi' }, accessModes: ['ReadWriteOnce'] },
      },
      { metadata: { name: 'pending', creationTimestamp: ago(60) }, spec: { resources: { requests: { storage: '1Gi' } } }, status: { phase: 'Pending' } },
    ];
    expect(print('persistentvolumeclaims', list)).toBe(
      lines(
        'NAME      STATUS    VOLUME   CAPACITY   ACCESS MODES   STORAGECLASS   VOLUMEATTRIBUTESCLASS   AGE',
        'myclaim   Bound     pv0001   5Gi        RWO            slow           <unset>                 60s',
        `pending   Pending   ${' '.repeat(50)}<unset>                 60s`,
      ),
    );
  });
});

describe('kubectl get for quotas and limit ranges', () => {
  it('resourcequotas: NAME AGE REQUEST LIMIT, used/hard per resource, limits.* under LIMIT', () => {
    const quota = {
      metadata: { name: 'compute', creationTimestamp: ago(90) },
      spec: { hard: { pods: '10', 'requests.cpu': '2', 'limits.memory': '2Gi' } },
      status: { hard: { pods: '10', 'requests.cpu': '2', 'limits.memory': '2Gi' }, used: { pods: '1', 'requests.cpu': '500m', 'limits.memory': '512Mi' } },
    };
    const fresh = { metadata: { name: 'new', creationTimestamp: ago(2) }, spec: { hard: { pods: '5' } } };
    expect(print('resourcequotas', [quota, fresh])).toBe(
      lines(
        'NAME      AGE   REQUEST                            LIMIT',
        'compute   90s   pods: 1/10, requests.cpu: 500m/2   limits.memory: 512Mi/2Gi',
        'new       2s    pods: 0/0                          ',
      ),
    );
  });

  it('limitranges: NAME CREATED AT', () => {
    const lr = { metadata: { name: 'limits', creationTimestamp: '2024-05-10T11:58:00.000Z' }, spec: { limits: [{ type: 'Container' }] } };
    expect(print('limitranges', [lr])).toBe(lines('NAME     CREATED AT', 'limits   2024-05-10T11:58:00Z'));
  });

  it('storageclasses: NAME PROVISIONER RECLAIMPOLICY VOLUMEBINDINGMODE ALLOWVOLUMEEXPANSION AGE, the default marked', () => {
    const list = [
      {
        metadata: { name: 'local-path', creationTimestamp: ago(120), annotations: { 'storageclass.kubernetes.io/is-default-class': 'true' } },
        provisioner: 'kubets.io/local-path',
        reclaimPolicy: 'Delete',
        volumeBindingMode: 'WaitForFirstConsumer',
      },
      { metadata: { name: 'nfs', creationTimestamp: ago(60) }, provisioner: 'example.com/nfs', reclaimPolicy: 'Retain', volumeBindingMode: 'Immediate', allowVolumeExpansion: true },
    ];
    expect(print('storageclasses', list)).toBe(
      lines(
        'NAME                   PROVISIONER            RECLAIMPOLICY   VOLUMEBINDINGMODE      ALLOWVOLUMEEXPANSION   AGE',
        'local-path (default)   kubets.io/local-path   Delete          WaitForFirstConsumer   false                  2m',
        'nfs                    example.com/nfs        Retain          Immediate              true                   60s',
      ),
    );
  });
});

describe('CertificateSigningRequest printer', () => {
  it("prints kubectl 1.32's columns: the signer, the requestor, the requested duration and the condition", () => {
    const now = Date.parse('2026-01-01T00:10:00Z');
    const csr = (name: string, status: object, expirationSeconds?: number) =>
      ({
        metadata: { name, creationTimestamp: '2026-01-01T00:00:00Z' },
        spec: { signerName: 'kubernetes.io/kube-apiserver-client-kubelet', username: 'system:bootstrap:abcdef', usages: ['client auth'], expirationSeconds },
        status,
      }) as never;
    const info = resourceByName('certificatesigningrequests')!;
    expect(
      printTable(info, [csr('a', {}), csr('b', { conditions: [{ type: 'Approved', status: 'True' }], certificate: Buffer.from('x') }, 3600), csr('c', { conditions: [{ type: 'Denied', status: 'True' }] })], { now }),
    ).toBe(
      [
        'NAME   AGE   SIGNERNAME                                    REQUESTOR                 REQUESTEDDURATION   CONDITION',
        'a      10m   kubernetes.io/kube-apiserver-client-kubelet   system:bootstrap:abcdef   <none>              Pending',
        'b      10m   kubernetes.io/kube-apiserver-client-kubelet   system:bootstrap:abcdef   60m                 Approved,Issued',
        'c      10m   kubernetes.io/kube-apiserver-client-kubelet   system:bootstrap:abcdef   <none>              Denied',
        '',
      ].join('\n'),
    );
  });
});
