import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import type { Node } from '../../../lib/api/generated/index.js';
import { FakeIptables } from '../iptables/fake-iptables.js';
import { HostGwBackend } from './backend.js';
import { PodNetworkAgent } from './pod-network-agent.js';
import { desiredRoutes, routeKey, ROUTE_PROTOCOL, type IpRunner } from './routes.js';

function node(name: string, ip?: string, podCIDR?: string): Node {
  return {
    metadata: { name },
    spec: podCIDR ? { podCIDR, podCIDRs: [podCIDR] } : {},
    status: ip ? { addresses: [{ type: 'InternalIP', address: ip }, { type: 'Hostname', address: name }] } : {},
  };
}

/** An `ip route` that keeps the routes of our protocol in a map, and the calls made. */
class FakeIp implements IpRunner {
  readonly routes = new Map<string, string>();
  readonly calls: string[] = [];

  async ip(args: readonly string[]) {
    this.calls.push(args.join(' '));
    const ok = (stdout = '') => ({ code: 0, stdout, stderr: '' });
    if (args[0] === '-j' && args.includes(ROUTE_PROTOCOL)) return ok(JSON.stringify([...this.routes].map(([dst, gateway]) => ({ dst, gateway, protocol: ROUTE_PROTOCOL }))));
    if (args[0] === 'route' && args[1] === 'replace') {
      this.routes.set(args[2]!, args[4]!);
      return ok();
    }
    if (args[0] === 'route' && args[1] === 'del') {
      return this.routes.delete(args[2]!) ? ok() : { code: 2, stdout: '', stderr: 'RTNETLINK answers: No such process' };
    }
    return { code: 2, stdout: '', stderr: `unexpected ip ${args.join(' ')}` };
  }

  async bridge(args: readonly string[]) {
    return { code: 2, stdout: '', stderr: `unexpected bridge ${args.join(' ')}` };
  }
}

describe('desiredRoutes', () => {
  it('routes every other node with a subnet and an address, in a stable order', () => {
    const nodes = [node('c', '10.250.0.4', '10.244.2.0/24'), node('self', '10.250.0.1', '10.244.0.0/24'), node('b', '10.250.0.3', '10.244.1.0/24'), node('new', '10.250.0.5'), node('bare', undefined, '10.244.3.0/24')];
    expect(desiredRoutes(nodes, 'self')).toEqual([
      { podCidr: '10.244.1.0/24', via: '10.250.0.3' },
      { podCidr: '10.244.2.0/24', via: '10.250.0.4' },
    ]);
  });

  it('keys a node by what its route depends on, not by its heartbeat', () => {
    const a = node('a', '10.250.0.2', '10.244.1.0/24');
    const beat = { ...a, status: { ...a.status, conditions: [{ type: 'Ready', status: 'True', lastHeartbeatTime: '2024-01-01T00:00:00Z' }] } };
    expect(routeKey(beat)).toBe(routeKey(a));
    expect(routeKey(node('a', '10.250.0.9', '10.244.1.0/24'))).not.toBe(routeKey(a));
  });
});

describe('PodNetworkAgent', () => {
  const setup = () => {
    const ip = new FakeIp();
    const iptables = new FakeIptables();
    const agent = new PodNetworkAgent({ clusterCidr: '10.244.0.0/16', backend: new HostGwBackend(ip, 'n1', '10.244.0.0/16'), iptables, log: pino({ level: 'silent' }) });
    return { ip, iptables, agent };
  };

  it('follows nodes joining, moving and leaving, and leaves other routes alone', async () => {
    const { ip, agent } = setup();
    await agent.sync([node('n1', '10.250.0.1', '10.244.0.0/24'), node('n2', '10.250.0.2', '10.244.1.0/24'), node('n3', '10.250.0.3', '10.244.2.0/24')]);
    expect([...ip.routes]).toEqual([
      ['10.244.1.0/24', '10.250.0.2'],
      ['10.244.2.0/24', '10.250.0.3'],
    ]);
    ip.calls.length = 0;
    await agent.sync([node('n1', '10.250.0.1', '10.244.0.0/24'), node('n2', '10.250.0.7', '10.244.1.0/24')]);
    expect([...ip.routes]).toEqual([['10.244.1.0/24', '10.250.0.7']]);
    expect(ip.calls).toEqual([`-j route show proto ${ROUTE_PROTOCOL}`, `route replace 10.244.1.0/24 via 10.250.0.7 proto ${ROUTE_PROTOCOL}`, `route del 10.244.2.0/24 proto ${ROUTE_PROTOCOL}`]);
    ip.calls.length = 0;
    await agent.sync([node('n1', '10.250.0.1', '10.244.0.0/24'), node('n2', '10.250.0.7', '10.244.1.0/24')]);
    expect(ip.calls).toEqual([`-j route show proto ${ROUTE_PROTOCOL}`]);
  });

  it('forwards the cluster CIDR both ways and masquerades only what leaves it, then cleans up after itself', async () => {
    const { ip, iptables, agent } = setup();
    await agent.sync([node('n2', '10.250.0.2', '10.244.1.0/24')]);
    const comment = '-m comment --comment kubets: pod network';
    expect(iptables.tables.filter.get('DOCKER-USER')).toEqual([`-d 10.244.0.0/16 ${comment} -j ACCEPT`, `-s 10.244.0.0/16 ${comment} -j ACCEPT`]);
    expect(iptables.tables.filter.get('FORWARD')).toEqual([`-d 10.244.0.0/16 ${comment} -j ACCEPT`, `-s 10.244.0.0/16 ${comment} -j ACCEPT`]);
    expect(iptables.tables.nat.get('POSTROUTING')).toEqual([`-s 10.244.0.0/16 ! -d 10.244.0.0/16 ${comment} -j MASQUERADE`]);
    await agent.cleanup();
    expect(ip.routes.size).toBe(0);
    expect(iptables.tables.filter.get('FORWARD')).toEqual([]);
    expect(iptables.tables.nat.get('POSTROUTING')).toEqual([]);
  });

  it("takes for its own only the routes inside its cluster CIDR: another cluster's routes of the same protocol stay through sync and cleanup", async () => {
    const { ip, agent } = setup();
    ip.routes.set('10.245.1.0/24', '10.251.0.2');
    ip.routes.set('10.245.2.0/24', '10.251.0.3');
    await agent.sync([node('n1', '10.250.0.1', '10.244.0.0/24'), node('n2', '10.250.0.2', '10.244.1.0/24')]);
    expect(ip.calls.filter((c) => c.startsWith('route del'))).toEqual([]);
    await agent.cleanup();
    expect([...ip.routes]).toEqual([
      ['10.245.1.0/24', '10.251.0.2'],
      ['10.245.2.0/24', '10.251.0.3'],
    ]);
  });

  it("forwards a tunnel's UDP packets between nodes too, and removes that rule with the rest", async () => {
    const iptables = new FakeIptables();
    const backend = { tunnelPort: 8472, sync: async () => [], cleanup: async () => undefined };
    const agent = new PodNetworkAgent({ clusterCidr: '10.244.0.0/16', backend, iptables, log: pino({ level: 'silent' }) });
    await agent.sync([]);
    const tunnel = '-p udp --dport 8472 -m comment --comment kubets: pod network -j ACCEPT';
    expect(iptables.tables.filter.get('FORWARD')).toContain(tunnel);
    expect(iptables.tables.filter.get('DOCKER-USER')).toContain(tunnel);
    await agent.cleanup();
    expect(iptables.tables.filter.get('FORWARD')).toEqual([]);
    expect(iptables.tables.filter.get('DOCKER-USER')).toEqual([]);
  });
});
