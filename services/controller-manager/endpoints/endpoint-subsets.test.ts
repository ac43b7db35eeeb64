import { describe, expect, it } from 'vitest';
import type { Pod, Service, ServicePort, ServiceSpec } from '../../../lib/api/generated/index.js';
import { findPort } from '../common/endpoint-util.js';
import { endpointSubsets } from './endpoint-subsets.js';

function pod(name: string, ip: string, o: { ready?: boolean; node?: string; ports?: { name: string; containerPort: number; protocol?: string }[]; deleting?: boolean; phase?: string } = {}): Pod {
  return {
    metadata: { name, namespace: 'default', uid: `uid-${name}`, labels: { app: 'web' }, ...(o.deleting ? { deletionTimestamp: '2024-01-01T00:00:00Z' } : {}) },
    spec: { nodeName: o.node ?? 'n1', containers: [{ name: 'c', image: 'web:1', ports: o.ports ?? [] }] },
    status: { phase: o.phase ?? 'Running', podIP: ip, conditions: [{ type: 'Ready', status: o.ready === false ? 'False' : 'True' }] },
  };
}

function service(ports: ServicePort[], extra: ServiceSpec = {}): Service {
  return { metadata: { name: 'web', namespace: 'default' }, spec: { selector: { app: 'web' }, ports, ...extra } };
}

const addr = (name: string, ip: string, node = 'n1') => ({ ip, nodeName: node, targetRef: { kind: 'Pod', namespace: 'default', name, uid: `uid-${name}` } });

describe('findPort', () => {
  it('resolves numbers, names (by protocol) and a missing targetPort', () => {
    const p = pod('a', '10.0.0.1', { ports: [{ name: 'http', containerPort: 8080 }, { name: 'dns', containerPort: 53, protocol: 'UDP' }] });
    expect(findPort(p, { port: 80, targetPort: { intVal: 9090 } })).toBe(9090);
    expect(findPort(p, { port: 80, targetPort: { strVal: 'http' } })).toBe(8080);
    expect(findPort(p, { port: 53, protocol: 'UDP', targetPort: { strVal: 'dns' } })).toBe(53);
    expect(findPort(p, { port: 53, protocol: 'TCP', targetPort: { strVal: 'dns' } })).toBeUndefined();
    expect(findPort(p, { port: 80, targetPort: { strVal: 'nope' } })).toBeUndefined();
    expect(findPort(p, { port: 3306 })).toBe(3306);
  });
});

describe('endpointSubsets', () => {
  it('puts ready pods in addresses and the others in notReadyAddresses, sorted by IP', () => {
    const subsets = endpointSubsets(service([{ port: 3306, protocol: 'TCP', targetPort: { intVal: 3306 } }]), [
      pod('b', '10.0.0.10'),
      pod('a', '10.0.0.9'),
      pod('c', '10.0.0.2', { ready: false }),
    ]);
    expect(subsets).toEqual([{ addresses: [addr('a', '10.0.0.9'), addr('b', '10.0.0.10')], notReadyAddresses: [addr('c', '10.0.0.2')], ports: [{ port: 3306, protocol: 'TCP' }] }]);
  });

  it('leaves out pods without an IP, finished pods and pods being deleted', () => {
    const subsets = endpointSubsets(service([{ port: 80, targetPort: { intVal: 80 } }]), [
      pod('no-ip', ''),
      pod('done', '10.0.0.3', { phase: 'Succeeded' }),
      pod('going', '10.0.0.4', { deleting: true }),
    ]);
    expect(subsets).toEqual([]);
  });

  it('groups addresses by the ports they resolve, so pods without a named port get their own subset', () => {
    const withHttp = pod('new', '10.0.0.1', { ports: [{ name: 'http', containerPort: 8080 }] });
    const withAlt = pod('old', '10.0.0.2', { ports: [{ name: 'http', containerPort: 9090 }] });
    const without = pod('bare', '10.0.0.3');
    const subsets = endpointSubsets(
      service([
        { name: 'web', port: 80, protocol: 'TCP', targetPort: { strVal: 'http' } },
        { name: 'metrics', port: 9100, protocol: 'TCP', targetPort: { intVal: 9100 } },
      ]),
      [withHttp, withAlt, without],
    );
    expect(subsets).toEqual([
      { addresses: [addr('new', '10.0.0.1'), addr('old', '10.0.0.2'), addr('bare', '10.0.0.3')], ports: [{ name: 'metrics', port: 9100, protocol: 'TCP' }] },
      { addresses: [addr('new', '10.0.0.1')], ports: [{ name: 'web', port: 8080, protocol: 'TCP' }] },
      { addresses: [addr('old', '10.0.0.2')], ports: [{ name: 'web', port: 9090, protocol: 'TCP' }] },
    ]);
  });

  it('publishes not-ready pods as ready with publishNotReadyAddresses', () => {
    const subsets = endpointSubsets(service([{ port: 80, targetPort: { intVal: 80 } }], { publishNotReadyAddresses: true }), [pod('a', '10.0.0.1', { ready: false })]);
    expect(subsets[0]?.addresses).toEqual([addr('a', '10.0.0.1')]);
  });

  it('lists addresses without ports for a headless service without ports, and nothing for a normal one', () => {
    expect(endpointSubsets(service([], { clusterIP: 'None' }), [pod('a', '10.0.0.1')])).toEqual([{ addresses: [addr('a', '10.0.0.1')] }]);
    expect(endpointSubsets(service([]), [pod('a', '10.0.0.1')])).toEqual([]);
  });

  it('sets the hostname of pods whose subdomain names the service', () => {
    const p = pod('a', '10.0.0.1');
    p.spec = { ...p.spec, hostname: 'db-0', subdomain: 'web' };
    expect(endpointSubsets(service([{ port: 80 }]), [p])[0]?.addresses?.[0]?.hostname).toBe('db-0');
  });
});
