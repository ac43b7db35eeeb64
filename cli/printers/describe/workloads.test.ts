import { beforeAll, describe, expect, it } from 'vitest';
import type { Deployment, Pod, ReplicaSet, ReplicationController } from '../../../lib/api/generated/index.js';
import { resourceByName } from '../../../lib/api/resources.js';
import { describeObject } from './index.js';
import { countPodPhases, describeDeployment, describeReplicationController } from './workloads.js';

beforeAll(() => {
  process.env.TZ = 'UTC';
});

const now = Date.parse('2024-05-10T12:00:00Z');
const ago = (seconds: number): string => new Date(now - seconds * 1000).toISOString();
const nginx = { name: 'nginx', image: 'nginx:1.25', ports: [{ containerPort: 80, protocol: 'TCP' }] };

describe('describeReplicationController', () => {
  it('describes the walkthrough mysql controller', () => {
    const rc: ReplicationController = {
      metadata: { name: 'mysql', namespace: 'default', labels: { app: 'mysql' } },
      spec: {
        replicas: 1,
        selector: { app: 'mysql' },
        template: {
          metadata: { labels: { app: 'mysql' } },
          spec: { containers: [{ name: 'mysql', image: 'mysql', ports: [{ containerPort: 3306 }], env: [{ name: 'MYSQL_ROOT_PASSWORD', value: '123456' }] }] },
        },
      },
      status: { replicas: 1, readyReplicas: 1 },
    };
    const events = [
      { type: 'Normal', reason: 'SuccessfulCreate', message: 'Created pod: mysql-x7k2p', source: { component: 'replication-controller' }, firstTimestamp: ago(300), lastTimestamp: ago(300), count: 1 },
    ];
    expect(describeReplicationController(rc, { now, events, pods: { running: 1, waiting: 0, succeeded: 0, failed: 0 } })).toBe(
      [
        'Name:         mysql',
        'Namespace:    default',
        'Selector:     app=mysql',
        'Labels:       app=mysql',
        'Annotations:  <none>',
        'Replicas:     1 current / 1 desired',
        'Pods Status:  1 Running / 0 Waiting / 0 Succeeded / 0 Failed',
        'Pod Template:',
        '  Labels:  app=mysql',
        '  Containers:',
        '   mysql:',
        '    Image:      mysql',
        '    Port:       3306/TCP',
        '    Host Port:  0/TCP',
        '    Environment:',
        '      MYSQL_ROOT_PASSWORD:  123456',
        '    Mounts:                 <none>',
        '  Volumes:                  <none>',
        '  Node-Selectors:           <none>',
        '  Tolerations:              <none>',
        'Events:',
        '  Type    Reason            Age   From                    Message',
        '  ----    ------            ----  ----                    -------',
        '  Normal  SuccessfulCreate  5m    replication-controller  Created pod: mysql-x7k2p',
        '',
      ].join('\n'),
    );
  });
});

describe('describeReplicaSet', () => {
  it('describes a replica set owned by a deployment, counting only the pods it controls', () => {
    const rs: ReplicaSet = {
      metadata: {
        name: 'nginx-7c5ddbdf54',
        namespace: 'default',
        uid: 'rs-uid',
        labels: { app: 'nginx', 'pod-template-hash': '7c5ddbdf54' },
        annotations: {
          'deployment.kubernetes.io/revision': '1',
          'deployment.kubernetes.io/desired-replicas': '3',
          'deployment.kubernetes.io/max-replicas': '4',
        },
        ownerReferences: [{ apiVersion: 'apps/v1', kind: 'Deployment', name: 'nginx', uid: 'd-uid', controller: true }],
      },
      spec: {
        replicas: 3,
        selector: { matchLabels: { app: 'nginx', 'pod-template-hash': '7c5ddbdf54' } },
        template: { metadata: { labels: { app: 'nginx', 'pod-template-hash': '7c5ddbdf54' } }, spec: { containers: [nginx] } },
      },
      status: { replicas: 3 },
    };
    const owned = (name: string, uid: string, phase: string): Pod => ({
      metadata: { name, ownerReferences: [{ kind: 'ReplicaSet', name: 'x', uid, controller: true }] },
      status: { phase },
    });
    const pods = [owned('a', 'rs-uid', 'Running'), owned('b', 'rs-uid', 'Running'), owned('c', 'rs-uid', 'Running'), owned('d', 'other', 'Pending')];
    expect(describeObject(resourceByName('replicasets')!, rs, { now, pods, events: [] })).toBe(
      [
        'Name:           nginx-7c5ddbdf54',
        'Namespace:      default',
        'Selector:       app=nginx,pod-template-hash=7c5ddbdf54',
        'Labels:         app=nginx',
        '                pod-template-hash=7c5ddbdf54',
        'Annotations:    deployment.kubernetes.io/desired-replicas: 3',
        '                deployment.kubernetes.io/max-replicas: 4',
        '                deployment.kubernetes.io/revision: 1',
        'Controlled By:  Deployment/nginx',
        'Replicas:       3 current / 3 desired',
        'Pods Status:    3 Running / 0 Waiting / 0 Succeeded / 0 Failed',
        'Pod Template:',
        '  Labels:  app=nginx',
        '           pod-template-hash=7c5ddbdf54',
        '  Containers:',
        '   nginx:',
        '    Image:         nginx:1.25',
        '    Port:          80/TCP',
        '    Host Port:     0/TCP',
        '    Environment:   <none>',
        '    Mounts:        <none>',
        '  Volumes:         <none>',
        '  Node-Selectors:  <none>',
        '  Tolerations:     <none>',
        'Events:            <none>',
        '',
      ].join('\n'),
    );
  });

  it('counts pod phases, optionally only of one controller', () => {
    const pods: Pod[] = ['Running', 'Pending', 'Succeeded', 'Failed', 'Running', 'Unknown'].map((phase) => ({ status: { phase } }));
    expect(countPodPhases(pods)).toEqual({ running: 2, waiting: 1, succeeded: 1, failed: 1 });
    expect(countPodPhases(pods, 'uid')).toEqual({ running: 0, waiting: 0, succeeded: 0, failed: 0 });
  });
});

