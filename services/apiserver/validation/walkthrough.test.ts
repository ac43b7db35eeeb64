import { describe, expect, it } from 'vitest';
import { toKubeJSON } from '../../../lib/api/json.js';
import { walkthroughMysqlRc, STORED_MYSQL_RC_SPEC } from '../../../test/fixtures/walkthrough/mysql-rc.js';
import { validateObject } from '../registry/strategy.js';
import { defaulted, type Json } from './test-support.js';

// The manifests of the book's walkthrough, as a user would submit them. Each
// must be accepted after defaulting, as a Kubernetes cluster accepts it.

const mysqlRC: Json = walkthroughMysqlRc();

const tomcatService: Json = {
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name: 'tomcat-service' },
  spec: { ports: [{ port: 8080 }], selector: { tier: 'frontend' } },
};

const manifests: Array<[string, Json]> = [
  ['mysql ReplicationController', mysqlRC],
  ['mysql Service', { apiVersion: 'v1', kind: 'Service', metadata: { name: 'mysql' }, spec: { ports: [{ port: 3306 }], selector: { app: 'mysql' } } }],
  [
    'myweb ReplicationController',
    {
      apiVersion: 'v1',
      kind: 'ReplicationController',
      metadata: { name: 'myweb' },
      spec: {
        replicas: 5,
        selector: { app: 'myweb' },
        template: {
          metadata: { labels: { app: 'myweb' } },
          spec: {
            containers: [
              {
                name: 'myweb',
                image: 'kubeguide/tomcat-app:v1',
                ports: [{ containerPort: 8080 }],
                env: [
                  { name: 'MYSQL_SERVICE_HOST', value: 'mysql' },
                  { name: 'MYSQL_SERVICE_PORT', value: '3306' },
                ],
              },
            ],
          },
        },
      },
    },
  ],
  [
    'myweb NodePort Service',
    { apiVersion: 'v1', kind: 'Service', metadata: { name: 'myweb' }, spec: { type: 'NodePort', ports: [{ port: 8080, nodePort: 30001 }], selector: { app: 'myweb' } } },
  ],
  [
    'myweb Pod',
    {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'myweb', labels: { name: 'myweb' } },
      spec: {
        containers: [
          {
            name: 'myweb',
            image: 'kubeguide/tomcat-app:v1',
            ports: [{ containerPort: 8080 }],
            env: [
              { name: 'MYSQL_SERVICE_HOST', value: 'mysql' },
              { name: 'MYSQL_SERVICE_PORT', value: '3306' },
            ],
          },
        ],
      },
    },
  ],
  [
    'db Pod with requests and limits',
    {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'db' },
      spec: { containers: [{ name: 'db', image: 'mysql', resources: { requests: { memory: '64Mi', cpu: '250m' }, limits: { memory: '128Mi', cpu: '500m' } } }] },
    },
  ],
  [
    'frontend Deployment (extensions/v1beta1)',
    {
      apiVersion: 'extensions/v1beta1',
      kind: 'Deployment',
      metadata: { name: 'frontend' },
      spec: {
        replicas: 1,
        selector: { matchLabels: { tier: 'frontend' }, matchExpressions: [{ key: 'tier', operator: 'In', values: ['frontend'] }] },
        template: {
          metadata: { labels: { app: 'app-demo', tier: 'frontend' } },
          spec: { containers: [{ name: 'tomcat-demo', image: 'tomcat', imagePullPolicy: 'IfNotPresent', ports: [{ containerPort: 8080 }] }] },
        },
      },
    },
  ],
  [
    'php-apache HorizontalPodAutoscaler',
    {
      apiVersion: 'autoscaling/v1',
      kind: 'HorizontalPodAutoscaler',
      metadata: { name: 'php-apache', namespace: 'default' },
      spec: { maxReplicas: 10, minReplicas: 1, scaleTargetRef: { kind: 'Deployment', name: 'php-apache' }, targetCPUUtilizationPercentage: 90 },
    },
  ],
  ['tomcat-service', tomcatService],
  [
    'tomcat-service NodePort',
    { apiVersion: 'v1', kind: 'Service', metadata: { name: 'tomcat-service' }, spec: { type: 'NodePort', ports: [{ port: 8080, nodePort: 31002 }], selector: { tier: 'frontend' } } },
  ],
  [
    'pv0003 PersistentVolume',
    {
      apiVersion: 'v1',
      kind: 'PersistentVolume',
      metadata: { name: 'pv0003' },
      spec: { capacity: { storage: '5Gi' }, accessModes: ['ReadWriteOnce'], nfs: { path: '/somepath', server: '172.17.0.2' } },
    },
  ],
  ['development Namespace', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'development' } }],
  [
    'busybox Pod in development',
    {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'busybox', namespace: 'development' },
      spec: { containers: [{ image: 'busybox', command: ['sleep', '3600'], name: 'busybox' }] },
    },
  ],
];

describe('walkthrough manifests', () => {
  it.each(manifests)('%s is valid after defaulting', (_name, manifest) => {
    const { info, object } = defaulted(manifest);
    expect(validateObject(info, object).map(String)).toEqual([]);
  });

  it('defaults the mysql RC to what Kubernetes stores', () => {
    const { info, object } = defaulted(mysqlRC);
    const json = toKubeJSON(info, object) as Json;
    expect(json.spec).toEqual(STORED_MYSQL_RC_SPEC);
    expect(json.status).toEqual({ replicas: 0 });
    expect((json.metadata as Json).labels).toEqual({ app: 'mysql' });
  });

  it('defaults tomcat-service to what the walkthrough shows', () => {
    const { info, object } = defaulted(tomcatService);
    const json = toKubeJSON(info, object) as { spec: Json; status: Json };
    expect(json.spec).toMatchObject({ ports: [{ port: 8080, protocol: 'TCP', targetPort: 8080 }], selector: { tier: 'frontend' }, sessionAffinity: 'None', type: 'ClusterIP' });
    expect(json.status).toEqual({ loadBalancer: {} });
  });
});
