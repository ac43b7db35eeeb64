import { describe, expect, it } from 'vitest';
import type { EndpointSlice, Service } from '../../lib/api/generated/index.js';
import { buildServicePorts, servicePortName } from './service-ports.js';

const svc = (name: string, spec: Service['spec']): Service => ({ metadata: { name, namespace: 'default' }, spec });

describe('buildServicePorts', () => {
  const services: Service[] = [
    svc('web', {
      type: 'NodePort',
      clusterIP: '10.96.0.30',
      sessionAffinity: 'ClientIP',
      ports: [
        { name: 'http', port: 80, nodePort: 30001, protocol: 'TCP' },
        { name: 'dns', port: 53, nodePort: 30053, protocol: 'UDP' },
      ],
    }),
    svc('plain', { type: 'ClusterIP', clusterIP: '10.96.0.31', ports: [{ port: 3306, nodePort: 30002 }] }),
    svc('headless', { clusterIP: 'None', ports: [{ port: 80 }] }),
    svc('external', { type: 'ExternalName', externalName: 'db.example.com', ports: [{ port: 80 }] }),
    svc('pending', { clusterIP: '', ports: [{ port: 80 }] }),
  ];
  const slices: Record<string, EndpointSlice[]> = {
    web: [
      {
        addressType: 'IPv4',
        endpoints: [
          { addresses: ['172.17.0.10'], conditions: { ready: true } },
          { addresses: ['172.17.0.9'] },
          { addresses: ['172.17.0.11'], conditions: { ready: false, serving: true, terminating: true } },
        ],
        ports: [
          { name: 'http', port: 8080, protocol: 'TCP' },
          { name: 'dns', port: 5353, protocol: 'UDP' },
        ],
      },
      { addressType: 'IPv4', endpoints: [{ addresses: ['172.17.0.9'], conditions: { ready: true } }], ports: [{ name: 'http', port: 8080, protocol: 'TCP' }] },
      { addressType: 'IPv6', endpoints: [{ addresses: ['fd00::9'], conditions: { ready: true } }], ports: [{ name: 'http', port: 8080, protocol: 'TCP' }] },
      { addressType: 'IPv4', endpoints: [{ addresses: ['172.17.0.12'], conditions: { ready: true } }], ports: [{ name: 'http', protocol: 'TCP' }] },
    ],
  };
  const ports = buildServicePorts(services, (_ns, name) => slices[name] ?? []);

  it('takes every port of every service with a ClusterIP, in a stable order', () => {
    expect(ports.map((p) => `${servicePortName(p)}/${p.protocol}`)).toEqual(['default/plain/TCP', 'default/web:dns/UDP', 'default/web:http/TCP']);
  });

  it('joins ready IPv4 endpoints of the slices\' port with the same name and protocol (unset ready counts as ready), sorted and once each', () => {
    const http = ports.find((p) => p.portName === 'http')!;
    expect(http.endpoints).toEqual([
      { ip: '172.17.0.9', port: 8080 },
      { ip: '172.17.0.10', port: 8080 },
    ]);
    expect(ports.find((p) => p.portName === 'dns')!.endpoints.map((e) => e.port)).toEqual([5353, 5353]);
    expect(ports.find((p) => p.name === 'plain')!.endpoints).toEqual([]);
  });

  it('keeps node ports only for NodePort and LoadBalancer services, and notes ClientIP affinity', () => {
    expect(ports.find((p) => p.portName === 'http')).toMatchObject({ nodePort: 30001, clientIPAffinity: true });
    expect(ports.find((p) => p.name === 'plain')).toMatchObject({ nodePort: 0, clientIPAffinity: false });
  });
});
