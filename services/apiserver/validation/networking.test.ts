import { describe, expect, it } from 'vitest';
import { createErrors, defaulted, type Json, statusErrors, updateErrors } from './test-support.js';

const backend = (name = 'web', port: Json = { number: 80 }): Json => ({ service: { name, port } });
const ingress = (spec: Json = {}, metadata: Json = {}): Json => ({
  apiVersion: 'networking.k8s.io/v1',
  kind: 'Ingress',
  metadata: { name: 'web', ...metadata },
  spec: {
    ingressClassName: 'haproxy',
    rules: [{ host: 'web.example.com', http: { paths: [{ path: '/app', pathType: 'Prefix', backend: backend() }] } }],
    ...spec,
  },
});
/** An Ingress with one rule whose one path is changed by `path` (a key set to undefined is left out). */
const withRule = (path: Json, host = 'web.example.com'): Json => {
  const httpPath = Object.fromEntries(Object.entries({ path: '/', pathType: 'Prefix', backend: backend(), ...path }).filter(([, v]) => v !== undefined));
  return ingress({ rules: [{ host, http: { paths: [httpPath] } }] });
};
const ingressClass = (spec: Json = {}): Json => ({
  apiVersion: 'networking.k8s.io/v1',
  kind: 'IngressClass',
  metadata: { name: 'haproxy' },
  spec: { controller: 'kubets.io/ingress-haproxy', ...spec },
});

