import { describe, expect, it } from 'vitest';
import type { Deployment, ReplicaSet, ReplicationController } from '../../api/generated/index.js';
import { resourceByName } from '../../api/resources.js';
import { printTable } from './registry.js';

const now = Date.parse('2024-05-10T12:00:00Z');
const ago = (seconds: number): string => new Date(now - seconds * 1000).toISOString();

const rcs: ReplicationController[] = [
  {
    metadata: { name: 'mysql', creationTimestamp: ago(300) },
    spec: { replicas: 1, selector: { app: 'mysql' }, template: { spec: { containers: [{ name: 'mysql', image: 'mysql:5.7' }] } } },
    status: { replicas: 1, readyReplicas: 1 },
  },
  {
    metadata: { name: 'myweb', creationTimestamp: ago(120) },
    spec: { replicas: 5, selector: { app: 'myweb' }, template: { spec: { containers: [{ name: 'myweb', image: 'kubeguide/tomcat-app:v1' }] } } },
    status: { replicas: 5, readyReplicas: 3 },
  },
];

describe('kubectl get replicationcontrollers', () => {
  it('prints NAME DESIRED CURRENT READY AGE', () => {
    expect(printTable(resourceByName('replicationcontrollers')!, rcs, { now })).toBe(
      ['NAME    DESIRED   CURRENT   READY   AGE', 'mysql   1         1         1       5m', 'myweb   5         5         3       2m', ''].join('\n'),
    );
  });

  it('adds CONTAINERS IMAGES SELECTOR with -o wide', () => {
    expect(printTable(resourceByName('replicationcontrollers')!, rcs, { now, wide: true })).toBe(
      [
        'NAME    DESIRED   CURRENT   READY   AGE   CONTAINERS   IMAGES                    SELECTOR',
        'mysql   1         1         1       5m    mysql        mysql:5.7                 app=mysql',
        'myweb   5         5         3       2m    myweb        kubeguide/tomcat-app:v1   app=myweb',
        '',
      ].join('\n'),
    );
  });
});

describe('kubectl get replicasets', () => {
  const sets: ReplicaSet[] = [
    {
      metadata: { name: 'frontend-5f7b9', creationTimestamp: ago(10 * 86400) },
      spec: {
        replicas: 3,
        selector: { matchLabels: { app: 'frontend' }, matchExpressions: [{ key: 'tier', operator: 'In', values: ['frontend'] }] },
        template: { spec: { containers: [{ name: 'php', image: 'php:8' }] } },
      },
      status: { replicas: 3, readyReplicas: 2 },
    },
    { metadata: { name: 'empty', creationTimestamp: ago(10 * 86400) } },
  ];

  it('prints NAME DESIRED CURRENT READY AGE, an unset replicas meaning 1', () => {
    expect(printTable(resourceByName('replicasets')!, sets, { now })).toBe(
      ['NAME             DESIRED   CURRENT   READY   AGE', 'frontend-5f7b9   3         3         2       10d', 'empty            1         0         0       10d', ''].join('\n'),
    );
  });

  it('prints the label selector with -o wide', () => {
    expect(printTable(resourceByName('replicasets')!, sets.slice(0, 1), { now, wide: true })).toBe(
      [
        'NAME             DESIRED   CURRENT   READY   AGE   CONTAINERS   IMAGES   SELECTOR',
        'frontend-5f7b9   3         3         2       10d   php          php:8    app=frontend,tier in (frontend)',
        '',
      ].join('\n'),
    );
  });
});

describe('kubectl get deployments', () => {
  const deployment: Deployment = {
    metadata: { name: 'nginx', creationTimestamp: ago(30) },
    spec: {
      replicas: 3,
      selector: { matchLabels: { app: 'nginx' } },
      template: {
        spec: {
          containers: [
            { name: 'nginx', image: 'nginx:1.25' },
            { name: 'sidecar', image: 'busybox:1.36' },
          ],
        },
      },
    },
    status: { replicas: 3, updatedReplicas: 3, readyReplicas: 2, availableReplicas: 2 },
  };

  it('prints NAME READY UP-TO-DATE AVAILABLE AGE', () => {
    expect(printTable(resourceByName('deployments')!, [deployment], { now })).toBe(
      ['NAME    READY   UP-TO-DATE   AVAILABLE   AGE', 'nginx   2/3     3            2           30s', ''].join('\n'),
    );
  });

  it('adds CONTAINERS IMAGES SELECTOR with -o wide', () => {
    expect(printTable(resourceByName('deployments')!, [deployment], { now, wide: true })).toBe(
      [
        'NAME    READY   UP-TO-DATE   AVAILABLE   AGE   CONTAINERS      IMAGES                    SELECTOR',
        'nginx   2/3     3            2           30s   nginx,sidecar   nginx:1.25,busybox:1.36   app=nginx',
        '',
      ].join('\n'),
    );
  });
});
