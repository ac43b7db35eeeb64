import { describe, expect, it } from 'vitest';
import { podDNS, podDomainname, podHostname, resolvConf } from './dns.js';

const cluster = { clusterDNS: ['10.96.0.10'], clusterDomain: 'cluster.local' };

describe('podDNS', () => {
  it('gives every pod the cluster DNS with its search path and ndots:5', () => {
    expect(podDNS({ metadata: { namespace: 'shop' } }, cluster)).toEqual({
      servers: ['10.96.0.10'],
      searches: ['shop.svc.cluster.local', 'svc.cluster.local', 'cluster.local'],
      options: ['ndots:5'],
    });
  });

  it('never falls back to the host resolver, even with dnsPolicy Default', () => {
    expect(podDNS({ spec: { dnsPolicy: 'Default' } }, cluster).servers).toEqual(['10.96.0.10']);
    expect(podDNS({ spec: { dnsPolicy: 'None' } }, cluster).servers).toEqual(['10.96.0.10']);
  });

  it('merges dnsConfig, pod options overriding ours by name', () => {
    const dns = podDNS(
      {
        spec: {
          dnsConfig: {
            nameservers: ['10.96.0.11'],
            searches: ['example.internal'],
            options: [{ name: 'ndots', value: '2' }, { name: 'edns0' }],
          },
        },
      },
      cluster,
    );
    expect(dns.servers).toEqual(['10.96.0.10', '10.96.0.11']);
    expect(dns.searches.at(-1)).toBe('example.internal');
    expect(dns.options).toEqual(['ndots:2', 'edns0']);
  });

  it('uses only dnsConfig with dnsPolicy None', () => {
    expect(
      podDNS({ spec: { dnsPolicy: 'None', dnsConfig: { nameservers: ['10.96.0.53'], searches: ['a.b'] } } }, cluster),
    ).toEqual({ servers: ['10.96.0.53'], searches: ['a.b'], options: [] });
  });
});

describe('hostnames', () => {
  it('uses spec.hostname or the pod name, cut to 63 characters', () => {
    expect(podHostname({ metadata: { name: 'web-1' } })).toBe('web-1');
    expect(podHostname({ metadata: { name: 'web-1' }, spec: { hostname: 'h' } })).toBe('h');
    expect(podHostname({ metadata: { name: `${'a'.repeat(62)}-b` } })).toBe('a'.repeat(62));
  });

  it('builds the subdomain FQDN', () => {
    expect(podDomainname({ metadata: { namespace: 'ns' }, spec: { subdomain: 'db' } }, 'cluster.local')).toBe('db.ns.svc.cluster.local');
    expect(podDomainname({}, 'cluster.local')).toBeUndefined();
  });
});

describe('resolvConf', () => {
  it('writes nameservers, the search path and options as a resolver reads them', () => {
    expect(resolvConf({ servers: ['10.250.0.2'], searches: ['default.svc.cluster.local', 'svc.cluster.local', 'cluster.local'], options: ['ndots:5'] })).toBe(
      'nameserver 10.250.0.2\nsearch default.svc.cluster.local svc.cluster.local cluster.local\noptions ndots:5\n',
    );
    expect(resolvConf({ servers: ['10.0.0.10'], searches: [], options: [] })).toBe('nameserver 10.0.0.10\n');
  });
});
