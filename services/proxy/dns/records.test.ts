import { describe, expect, it } from 'vitest';
import type { Endpoints, Service } from '../../../lib/api/generated/index.js';
import { resolveQuestion } from './records.js';
import { dataOf, directoryOf } from './testing.js';

const services: Service[] = [
  {
    metadata: { name: 'kubernetes', namespace: 'default' },
    spec: { type: 'ClusterIP', clusterIP: '10.96.0.1', ports: [{ name: 'https', port: 443, protocol: 'TCP' }] },
  },
  {
    metadata: { name: 'mysql', namespace: 'default' },
    spec: { type: 'ClusterIP', clusterIP: '10.96.0.20', ports: [{ port: 3306, protocol: 'TCP' }] },
  },
  {
    metadata: { name: 'db', namespace: 'prod' },
    spec: { clusterIP: 'None', ports: [{ name: 'sql', port: 3306, protocol: 'TCP' }] },
  },
  { metadata: { name: 'ext', namespace: 'prod' }, spec: { type: 'ExternalName', externalName: 'db.example.com' } },
];

const endpoints: Endpoints[] = [
  {
    metadata: { name: 'db', namespace: 'prod' },
    subsets: [
      {
        addresses: [{ ip: '172.17.0.5', hostname: 'db-0' }, { ip: '172.17.0.6' }],
        notReadyAddresses: [{ ip: '172.17.0.7' }],
        ports: [{ name: 'sql', port: 3306, protocol: 'TCP' }],
      },
    ],
  },
];

const dir = directoryOf(services, endpoints);
const ask = (name: string, type: Parameters<typeof resolveQuestion>[1] = 'A') => resolveQuestion(name, type, dir, 'cluster.local');