describe('Ingress validation', () => {
  it.each<[string, Json, string[]]>([
    ['a host rule with a Prefix path', ingress(), []],
    ['an Exact path', withRule({ path: '/app', pathType: 'Exact' }), []],
    ['a wildcard host', withRule({}, '*.example.com'), []],
    ['only a default backend', ingress({ rules: [], defaultBackend: backend() }), []],
    ['a port by name', ingress({ rules: [], defaultBackend: backend('web', { name: 'http' }) }), []],
    ['a resource backend', ingress({ rules: [], defaultBackend: { resource: { apiGroup: 'k8s.example.com', kind: 'StorageBucket', name: 'static' } } }), []],
    ['an empty ImplementationSpecific path', withRule({ path: '', pathType: 'ImplementationSpecific' }), []],
    ['TLS for a wildcard host', ingress({ tls: [{ hosts: ['*.example.com'], secretName: 'tls' }] }), []],
    ['neither rules nor a default backend', ingress({ rules: [] }), ['spec: Invalid value: []: either `defaultBackend` or `rules` must be specified']],
    ['no pathType', withRule({ pathType: undefined }), ['spec.rules[0].http.paths[0].pathType: Required value: pathType must be specified']],
    ['an unknown pathType', withRule({ pathType: 'Regex' }), ['spec.rules[0].http.paths[0].pathType: Unsupported value: "Regex": supported values: "Exact", "ImplementationSpecific", "Prefix"']],
    ['a relative Prefix path', withRule({ path: 'app' }), ['spec.rules[0].http.paths[0].path: Invalid value: "app": must be an absolute path']],
    ['a relative ImplementationSpecific path', withRule({ path: 'app', pathType: 'ImplementationSpecific' }), ['spec.rules[0].http.paths[0].path: Invalid value: "app": must be an absolute path']],
    ['a path with //', withRule({ path: '/a//b', pathType: 'Exact' }), ["spec.rules[0].http.paths[0].path: Invalid value: \"/a//b\": must not contain '//'"]],
    ['a path ending in /..', withRule({ path: '/a/..' }), ["spec.rules[0].http.paths[0].path: Invalid value: \"/a/..\": cannot end with '/..'"]],
    ['an IP address as host', withRule({}, '10.0.0.1'), ['spec.rules[0].host: Invalid value: "10.0.0.1": must be a DNS name, not an IP address']],
    ['a wildcard inside the host', withRule({}, 'web.*.example.com'), [expect.stringMatching(/^spec\.rules\[0\]\.host: Invalid value: "web\.\*\.example\.com": a wildcard DNS-1123 subdomain must start with '\*\.'/) as unknown as string]],
    ['an upper-case host', withRule({}, 'Web.example.com'), [expect.stringMatching(/^spec\.rules\[0\]\.host: Invalid value: "Web\.example\.com": a lowercase RFC 1123 subdomain/) as unknown as string]],
    ['no http paths', ingress({ rules: [{ host: 'web.example.com', http: { paths: [] } }] }), ['spec.rules[0].http.paths: Required value']],
    ['a backend without service or resource', withRule({ backend: {} }), ['spec.rules[0].http.paths[0].backend: Required value: resource or service backend is required']],
    [
      'both service and resource',
      withRule({ backend: { ...backend(), resource: { kind: 'Bucket', name: 'b' } } }),
      ['spec.rules[0].http.paths[0].backend: Invalid value: "": cannot set both resource and service backends'],
    ],
    ['a port by name and number', withRule({ backend: backend('web', { name: 'http', number: 80 }) }), ['spec.rules[0].http.paths[0].backend: Invalid value: "": cannot set both port name & port number']],
    ['no port', withRule({ backend: backend('web', {}) }), ['spec.rules[0].http.paths[0].backend: Required value: port name or number is required']],
    ['a port out of range', withRule({ backend: backend('web', { number: 70000 }) }), ['spec.rules[0].http.paths[0].backend.service.port.number: Invalid value: 70000: must be between 1 and 65535, inclusive']],
    ['a service name that is no DNS-1035 label', withRule({ backend: backend('1web') }), [expect.stringMatching(/^spec\.rules\[0\]\.http\.paths\[0\]\.backend\.service\.name: Invalid value: "1web": a DNS-1035 label/) as unknown as string]],
    ['a resource backend without kind', ingress({ rules: [], defaultBackend: { resource: { name: 'static' } } }), ['spec.defaultBackend.resource.kind: Required value']],
    ['an invalid TLS wildcard host', ingress({ tls: [{ hosts: ['a.*.example.com'] }] }), [expect.stringMatching(/^spec\.tls\[0\]\.hosts\[0\]: Invalid value/) as unknown as string]],
    ['an invalid class name', ingress({ ingressClassName: 'Haproxy' }), [expect.stringMatching(/^spec\.ingressClassName: Invalid value: "Haproxy"/) as unknown as string]],
  ])('%s', (_name, manifest, expected) => {
    expect(createErrors(manifest)).toEqual(expected);
  });

  it('checks the load balancer addresses of a status update', () => {
    const withStatus = (entry: Json): Json => ({ ...ingress(), status: { loadBalancer: { ingress: [entry] } } });
    expect(statusErrors(withStatus({ ip: '127.0.0.1' }), ingress())).toEqual([]);
    expect(statusErrors(withStatus({ hostname: 'lb.example.com' }), ingress())).toEqual([]);
    expect(statusErrors(withStatus({ ip: 'lb' }), ingress())).toEqual(['status.loadBalancer.ingress[0].ip: Invalid value: "lb": must be a valid IP address']);
    expect(statusErrors(withStatus({ hostname: '10.0.0.1' }), ingress())).toEqual(['status.loadBalancer.ingress[0].hostname: Invalid value: "10.0.0.1": must be a DNS name, not an IP address']);
  });

  it('checks the spec on update too', () => {
    expect(updateErrors(withRule({ pathType: undefined }), ingress())).toEqual(['spec.rules[0].http.paths[0].pathType: Required value: pathType must be specified']);
  });
});

describe('IngressClass validation and defaults', () => {
  it.each<[string, Json, string[]]>([
    ['a controller', ingressClass(), []],
    ['no controller', ingressClass({ controller: '' }), ['spec.controller: Required value']],
    ['a controller without a domain', ingressClass({ controller: 'haproxy' }), ['spec.controller: Invalid value: "haproxy": must be a domain-prefixed path (such as "acme.io/foo")']],
    ['parameters without a name', ingressClass({ parameters: { kind: 'Config' } }), ['spec.parameters.name: Required value']],
    ['namespaced parameters without a namespace', ingressClass({ parameters: { kind: 'Config', name: 'c', scope: 'Namespace' } }), ['spec.parameters.namespace: Required value: `parameters.scope` is set to "Namespace"']],
    ['an unknown scope', ingressClass({ parameters: { kind: 'Config', name: 'c', scope: 'Global' } }), ['spec.parameters.scope: Unsupported value: "Global": supported values: "Cluster", "Namespace"']],
  ])('%s', (_name, manifest, expected) => {
    expect(createErrors(manifest)).toEqual(expected);
  });

  it('scopes parameters to the cluster by default', () => {
    const { object } = defaulted(ingressClass({ parameters: { kind: 'Config', name: 'c' } }));
    expect((object as { spec: { parameters: Json } }).spec.parameters).toEqual({ kind: 'Config', name: 'c', scope: 'Cluster' });
  });

  it('keeps the controller fixed', () => {
    expect(updateErrors(ingressClass({ controller: 'example.com/other' }), ingressClass())).toEqual([
      'spec.controller: Invalid value: "example.com/other": field is immutable',
    ]);
  });
});

