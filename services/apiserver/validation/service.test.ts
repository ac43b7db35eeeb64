import { describe, expect, it } from 'vitest';
import { createErrors, type Json, LABEL_VALUE_MSG, statusErrors, updateErrors } from './test-support.js';

function service(spec: Json, name = 'web'): Json {
  return { apiVersion: 'v1', kind: 'Service', metadata: { name }, spec };
}

const PORT_RANGE = 'must be between 1 and 65535, inclusive';

describe('Service create', () => {
  it.each<[string, Json, string[]]>([
    ['a ClusterIP service', service({ ports: [{ port: 80, targetPort: 8080 }], selector: { app: 'web' } }), []],
    ['a named target port', service({ ports: [{ port: 80, targetPort: 'http' }] }), []],
    ['an allocated cluster IP', service({ clusterIP: '10.96.0.10', ports: [{ port: 53, protocol: 'UDP' }] }), []],
    ['a headless service without ports', service({ clusterIP: 'None' }), []],
    ['an ExternalName service', service({ type: 'ExternalName', externalName: 'db.example.com.' }), []],
    ['a NodePort service', service({ type: 'NodePort', ports: [{ port: 8080, nodePort: 30001 }] }), []],
    ['a LoadBalancer service', service({ type: 'LoadBalancer', ports: [{ port: 80 }], externalTrafficPolicy: 'Local' }), []],
    ['no ports', service({ selector: { app: 'web' } }), ['spec.ports: Required value']],
    ['port 0', service({ ports: [{ port: 0, targetPort: 80 }] }), [`spec.ports[0].port: Invalid value: 0: ${PORT_RANGE}`]],
    ['port 70000', service({ ports: [{ port: 70000, targetPort: 80 }] }), [`spec.ports[0].port: Invalid value: 70000: ${PORT_RANGE}`]],
    ['a bad target port name', service({ ports: [{ port: 80, targetPort: 'web_port' }] }), [
      'spec.ports[0].targetPort: Invalid value: "web_port": must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)',
    ]],
    [
      'two unnamed ports',
      service({ ports: [{ port: 80 }, { port: 443 }] }),
      ['spec.ports[0].name: Required value', 'spec.ports[1].name: Required value'],
    ],
    ['two ports with one name', service({ ports: [{ name: 'web', port: 80 }, { name: 'web', port: 443 }] }), ['spec.ports[1].name: Duplicate value: "web"']],
    [
      'the same port twice',
      service({ ports: [{ name: 'a', port: 80 }, { name: 'b', port: 80 }] }),
      ['spec.ports[1]: Duplicate value: {"protocol":"TCP","port":80}'],
    ],
    [
      'an unknown protocol',
      service({ ports: [{ port: 80, protocol: 'HTTP' }] }),
      ['spec.ports[0].protocol: Unsupported value: "HTTP": supported values: "SCTP", "TCP", "UDP"'],
    ],
    ['a node port beyond 65535', service({ type: 'NodePort', ports: [{ port: 80, nodePort: 70000 }] }), [
      'spec.ports[0].nodePort: Invalid value: 70000: must be between 0 and 65535, inclusive',
    ]],
    ['a node port on a ClusterIP service', service({ ports: [{ port: 80, nodePort: 30080 }] }), [
      "spec.ports[0].nodePort: Forbidden: may not be used when `type` is 'ClusterIP'",
    ]],
    [
      'the same node port twice',
      service({ type: 'NodePort', ports: [{ name: 'a', port: 80, nodePort: 30080 }, { name: 'b', port: 81, nodePort: 30080 }] }),
      ['spec.ports[1].nodePort: Duplicate value: 30080'],
    ],
    ['an unknown type', service({ type: 'Internal', ports: [{ port: 80 }] }), [
      'spec.type: Unsupported value: "Internal": supported values: "ClusterIP", "ExternalName", "LoadBalancer", "NodePort"',
    ]],
    ['a cluster IP that is not an IP', service({ clusterIP: '10.0.0.300', ports: [{ port: 80 }] }), [
      'spec.clusterIPs[0]: Invalid value: "10.0.0.300": must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)',
    ]],
    ['an IPv6 cluster IP on an IPv4 service', service({ clusterIP: 'fd00::10', ports: [{ port: 80 }] }), [
      'spec.clusterIPs[0]: Invalid value: "fd00::10": expected an IPv4 value as indicated by `ipFamilies[0]`',
    ]],
    ['a headless NodePort service', service({ type: 'NodePort', clusterIP: 'None', ports: [{ port: 80 }] }), [
      "spec.clusterIPs[0]: Invalid value: \"None\": may not be set to 'None' for NodePort services",
    ]],
    ['an ExternalName service without a name', service({ type: 'ExternalName' }), ['spec.externalName: Required value']],
    [
      'an ExternalName service with a cluster IP',
      service({ type: 'ExternalName', externalName: 'db.example.com', clusterIP: '10.96.0.10' }),
      ['spec.clusterIPs: Forbidden: may not be set for ExternalName services'],
    ],
    [
      'an external traffic policy on a ClusterIP service',
      service({ ports: [{ port: 80 }], externalTrafficPolicy: 'Local' }),
      ['spec.externalTrafficPolicy: Invalid value: "Local": may only be set for externally-accessible services'],
    ],
    ['an unknown session affinity', service({ ports: [{ port: 80 }], sessionAffinity: 'Sticky' }), [
      'spec.sessionAffinity: Unsupported value: "Sticky": supported values: "ClientIP", "None"',
    ]],
    ['a bad selector value', service({ ports: [{ port: 80 }], selector: { app: 'a b' } }), [`spec.selector: Invalid value: "a b": ${LABEL_VALUE_MSG}`]],
    ['a loopback external IP', service({ ports: [{ port: 80 }], externalIPs: ['127.0.0.1'] }), [
      'spec.externalIPs[0]: Invalid value: "127.0.0.1": may not be in the loopback range (127.0.0.0/8, ::1/128)',
    ]],
  ])('%s', (_name, manifest, expected) => {
    expect(createErrors(manifest)).toEqual(expected);
  });
});

