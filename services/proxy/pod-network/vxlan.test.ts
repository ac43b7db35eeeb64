import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import type { Node } from '../../../lib/api/generated/index.js';
import { BACKEND_DATA_ANNOTATION, BACKEND_TYPE_ANNOTATION, PUBLIC_IP_ANNOTATION } from './annotations.js';
import type { IpRunner } from './routes.js';
import { formatCommand, planDevice, planPeers, VxlanBackend, vxlanAnnotations, vxlanPeers, type VxlanDeviceSpec, type VxlanLink } from './vxlan.js';

const MAC = { n1: '02:00:00:00:00:01', n2: '02:00:00:00:00:02', n3: '02:00:00:00:00:03' };

function node(name: string, ip: string, podCIDR?: string, published?: { vni?: number; mac?: string; publicIp?: string }): Node {
  return {
    metadata: {
      name,
      annotations: published
        ? {
            [BACKEND_TYPE_ANNOTATION]: 'vxlan',
            [BACKEND_DATA_ANNOTATION]: JSON.stringify({ VNI: published.vni ?? 1, VtepMAC: published.mac }),
            ...(published.publicIp && { [PUBLIC_IP_ANNOTATION]: published.publicIp }),
          }
        : {},
    },
    spec: podCIDR ? { podCIDR, podCIDRs: [podCIDR] } : {},
    status: { addresses: [{ type: 'InternalIP', address: ip }] },
  };
}

const n1 = node('n1', '10.250.0.1', '10.244.0.0/24', { mac: MAC.n1, publicIp: '10.250.0.1' });
const n2 = node('n2', '10.250.0.2', '10.244.1.0/24', { mac: MAC.n2, publicIp: '10.250.0.2' });
const n3 = node('n3', '10.250.0.3', '10.244.2.0/24', { mac: MAC.n3 });

describe('vxlanPeers', () => {
  it('takes every other node that published an endpoint on our VNI, with its public IP or else its InternalIP', () => {
    const others = [
      node('other-vni', '10.250.0.4', '10.244.3.0/24', { vni: 2, mac: '02:00:00:00:00:04' }),
      node('host-gw', '10.250.0.5', '10.244.4.0/24'),
      node('no-subnet', '10.250.0.6', undefined, { mac: '02:00:00:00:00:06' }),
    ];
    expect(vxlanPeers([n3, n1, n2, ...others], 'n1', 1)).toEqual([
      { podCidr: '10.244.1.0/24', vtepIp: '10.244.1.0', vtepMac: MAC.n2, publicIp: '10.250.0.2' },
      { podCidr: '10.244.2.0/24', vtepIp: '10.244.2.0', vtepMac: MAC.n3, publicIp: '10.250.0.3' },
    ]);
  });
});

describe('planPeers', () => {
  const dev = 'kubets.1';
  const empty = { routes: [], neighbours: [], fdb: [] };

  it('adds a neighbour, a forwarding entry and an onlink route per other node', () => {
    expect(planPeers(dev, empty, vxlanPeers([n1, n2, n3], 'n1', 1)).map(formatCommand)).toEqual([
      `ip neigh replace 10.244.1.0 lladdr ${MAC.n2} dev kubets.1 nud permanent`,
      `bridge fdb replace ${MAC.n2} dev kubets.1 dst 10.250.0.2 self permanent`,
      'ip route replace 10.244.1.0/24 via 10.244.1.0 dev kubets.1 onlink proto 211',
      `ip neigh replace 10.244.2.0 lladdr ${MAC.n3} dev kubets.1 nud permanent`,
      `bridge fdb replace ${MAC.n3} dev kubets.1 dst 10.250.0.3 self permanent`,
      'ip route replace 10.244.2.0/24 via 10.244.2.0 dev kubets.1 onlink proto 211',
    ]);
  });

  it('changes nothing when the kernel already matches, and removes a node that left (route first)', () => {
    const state = {
      routes: [
        { podCidr: '10.244.1.0/24', via: '10.244.1.0', dev },
        { podCidr: '10.244.2.0/24', via: '10.244.2.0', dev },
      ],
      neighbours: [
        { dst: '10.244.1.0', lladdr: MAC.n2 },
        { dst: '10.244.2.0', lladdr: MAC.n3 },
      ],
      fdb: [
        { mac: MAC.n2, dst: '10.250.0.2' },
        { mac: MAC.n3, dst: '10.250.0.3' },
      ],
    };
    expect(planPeers(dev, state, vxlanPeers([n1, n2, n3], 'n1', 1))).toEqual([]);
    expect(planPeers(dev, state, vxlanPeers([n1, n2], 'n1', 1)).map(formatCommand)).toEqual([
      'ip route del 10.244.2.0/24 proto 211',
      'ip neigh del 10.244.2.0 dev kubets.1',
      `bridge fdb del ${MAC.n3} dev kubets.1 dst 10.250.0.3 self`,
    ]);
  });

  it("follows a node whose endpoint was made anew (new MAC), and replaces a host-gw route of the same subnet", () => {
    const state = {
      routes: [{ podCidr: '10.244.1.0/24', via: '10.250.0.2', dev: 'kt-abc' }],
      neighbours: [{ dst: '10.244.1.0', lladdr: '02:00:00:00:00:99' }],
      fdb: [{ mac: '02:00:00:00:00:99', dst: '10.250.0.2' }],
    };
    expect(planPeers(dev, state, vxlanPeers([n1, n2], 'n1', 1)).map(formatCommand)).toEqual([
      `ip neigh replace 10.244.1.0 lladdr ${MAC.n2} dev kubets.1 nud permanent`,
      `bridge fdb replace ${MAC.n2} dev kubets.1 dst 10.250.0.2 self permanent`,
      'ip route replace 10.244.1.0/24 via 10.244.1.0 dev kubets.1 onlink proto 211',
      'bridge fdb del 02:00:00:00:00:99 dev kubets.1 dst 10.250.0.2 self',
    ]);
  });
});