describe('describeDeployment', () => {
  it('describes a rolled-out deployment with its replica sets', () => {
    const d: Deployment = {
      metadata: { name: 'nginx', namespace: 'default', creationTimestamp: '2024-05-10T11:00:00Z', labels: { app: 'nginx' }, annotations: { 'deployment.kubernetes.io/revision': '1' } },
      spec: { replicas: 3, selector: { matchLabels: { app: 'nginx' } }, template: { metadata: { labels: { app: 'nginx' } }, spec: { containers: [nginx] } } },
      status: {
        replicas: 3,
        updatedReplicas: 3,
        readyReplicas: 3,
        availableReplicas: 3,
        conditions: [
          { type: 'Available', status: 'True', reason: 'MinimumReplicasAvailable' },
          { type: 'Progressing', status: 'True', reason: 'NewReplicaSetAvailable' },
        ],
      },
    };
    const newReplicaSet: ReplicaSet = { metadata: { name: 'nginx-7c5ddbdf54' }, spec: { replicas: 3 }, status: { replicas: 3 } };
    const events = [
      {
        type: 'Normal',
        reason: 'ScalingReplicaSet',
        message: 'Scaled up replica set nginx-7c5ddbdf54 to 3',
        source: { component: 'deployment-controller' },
        firstTimestamp: ago(3600),
        lastTimestamp: ago(3600),
        count: 1,
      },
    ];
    expect(describeDeployment(d, { now, events, newReplicaSet, oldReplicaSets: [] })).toBe(
      [
        'Name:                   nginx',
        'Namespace:              default',
        'CreationTimestamp:      Fri, 10 May 2024 11:00:00 +0000',
        'Labels:                 app=nginx',
        'Annotations:            deployment.kubernetes.io/revision: 1',
        'Selector:               app=nginx',
        'Replicas:               3 desired | 3 updated | 3 total | 3 available | 0 unavailable',
        'StrategyType:           RollingUpdate',
        'MinReadySeconds:        0',
        'RollingUpdateStrategy:  25% max unavailable, 25% max surge',
        'Pod Template:',
        '  Labels:  app=nginx',
        '  Containers:',
        '   nginx:',
        '    Image:         nginx:1.25',
        '    Port:          80/TCP',
        '    Host Port:     0/TCP',
        '    Environment:   <none>',
        '    Mounts:        <none>',
        '  Volumes:         <none>',
        '  Node-Selectors:  <none>',
        '  Tolerations:     <none>',
        'Conditions:',
        '  Type           Status  Reason',
        '  ----           ------  ------',
        '  Available      True    MinimumReplicasAvailable',
        '  Progressing    True    NewReplicaSetAvailable',
        'OldReplicaSets:  <none>',
        'NewReplicaSet:   nginx-7c5ddbdf54 (3/3 replicas created)',
        'Events:',
        '  Type    Reason             Age   From                   Message',
        '  ----    ------             ----  ----                   -------',
        '  Normal  ScalingReplicaSet  60m   deployment-controller  Scaled up replica set nginx-7c5ddbdf54 to 3',
        '',
      ].join('\n'),
    );
  });
});
