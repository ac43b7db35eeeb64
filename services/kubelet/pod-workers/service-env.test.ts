import { describe, expect, it } from 'vitest';
import type { Service } from '../../../lib/api/generated/index.js';
import { serviceEnvMap, serviceEnvVars } from './service-env.js';

function svc(namespace: string, name: string, clusterIP: string, ports: Array<{ name?: string; port: number; protocol?: string }>): Service {
  return { metadata: { namespace, name }, spec: { clusterIP, ports } };
}

describe('serviceEnvVars', () => {
  it('produces the exact variables Kubernetes does', () => {
    const vars = serviceEnvVars([
      svc('shop', 'my-sql', '10.96.0.8', [
        { port: 3306 },
        { name: 'admin-port', port: 33060, protocol: 'TCP' },
        { name: 'dns', port: 53, protocol: 'UDP' },
      ]),
    ]);
    expect(vars).toEqual([
      { name: 'MY_SQL_SERVICE_HOST', value: '10.96.0.8' },
      { name: 'MY_SQL_SERVICE_PORT', value: '3306' },
      { name: 'MY_SQL_SERVICE_PORT_ADMIN_PORT', value: '33060' },
      { name: 'MY_SQL_SERVICE_PORT_DNS', value: '53' },
      { name: 'MY_SQL_PORT', value: 'tcp://10.96.0.8:3306' },
      { name: 'MY_SQL_PORT_3306_TCP', value: 'tcp://10.96.0.8:3306' },
      { name: 'MY_SQL_PORT_3306_TCP_PROTO', value: 'tcp' },
      { name: 'MY_SQL_PORT_3306_TCP_PORT', value: '3306' },
      { name: 'MY_SQL_PORT_3306_TCP_ADDR', value: '10.96.0.8' },
      { name: 'MY_SQL_PORT_33060_TCP', value: 'tcp://10.96.0.8:33060' },
      { name: 'MY_SQL_PORT_33060_TCP_PROTO', value: 'tcp' },
      { name: 'MY_SQL_PORT_33060_TCP_PORT', value: '33060' },
      { name: 'MY_SQL_PORT_33060_TCP_ADDR', value: '10.96.0.8' },
      { name: 'MY_SQL_PORT_53_UDP', value: 'udp://10.96.0.8:53' },
      { name: 'MY_SQL_PORT_53_UDP_PROTO', value: 'udp' },
      { name: 'MY_SQL_PORT_53_UDP_PORT', value: '53' },
      { name: 'MY_SQL_PORT_53_UDP_ADDR', value: '10.96.0.8' },
    ]);
  });

  it('skips headless services and services without an IP', () => {
    expect(serviceEnvVars([svc('a', 'h', 'None', [{ port: 80 }]), svc('a', 'e', '', [{ port: 80 }])])).toEqual([]);
  });

  it('brackets IPv6 addresses in URLs', () => {
    const vars = serviceEnvVars([svc('a', 'v6', 'fd00::1', [{ port: 80 }])]);
    expect(vars.find((v) => v.name === 'V6_PORT')?.value).toBe('tcp://[fd00::1]:80');
  });
});

describe('serviceEnvMap', () => {
  const kubernetes = svc('default', 'kubernetes', '10.96.0.1', [{ name: 'https', port: 443 }]);
  const other = svc('default', 'other', '10.96.0.2', [{ port: 80 }]);
  const mysql = svc('shop', 'mysql', '10.96.0.3', [{ port: 3306 }]);

  it("gives the pod's namespace services and the kubernetes service", () => {
    const env = serviceEnvMap('shop', true, [mysql], [kubernetes, other]);
    expect(env.get('MYSQL_SERVICE_HOST')).toBe('10.96.0.3');
    expect(env.get('KUBERNETES_SERVICE_HOST')).toBe('10.96.0.1');
    expect(env.get('KUBERNETES_SERVICE_PORT_HTTPS')).toBe('443');
    expect(env.has('OTHER_SERVICE_HOST')).toBe(false);
  });

  it('keeps only the master services when enableServiceLinks is false', () => {
    const env = serviceEnvMap('shop', false, [mysql], [kubernetes]);
    expect(env.has('MYSQL_SERVICE_HOST')).toBe(false);
    expect(env.get('KUBERNETES_SERVICE_HOST')).toBe('10.96.0.1');
  });

  it('lets a namespace service named kubernetes win', () => {
    const own = svc('shop', 'kubernetes', '10.96.0.99', [{ port: 1 }]);
    expect(serviceEnvMap('shop', true, [own], [kubernetes]).get('KUBERNETES_SERVICE_HOST')).toBe('10.96.0.99');
  });

  it('in the default namespace gives all its services', () => {
    const env = serviceEnvMap('default', true, [], [kubernetes, other]);
    expect(env.get('OTHER_SERVICE_HOST')).toBe('10.96.0.2');
  });
});
