import { describe, expect, it } from 'vitest';
import type { Endpoints, Service } from '../../api/generated/index.js';
import { resourceByName } from '../../api/resources.js';
import { formatEndpoints } from './endpoints.js';
import { printTable } from './registry.js';

const now = Date.parse('2024-05-10T12:00:00Z');
const ago = (seconds: number): string => new Date(now - seconds * 1000).toISOString();

const services: Service[] = [
  {
    metadata: { name: 'mysql', creationTimestamp: ago(3 * 3600) },
    spec: { type: 'ClusterIP', clusterIP: '10.96.12.34', clusterIPs: ['10.96.12.34'], ports: [{ port: 3306, protocol: 'TCP' }], selector: { app: 'mysql' } },
  },
  {
    metadata: { name: 'myweb', creationTimestamp: ago(90) },
    spec: { type: 'NodePort', clusterIP: '10.96.0.20', ports: [{ port: 8080, nodePort: 30001 }], selector: { app: 'myweb', tier: 'web' } },
  },
  { metadata: { name: 'headless', creationTimestamp: ago(49 * 3600) }, spec: { clusterIP: 'None', clusterIPs: ['None'] } },
  { metadata: { name: 'ext', creationTimestamp: ago(5) }, spec: { type: 'ExternalName', externalName: 'db.example.com' } },
  {
    metadata: { name: 'lb', creationTimestamp: ago(5) },
    spec: { type: 'LoadBalancer', clusterIP: '10.96.0.30', ports: [{ port: 80, nodePort: 31000, protocol: 'TCP' }] },
  },
];

describe('kubectl get services', () => {
  it('prints NAME TYPE CLUSTER-IP EXTERNAL-IP PORT(S) AGE', () => {
    expect(printTable(resourceByName('services')!, services, { now })).toBe(
      [
        'NAME       TYPE           CLUSTER-IP    EXTERNAL-IP      PORT(S)          AGE',
        'mysql      ClusterIP      10.96.12.34   <none>           3306/TCP         3h',
        'myweb      NodePort       10.96.0.20    <none>           8080:30001/TCP   90s',
        'headless   ClusterIP      None          <none>           <none>           2d1h',
        'ext        ExternalName   <none>        db.example.com   <none>           5s',
        'lb         LoadBalancer   10.96.0.30    <pending>        80:31000/TCP     5s',
        '',
      ].join('\n'),
    );
  });

  it('adds SELECTOR with -o wide', () => {
    expect(printTable(resourceByName('services')!, services.slice(0, 3), { now, wide: true })).toBe(
      [
        'NAME       TYPE        CLUSTER-IP    EXTERNAL-IP   PORT(S)          AGE    SELECTOR',
        'mysql      ClusterIP   10.96.12.34   <none>        3306/TCP         3h     app=mysql',
        'myweb      NodePort    10.96.0.20    <none>        8080:30001/TCP   90s    app=myweb,tier=web',
        'headless   ClusterIP   None          <none>        <none>           2d1h   <none>',
        '',
      ].join('\n'),
    );
  });
});

const endpoints = (name: string, subsets: Endpoints['subsets']): Endpoints => ({ metadata: { name, creationTimestamp: ago(60) }, subsets });
const addresses = (...ips: string[]) => ips.map((ip) => ({ ip }));

describe('kubectl get endpoints', () => {
  it('prints the first three endpoints and counts the rest', () => {
    const list = [
      endpoints('mysql', [{ addresses: addresses('172.17.0.2'), ports: [{ port: 3306, protocol: 'TCP' }] }]),
      endpoints('myweb', [{ addresses: addresses('172.17.0.3', '172.17.0.4', '172.17.0.5', '172.17.0.6', '172.17.0.7'), ports: [{ port: 8080 }] }]),
      endpoints('pending', undefined),
    ];
    expect(printTable(resourceByName('endpoints')!, list, { now })).toBe(
      [
        'NAME      ENDPOINTS                                                     AGE',
        'mysql     172.17.0.2:3306                                               60s',
        'myweb     172.17.0.3:8080,172.17.0.4:8080,172.17.0.5:8080 + 2 more...   60s',
        'pending   <none>                                                        60s',
        '',
      ].join('\n'),
    );
  });

  it('lists bare IPs for port-less subsets, brackets IPv6 and filters by port name', () => {
    expect(formatEndpoints(endpoints('h', [{ addresses: addresses('10.0.0.1', '10.0.0.2') }]))).toBe('10.0.0.1,10.0.0.2');
    expect(formatEndpoints(endpoints('v6', [{ addresses: addresses('fd00::1'), ports: [{ port: 80 }] }]))).toBe('[fd00::1]:80');
    const named = endpoints('n', [{ addresses: addresses('10.0.0.1', '10.0.0.2'), ports: [{ name: 'http', port: 80 }, { name: 'metrics', port: 9090 }] }]);
    expect(formatEndpoints(named, 'http')).toBe('10.0.0.1:80,10.0.0.2:80');
    expect(formatEndpoints(named)).toBe('10.0.0.1:80,10.0.0.2:80,10.0.0.1:9090 + 1 more...');
  });
});
