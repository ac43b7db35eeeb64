import { hostname } from 'node:os';
import { describe, expect, it } from 'vitest';
import { compileProxyOptions, InvalidProxyOptionError, normalizeCidr, parseDnsBind } from './options.js';

describe('proxy options', () => {
  it('fills in kube-proxy-like defaults', () => {
    expect(compileProxyOptions({ nodeIp: '127.0.0.1' })).toEqual({
      nodeIp: '127.0.0.1',
      serviceClusterIpRange: '10.96.0.0/12',
      clusterDnsBinds: [{ host: '172.17.0.1', port: 53 }],
      clusterDomain: 'cluster.local',
      syncPeriodMs: 30_000,
      minSyncPeriodMs: 1000,
      lockFile: '/run/kubets-proxy.lock',
      podBridge: 'docker0',
      nodeName: hostname().toLowerCase(),
      networkPolicy: true,
      networkBackend: { type: 'host-gw' },
    });
  });

  it('takes the vxlan network backend with its VNI and port, defaulting to flannel\'s', () => {
    expect(compileProxyOptions({ nodeIp: '10.250.0.2', networkBackend: 'vxlan' }).networkBackend).toEqual({ type: 'vxlan', vni: 1, port: 8472 });
    expect(compileProxyOptions({ nodeIp: '10.250.0.2', networkBackend: 'vxlan', vxlanVni: 42, vxlanPort: 4789 }).networkBackend).toEqual({ type: 'vxlan', vni: 42, port: 4789 });
    expect(() => compileProxyOptions({ nodeIp: '10.250.0.2', networkBackend: 'udp' })).toThrow('invalid network backend "udp": expected one of host-gw, vxlan');
    expect(() => compileProxyOptions({ nodeIp: '10.250.0.2', networkBackend: 'vxlan', vxlanVni: 1 << 24 })).toThrow('invalid VXLAN VNI 16777216');
    expect(() => compileProxyOptions({ nodeIp: '10.250.0.2', networkBackend: 'vxlan', vxlanPort: 0 })).toThrow('invalid VXLAN port 0');
  });

  it('takes a node name and a cluster CIDR for the pod network', () => {
    expect(compileProxyOptions({ nodeIp: '10.250.0.2', nodeName: 'Node-2', clusterCidr: '10.244.9.0/16' })).toMatchObject({ nodeName: 'node-2', clusterCidr: '10.244.0.0/16' });
    expect(() => compileProxyOptions({ nodeIp: '10.250.0.2', clusterCidr: '10.244.0.0' })).toThrow('invalid cluster CIDR "10.244.0.0"');
  });

  it('normalizes the service range as iptables shows it', () => {
    expect(normalizeCidr('10.96.5.7/12')).toBe('10.96.0.0/12');
    expect(normalizeCidr('10.0.0.0/24')).toBe('10.0.0.0/24');
    for (const bad of ['10.96.0.0', '10.96.0.0/33', '10.96.0.0/4', 'fd00::/108', '10.96.0.0/12/1']) {
      expect(() => normalizeCidr(bad), bad).toThrow(InvalidProxyOptionError);
    }
  });

  it('takes several DNS binds, or none', () => {
    expect(compileProxyOptions({ nodeIp: '10.0.0.5', clusterDnsBind: '172.17.0.1:53,127.0.0.1:0' }).clusterDnsBinds).toEqual([
      { host: '172.17.0.1', port: 53 },
      { host: '127.0.0.1', port: 0 },
    ]);
    expect(compileProxyOptions({ nodeIp: '10.0.0.5', clusterDnsBind: '' }).clusterDnsBinds).toEqual([]);
    expect(() => parseDnsBind('localhost:53')).toThrow(/IPv4:port/);
    expect(() => parseDnsBind('127.0.0.1:70000')).toThrow(InvalidProxyOptionError);
  });

  it('rejects a bad node IP, domain or sync periods', () => {
    expect(() => compileProxyOptions({ nodeIp: 'node-1' })).toThrow(/node IP/);
    expect(() => compileProxyOptions({ nodeIp: '10.0.0.5', clusterDomain: 'bad_domain' })).toThrow(/cluster domain/);
    expect(() => compileProxyOptions({ nodeIp: '10.0.0.5', podBridge: '../docker0' })).toThrow(/pod bridge/);
    expect(() => compileProxyOptions({ nodeIp: '10.0.0.5', minSyncPeriodMs: 60_000, syncPeriodMs: 30_000 })).toThrow(/sync periods/);
  });
});