describe('planDevice', () => {
  const spec: VxlanDeviceSpec = { device: 'kubets.1', vni: 1, port: 8472, parent: 'eth1', local: '10.250.0.1', mtu: 1450, vtepIp: '10.244.0.0' };
  const ready: VxlanLink = { vni: 1, port: 8472, local: '10.250.0.1', mtu: 1450, mac: MAC.n1, up: true, addresses: ['10.244.0.0/32'] };

  it('makes the device on the interface of the node IP, 50 bytes below its MTU, with the endpoint address', () => {
    expect(planDevice(spec, undefined).map(formatCommand)).toEqual([
      'ip link add kubets.1 type vxlan id 1 dev eth1 local 10.250.0.1 dstport 8472 nolearning',
      'ip link set kubets.1 mtu 1450',
      'ip addr add 10.244.0.0/32 dev kubets.1',
      'ip link set kubets.1 up',
    ]);
  });

  it('keeps a device that fits (and its MAC), and remakes one of another VNI or port', () => {
    expect(planDevice(spec, ready)).toEqual([]);
    expect(planDevice(spec, { ...ready, addresses: ['10.244.9.0/32'] }).map(formatCommand)).toEqual(['ip addr flush dev kubets.1', 'ip addr add 10.244.0.0/32 dev kubets.1']);
    expect(planDevice(spec, { ...ready, port: 4789 }).map(formatCommand)[0]).toBe('ip link del kubets.1');
    expect(planDevice(spec, { ...ready, vni: 7 }).map(formatCommand).slice(0, 2)).toEqual(['ip link del kubets.1', 'ip link add kubets.1 type vxlan id 1 dev eth1 local 10.250.0.1 dstport 8472 nolearning']);
  });
});

/** A kernel of one node as `ip` and `bridge` show it: its interface, the VXLAN device and the tunnel entries. */
class FakeKernel implements IpRunner {
  link: VxlanLink | undefined;
  readonly routes = new Map<string, { via: string; dev: string }>();
  readonly neighbours = new Map<string, string>();
  readonly fdb = new Map<string, string>();
  readonly calls: string[] = [];

  async ip(args: readonly string[]) {
    const a = args.join(' ');
    const ok = (out: unknown = undefined) => ({ code: 0, stdout: out === undefined ? '' : JSON.stringify(out), stderr: '' });
    if (!a.startsWith('-j')) this.calls.push(`ip ${a}`);
    if (a === '-j -4 addr show') return ok([{ ifname: 'lo', mtu: 65536, addr_info: [{ local: '127.0.0.1' }] }, { ifname: 'eth1', mtu: 1500, addr_info: [{ local: '10.250.0.1' }] }]);
    if (a === '-j -d addr show dev kubets.1') {
      if (!this.link) return { code: 1, stdout: '', stderr: 'Device "kubets.1" does not exist.' };
      const l = this.link;
      return ok([{ ifname: 'kubets.1', mtu: l.mtu, address: l.mac, flags: l.up ? ['UP'] : [], addr_info: l.addresses.map((x) => ({ family: 'inet', local: x.split('/')[0], prefixlen: 32 })), linkinfo: { info_kind: 'vxlan', info_data: { id: l.vni, port: l.port, local: l.local } } }]);
    }
    if (a === '-j route show proto 211') return ok([...this.routes].map(([dst, r]) => ({ dst, gateway: r.via, dev: r.dev, protocol: '211' })));
    if (a === '-j neigh show dev kubets.1') return ok([...this.neighbours].map(([dst, lladdr]) => ({ dst, lladdr, state: ['PERMANENT'] })));
    if (args[0] === 'link' && args[1] === 'add') this.link = { vni: Number(args[6]), port: Number(args[12]), local: args[10]!, mtu: 1500, mac: MAC.n1, up: false, addresses: [] };
    else if (a === 'link del kubets.1') {
      this.link = undefined;
      this.neighbours.clear();
      this.fdb.clear();
      for (const [dst, r] of this.routes) if (r.dev === 'kubets.1') this.routes.delete(dst);
    } else if (args[0] === 'link' && args[3] === 'mtu') this.link!.mtu = Number(args[4]);
    else if (a === 'link set kubets.1 up') this.link!.up = true;
    else if (args[0] === 'addr' && args[1] === 'add') this.link!.addresses = [args[2]!];
    else if (args[0] === 'neigh' && args[1] === 'replace') this.neighbours.set(args[2]!, args[4]!);
    else if (args[0] === 'neigh' && args[1] === 'del') this.neighbours.delete(args[2]!);
    else if (args[0] === 'route' && args[1] === 'replace') this.routes.set(args[2]!, { via: args[4]!, dev: args[6]! });
    else if (args[0] === 'route' && args[1] === 'del') this.routes.delete(args[2]!);
    else return { code: 2, stdout: '', stderr: `unexpected ip ${a}` };
    return ok();
  }