const policy = (spec: Json): Json => ({ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'p' }, spec: { podSelector: {}, ...spec } });

describe('NetworkPolicy validation', () => {
  it.each<[string, Json, string[]]>([
    ['a default deny', policy({}), []],
    ['an allow rule with every peer kind', policy({ ingress: [{ from: [{ podSelector: { matchLabels: { app: 'web' } } }, { namespaceSelector: {} }, { ipBlock: { cidr: '10.0.0.0/8', except: ['10.1.0.0/16'] } }], ports: [{ port: 80 }, { port: 'http', protocol: 'UDP' }, { port: 8000, endPort: 8080 }] }] }), []],
    ['a peer with nothing', policy({ ingress: [{ from: [{}] }] }), ['spec.ingress[0].from[0]: Required value: must specify a peer']],
    [
      'an ipBlock beside a selector',
      policy({ egress: [{ to: [{ ipBlock: { cidr: '10.0.0.0/8' }, podSelector: {} }] }] }),
      ['spec.egress[0].to[0]: Forbidden: may not specify both ipBlock and another peer'],
    ],
    ['an except outside the cidr', policy({ ingress: [{ from: [{ ipBlock: { cidr: '10.0.0.0/16', except: ['10.0.0.0/16'] } }] }] }), ['spec.ingress[0].from[0].ipBlock.except[0]: Invalid value: "10.0.0.0/16": must be a strict subset of `cidr`']],
    ['a bad cidr', policy({ ingress: [{ from: [{ ipBlock: { cidr: '10.0.0.0/33' } }] }] }), ['spec.ingress[0].from[0].ipBlock.cidr: Invalid value: "10.0.0.0/33": must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)']],
    ['an unknown protocol', policy({ ingress: [{ ports: [{ protocol: 'ICMP' }] }] }), ['spec.ingress[0].ports[0].protocol: Unsupported value: "ICMP": supported values: "TCP", "UDP", "SCTP"']],
    ['an endPort below port', policy({ ingress: [{ ports: [{ port: 90, endPort: 80 }] }] }), ['spec.ingress[0].ports[0].endPort: Invalid value: 80: must be greater than or equal to `port`']],
    ['an endPort with a named port', policy({ ingress: [{ ports: [{ port: 'http', endPort: 80 }] }] }), ['spec.ingress[0].ports[0].endPort: Forbidden: may not be specified when `port` is non-numeric']],
    ['a port out of range', policy({ ingress: [{ ports: [{ port: 70000 }] }] }), ['spec.ingress[0].ports[0].port: Invalid value: 70000: must be between 1 and 65535, inclusive']],
    ['an unknown policy type', policy({ policyTypes: ['Sideways'] }), ['spec.policyTypes[0]: Unsupported value: "Sideways": supported values: "Ingress", "Egress"']],
  ])('%s', (_name, manifest, expected) => {
    expect(createErrors(manifest)).toEqual(expected);
  });

  it('defaults protocols and policy types as Kubernetes does', () => {
    expect(defaulted(policy({ ingress: [{ ports: [{ port: 80 }] }] })).object).toMatchObject({ spec: { policyTypes: ['Ingress'], ingress: [{ ports: [{ protocol: 'TCP', port: { intVal: 80 } }] }] } });
    expect(defaulted(policy({ egress: [{}] })).object).toMatchObject({ spec: { policyTypes: ['Ingress', 'Egress'] } });
    expect(defaulted(policy({ policyTypes: ['Egress'] })).object).toMatchObject({ spec: { policyTypes: ['Egress'] } });
  });
});