describe('cluster DNS records', () => {
  it('answers a service name with its ClusterIP', () => {
    const res = ask('mysql.default.svc.cluster.local');
    expect(res.rcode).toBe('NOERROR');
    expect(res.authoritative).toBe(true);
    expect(res.answers).toEqual([{ type: 'A', name: 'mysql.default.svc.cluster.local', ttl: 5, data: '10.96.0.20' }]);
  });

  it('answers kubernetes.default, case-insensitively and with a trailing dot', () => {
    expect(dataOf(ask('Kubernetes.Default.SVC.cluster.local.').answers)).toEqual(['10.96.0.1']);
  });

  it('answers a headless service with its ready endpoints, and each endpoint by hostname or dashed IP', () => {
    expect(dataOf(ask('db.prod.svc.cluster.local').answers)).toEqual(['172.17.0.5', '172.17.0.6']);
    expect(dataOf(ask('db-0.db.prod.svc.cluster.local').answers)).toEqual(['172.17.0.5']);
    expect(dataOf(ask('172-17-0-6.db.prod.svc.cluster.local').answers)).toEqual(['172.17.0.6']);
    expect(ask('172-17-0-7.db.prod.svc.cluster.local').rcode).toBe('NXDOMAIN');
  });

  it('answers SRV for named ports, with the targets as additionals', () => {
    const res = ask('_https._tcp.kubernetes.default.svc.cluster.local', 'SRV');
    expect(res.answers).toEqual([
      { type: 'SRV', name: '_https._tcp.kubernetes.default.svc.cluster.local', ttl: 5, data: { priority: 0, weight: 100, port: 443, target: 'kubernetes.default.svc.cluster.local' } },
    ]);
    expect(dataOf(res.additionals)).toEqual(['10.96.0.1']);
    const headless = ask('_sql._tcp.db.prod.svc.cluster.local', 'SRV');
    expect(dataOf(headless.answers).map((d) => (d as { target: string }).target)).toEqual(['db-0.db.prod.svc.cluster.local', '172-17-0-6.db.prod.svc.cluster.local']);
    expect(ask('_http._tcp.kubernetes.default.svc.cluster.local', 'SRV').rcode).toBe('NXDOMAIN');
  });

  it('answers pod names from their dashed IP', () => {
    expect(dataOf(ask('172-17-0-9.default.pod.cluster.local').answers)).toEqual(['172.17.0.9']);
  });

  it('answers an ExternalName service with a CNAME only (the target is never looked up)', () => {
    expect(ask('ext.prod.svc.cluster.local').answers).toEqual([{ type: 'CNAME', name: 'ext.prod.svc.cluster.local', ttl: 5, data: 'db.example.com' }]);
  });

  it('gives NXDOMAIN for missing names in the cluster domain, as the search path expects', () => {
    // What a resolver with `search default.svc.cluster.local svc.cluster.local cluster.local` tries first for `mysql.default`.
    expect(ask('mysql.default.default.svc.cluster.local').rcode).toBe('NXDOMAIN');
    expect(ask('nothere.default.svc.cluster.local').rcode).toBe('NXDOMAIN');
    expect(ask('mysql.nons.svc.cluster.local').rcode).toBe('NXDOMAIN');
    expect(ask('example.com.default.svc.cluster.local').rcode).toBe('NXDOMAIN');
    expect(ask('example.com.cluster.local').rcode).toBe('NXDOMAIN');
    const res = ask('nothere.default.svc.cluster.local');
    expect(res.authorities[0]).toMatchObject({ type: 'SOA', name: 'cluster.local' });
  });

  it('gives NOERROR without answers for other types of existing names and for the zone structure', () => {
    for (const [name, type] of [
      ['mysql.default.svc.cluster.local', 'AAAA'],
      ['default.svc.cluster.local', 'A'],
      ['svc.cluster.local', 'A'],
      ['cluster.local', 'A'],
    ] as const) {
      const res = ask(name, type);
      expect(res.rcode, `${name} ${type}`).toBe('NOERROR');
      expect(res.answers).toEqual([]);
    }
    expect(ask('cluster.local', 'SOA').answers[0]).toMatchObject({ type: 'SOA' });
  });

  it('refuses every name outside the cluster domain', () => {
    for (const name of ['example.com', 'localhost', 'cluster.local.evil.com', 'notcluster.local', '1.0.96.10.in-addr.arpa']) {
      const res = ask(name);
      expect(res.rcode, name).toBe('REFUSED');
      expect(res.answers).toEqual([]);
    }
  });

  it("answers a StatefulSet pod's own name, <hostname>.<service>.<namespace>.svc, from its headless Service's endpoints", () => {
    // What the endpoints controller writes for pods web-0 and web-1 (hostname web-N, subdomain web) behind the headless Service web.
    const web: Service = { metadata: { name: 'web', namespace: 'shop' }, spec: { clusterIP: 'None', ports: [{ name: 'http', port: 80, protocol: 'TCP' }] } };
    const webEndpoints: Endpoints = {
      metadata: { name: 'web', namespace: 'shop' },
      subsets: [
        {
          addresses: [
            { ip: '10.244.1.7', hostname: 'web-0', targetRef: { kind: 'Pod', name: 'web-0', namespace: 'shop' } },
            { ip: '10.244.2.9', hostname: 'web-1', targetRef: { kind: 'Pod', name: 'web-1', namespace: 'shop' } },
          ],
          notReadyAddresses: [{ ip: '10.244.3.4', hostname: 'web-2' }],
          ports: [{ name: 'http', port: 80, protocol: 'TCP' }],
        },
      ],
    };
    const stateful = directoryOf([web], [webEndpoints]);
    const askWeb = (name: string, type: Parameters<typeof resolveQuestion>[1] = 'A') => resolveQuestion(name, type, stateful, 'cluster.local');
    expect(askWeb('web-0.web.shop.svc.cluster.local').answers).toEqual([{ type: 'A', name: 'web-0.web.shop.svc.cluster.local', ttl: 5, data: '10.244.1.7' }]);
    expect(dataOf(askWeb('web-1.web.shop.svc.cluster.local.').answers)).toEqual(['10.244.2.9']);
    // Not ready yet (no publishNotReadyAddresses): no name, as CoreDNS.
    expect(askWeb('web-2.web.shop.svc.cluster.local').rcode).toBe('NXDOMAIN');
    expect(askWeb('web-0.web.default.svc.cluster.local').rcode).toBe('NXDOMAIN');
    expect(askWeb('_http._tcp.web.shop.svc.cluster.local', 'SRV').answers.map((a) => ('data' in a ? (a.data as { target: string }).target : ''))).toEqual([
      'web-0.web.shop.svc.cluster.local',
      'web-1.web.shop.svc.cluster.local',
    ]);
  });
});