  async bridge(args: readonly string[]) {
    const a = args.join(' ');
    if (a === '-j fdb show dev kubets.1') return { code: 0, stdout: JSON.stringify([...this.fdb].map(([mac, dst]) => ({ mac, dst, flags: ['self'], state: 'permanent' }))), stderr: '' };
    this.calls.push(`bridge ${a}`);
    if (args[1] === 'replace') this.fdb.set(args[2]!, args[6]!);
    else if (args[1] === 'del') this.fdb.delete(args[2]!);
    else return { code: 2, stdout: '', stderr: `unexpected bridge ${a}` };
    return { code: 0, stdout: '', stderr: '' };
  }
}

describe('VxlanBackend', () => {
  const setup = () => {
    const kernel = new FakeKernel();
    const published: Array<Record<string, string>> = [];
    const backend = new VxlanBackend({
      config: { vni: 1, port: 8472 },
      nodeName: 'n1',
      nodeIp: '10.250.0.1',
      clusterCidr: '10.244.0.0/16',
      ip: kernel,
      publish: async (a) => void published.push(a),
      log: pino({ level: 'silent' }),
    });
    return { kernel, published, backend };
  };
  const self = node('n1', '10.250.0.1', '10.244.0.0/24');

  it('waits for its subnet, then makes its device, publishes its endpoint and follows nodes joining and leaving', async () => {
    const { kernel, published, backend } = setup();
    expect(await backend.sync([node('n1', '10.250.0.1'), n2])).toEqual([]);
    expect(kernel.link).toBeUndefined();

    await backend.sync([self, n2]);
    expect(kernel.link).toMatchObject({ mtu: 1450, up: true, addresses: ['10.244.0.0/32'] });
    expect(published).toEqual([vxlanAnnotations({ vni: 1, port: 8472 }, MAC.n1, '10.250.0.1')]);
    expect([...kernel.routes]).toEqual([['10.244.1.0/24', { via: '10.244.1.0', dev: 'kubets.1' }]]);

    const selfPublished = { ...self, metadata: { ...self.metadata, annotations: published[0]! } };
    kernel.calls.length = 0;
    await backend.sync([selfPublished, n2, n3]);
    expect(published).toHaveLength(1);
    expect(kernel.calls).toEqual([
      `ip neigh replace 10.244.2.0 lladdr ${MAC.n3} dev kubets.1 nud permanent`,
      `bridge fdb replace ${MAC.n3} dev kubets.1 dst 10.250.0.3 self permanent`,
      'ip route replace 10.244.2.0/24 via 10.244.2.0 dev kubets.1 onlink proto 211',
    ]);

    kernel.calls.length = 0;
    await backend.sync([selfPublished, n3]);
    expect(kernel.calls).toEqual(['ip route del 10.244.1.0/24 proto 211', 'ip neigh del 10.244.1.0 dev kubets.1', `bridge fdb del ${MAC.n2} dev kubets.1 dst 10.250.0.2 self`]);
    expect([...kernel.neighbours]).toEqual([['10.244.2.0', MAC.n3]]);
    expect([...kernel.fdb]).toEqual([[MAC.n3, '10.250.0.3']]);

    await backend.cleanup();
    expect(kernel.link).toBeUndefined();
    expect(kernel.routes.size).toBe(0);
  });

  it("leaves another cluster's tunnel routes alone (same protocol, outside its cluster CIDR)", async () => {
    const { kernel, backend } = setup();
    kernel.routes.set('10.245.1.0/24', { via: '10.245.1.0', dev: 'kubets.2' });
    await backend.sync([self, n2]);
    await backend.sync([self]);
    expect(kernel.calls.filter((c) => c.includes('10.245.'))).toEqual([]);
    await backend.cleanup();
    expect([...kernel.routes]).toEqual([['10.245.1.0/24', { via: '10.245.1.0', dev: 'kubets.2' }]]);
  });
});
