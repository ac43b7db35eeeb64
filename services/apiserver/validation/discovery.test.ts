import { describe, expect, it } from 'vitest';
import { createErrors, defaulted, DNS1123_LABEL_MSG, type Json, updateErrors } from './test-support.js';

const slice = (fields: Json = {}, metadata: Json = {}): Json => ({
  apiVersion: 'discovery.k8s.io/v1',
  kind: 'EndpointSlice',
  metadata: { name: 'web-abcde', labels: { 'kubernetes.io/service-name': 'web' }, ...metadata },
  addressType: 'IPv4',
  endpoints: [{ addresses: ['10.244.0.5'], conditions: { ready: true }, nodeName: 'n1', targetRef: { kind: 'Pod', name: 'web-1' } }],
  ports: [{ name: 'http', port: 8080, protocol: 'TCP' }],
  ...fields,
});
const endpoints = (count: number, address = (i: number) => `10.0.${Math.floor(i / 250)}.${(i % 250) + 1}`): Json[] =>
  Array.from({ length: count }, (_, i) => ({ addresses: [address(i)] }));

describe('EndpointSlice validation', () => {
  it.each<[string, Json, string[]]>([
    ['a slice as the controller writes it', slice(), []],
    ['an FQDN slice', slice({ addressType: 'FQDN', endpoints: [{ addresses: ['db.example.com.'] }] }), []],
    ['an IPv6 slice', slice({ addressType: 'IPv6', endpoints: [{ addresses: ['2001:db8::5'] }] }), []],
    ['no endpoints and no ports', slice({ endpoints: [], ports: [] }), []],
    ['1000 endpoints', slice({ endpoints: endpoints(1000) }), []],
    ['no addressType', slice({ addressType: '' }), ['addressType: Required value']],
    ['an unknown addressType', slice({ addressType: 'IP' }), ['addressType: Unsupported value: "IP": supported values: "FQDN", "IPv4", "IPv6"']],
    ['an IPv6 address in an IPv4 slice', slice({ endpoints: [{ addresses: ['2001:db8::5'] }] }), ['endpoints[0].addresses[0]: Invalid value: "2001:db8::5": must be a valid IPv4 address']],
    ['an IPv4 address in an IPv6 slice', slice({ addressType: 'IPv6', endpoints: [{ addresses: ['10.0.0.1'] }] }), ['endpoints[0].addresses[0]: Invalid value: "10.0.0.1": must be a valid IPv6 address']],
    ['a loopback address', slice({ endpoints: [{ addresses: ['127.0.0.1'] }] }), ['endpoints[0].addresses[0]: Invalid value: "127.0.0.1": may not be in the loopback range (127.0.0.0/8, ::1/128)']],
    ['a one-label FQDN', slice({ addressType: 'FQDN', endpoints: [{ addresses: ['db'] }] }), ['endpoints[0].addresses[0]: Invalid value: "db": should be a domain with at least two segments separated by dots']],
    ['an endpoint without addresses', slice({ endpoints: [{ addresses: [] }] }), ['endpoints[0].addresses: Required value: must contain at least 1 address']],
    ['1001 endpoints', slice({ endpoints: endpoints(1001) }), ['endpoints: Too many: 1001: must have at most 1000 items']],
    ['101 addresses in one endpoint', slice({ endpoints: [{ addresses: endpoints(101).map((e) => (e.addresses as string[])[0]) }] }), ['endpoints[0].addresses: Too many: 101: must have at most 100 items']],
    ['an invalid hostname', slice({ endpoints: [{ addresses: ['10.0.0.1'], hostname: 'Web_1' }] }), [`endpoints[0].hostname: Invalid value: "Web_1": ${DNS1123_LABEL_MSG}`]],
    ['an invalid nodeName', slice({ endpoints: [{ addresses: ['10.0.0.1'], nodeName: 'N1' }] }), [expect.stringMatching(/^endpoints\[0\]\.nodeName: Invalid value: "N1": a lowercase RFC 1123 subdomain/) as unknown as string]],
    ['two ports of the same name', slice({ ports: [{ name: 'http', port: 80 }, { name: 'http', port: 8080 }] }), ['ports[1].name: Duplicate value: "http"']],
    ['two unnamed ports', slice({ ports: [{ port: 80 }, { port: 8080 }] }), ['ports[1].name: Duplicate value: ""']],
    ['a port name that is no DNS label', slice({ ports: [{ name: 'HTTP', port: 80 }] }), [`ports[0].name: Invalid value: "HTTP": ${DNS1123_LABEL_MSG}`]],
    ['an unknown protocol', slice({ ports: [{ port: 80, protocol: 'ICMP' }] }), ['ports[0].protocol: Unsupported value: "ICMP": supported values: "SCTP", "TCP", "UDP"']],
    ['101 ports', slice({ ports: Array.from({ length: 101 }, (_, i) => ({ name: `p${i}`, port: 1000 + i })) }), ['ports: Too many: 101: must have at most 100 items']],
    ['an appProtocol that is no qualified name', slice({ ports: [{ port: 80, appProtocol: '-h2c' }] }), [expect.stringMatching(/^ports\[0\]\.appProtocol: Invalid value: "-h2c": name part must consist/) as unknown as string]],
  ])('%s', (_name, manifest, expected) => {
    expect(createErrors(manifest)).toEqual(expected);
  });

  it('defaults a port name to "" and its protocol to TCP, and leaves an unset port number unset ("all ports")', () => {
    const { object } = defaulted(slice({ ports: [{}] }));
    expect(object).toMatchObject({ ports: [{ name: '', protocol: 'TCP' }] });
    expect((object as { ports: Json[] }).ports[0]).not.toHaveProperty('port');
  });

  it('keeps addressType immutable', () => {
    expect(updateErrors(slice({ addressType: 'FQDN', endpoints: [] }), slice())).toEqual(['addressType: Invalid value: "FQDN": field is immutable']);
    expect(updateErrors(slice({ endpoints: [] }), slice())).toEqual([]);
  });
});
