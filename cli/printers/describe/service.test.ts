import { describe, expect, it } from 'vitest';
import type { Endpoints, Service } from '../../../lib/api/generated/index.js';
import { describeService } from './service.js';

const now = Date.parse('2024-05-10T12:00:00Z');

describe('describeService', () => {
  it('describes the walkthrough myweb NodePort service with its endpoints', () => {
    const svc: Service = {
      metadata: { name: 'myweb', namespace: 'default' },
      spec: {
        type: 'NodePort',
        selector: { app: 'myweb' },
        clusterIP: '10.96.146.101',
        clusterIPs: ['10.96.146.101'],
        ipFamilies: ['IPv4'],
        ipFamilyPolicy: 'SingleStack',
        ports: [{ port: 8080, targetPort: { intVal: 8080 }, nodePort: 30001, protocol: 'TCP' }],
        sessionAffinity: 'None',
        externalTrafficPolicy: 'Cluster',
        internalTrafficPolicy: 'Cluster',
      },
    };
    const endpoints: Endpoints = {
      subsets: [{ addresses: ['172.17.0.3', '172.17.0.4', '172.17.0.5', '172.17.0.6', '172.17.0.7'].map((ip) => ({ ip })), ports: [{ port: 8080, protocol: 'TCP' }] }],
    };
    expect(describeService(svc, { now, endpoints, events: [] })).toBe(
      [
        'Name:                     myweb',
        'Namespace:                default',
        'Labels:                   <none>',
        'Annotations:              <none>',
        'Selector:                 app=myweb',
        'Type:                     NodePort',
        'IP Family Policy:         SingleStack',
        'IP Families:              IPv4',
        'IP:                       10.96.146.101',
        'IPs:                      10.96.146.101',
        'Port:                     <unset>  8080/TCP',
        'TargetPort:               8080/TCP',
        'NodePort:                 <unset>  30001/TCP',
        'Endpoints:                172.17.0.3:8080,172.17.0.4:8080,172.17.0.5:8080 + 2 more...',
        'Session Affinity:         None',
        'External Traffic Policy:  Cluster',
        'Internal Traffic Policy:  Cluster',
        'Events:                   <none>',
        '',
      ].join('\n'),
    );
  });

  it('lists a named target port and <none> without endpoints', () => {
    const svc: Service = {
      metadata: { name: 'db', namespace: 'prod' },
      spec: { clusterIP: '10.96.0.9', ports: [{ name: 'mysql', port: 3306, targetPort: { strVal: 'db' } }] },
    };
    expect(describeService(svc, { now })).toBe(
      [
        'Name:              db',
        'Namespace:         prod',
        'Labels:            <none>',
        'Annotations:       <none>',
        'Selector:          <none>',
        'Type:              ClusterIP',
        'IP Families:       <none>',
        'IP:                10.96.0.9',
        'IPs:               10.96.0.9',
        'Port:              mysql  3306/TCP',
        'TargetPort:        db/TCP',
        'Endpoints:         <none>',
        'Session Affinity:  None',
        '',
      ].join('\n'),
    );
  });
});