describe('Service update', () => {
  const old = service({ clusterIP: '10.96.0.10', ports: [{ port: 80 }] });

  it.each<[string, Json, string[]]>([
    ['the same cluster IP and new ports', service({ clusterIP: '10.96.0.10', ports: [{ port: 8080 }] }), []],
    ['another cluster IP', service({ clusterIP: '10.96.0.11', ports: [{ port: 80 }] }), ['spec.clusterIPs[0]: Invalid value: ["10.96.0.11"]: may not change once set']],
    ['a released cluster IP', service({ ports: [{ port: 80 }] }), ['spec.clusterIPs[0]: Invalid value: []: primary clusterIP can not be unset']],
    ['a switch to ExternalName', service({ type: 'ExternalName', externalName: 'example.com' }), []],
  ])('%s', (_name, manifest, expected) => {
    expect(updateErrors(manifest, old)).toEqual(expected);
  });

  it('checks the load balancer status', () => {
    const lb = service({ type: 'LoadBalancer', ports: [{ port: 80 }] });
    expect(statusErrors({ ...lb, status: { loadBalancer: { ingress: [{ ip: '192.0.2.10' }] } } }, lb)).toEqual([]);
    const plain = service({ ports: [{ port: 80 }] });
    expect(statusErrors({ ...plain, status: { loadBalancer: { ingress: [{ ip: '192.0.2.10' }] } } }, plain)).toEqual([
      "status.loadBalancer.ingress: Forbidden: may only be used when `spec.type` is 'LoadBalancer'",
    ]);
  });
});

describe('Endpoints', () => {
  function endpoints(subsets: Json[]): Json {
    return { apiVersion: 'v1', kind: 'Endpoints', metadata: { name: 'web' }, subsets };
  }

  it.each<[string, Json, string[]]>([
    ['ready and not ready addresses', endpoints([{ addresses: [{ ip: '172.17.0.2', nodeName: 'n1' }], notReadyAddresses: [{ ip: '172.17.0.3' }], ports: [{ port: 8080 }] }]), []],
    ['a subset without addresses', endpoints([{ ports: [{ port: 80 }] }]), ['subsets[0]: Required value: must specify `addresses` or `notReadyAddresses`']],
    ['a bad address', endpoints([{ addresses: [{ ip: 'pod-1' }] }]), [
      'subsets[0].addresses[0].ip: Invalid value: "pod-1": must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)',
    ]],
    ['a loopback address', endpoints([{ addresses: [{ ip: '127.0.0.1' }] }]), [
      'subsets[0].addresses[0].ip: Invalid value: "127.0.0.1": may not be in the loopback range (127.0.0.0/8, ::1/128)',
    ]],
    ['two unnamed ports', endpoints([{ addresses: [{ ip: '10.0.0.1' }], ports: [{ port: 80 }, { port: 81 }] }]), [
      'subsets[0].ports[0].name: Required value',
      'subsets[0].ports[1].name: Required value',
    ]],
    ['port 0', endpoints([{ addresses: [{ ip: '10.0.0.1' }], ports: [{ port: 0 }] }]), [`subsets[0].ports[0].port: Invalid value: 0: ${PORT_RANGE}`]],
  ])('%s', (_name, manifest, expected) => {
    expect(createErrors(manifest)).toEqual(expected);
  });
});
