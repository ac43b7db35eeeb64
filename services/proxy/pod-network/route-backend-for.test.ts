import { describe, expect, it } from 'vitest';
import { podMtuFor } from './route-backend-for.js';
import type { IpRunner } from './routes.js';

/** `ip -4 addr` of a node whose node IP sits on an interface of MTU 1500 (and loopback). */
const kernel: IpRunner = {
  ip: async () => ({ code: 0, stdout: JSON.stringify([{ ifname: 'lo', mtu: 65536, addr_info: [{ local: '127.0.0.1' }] }, { ifname: 'eth1', mtu: 1500, addr_info: [{ local: '10.250.0.2' }] }]), stderr: '' }),
  bridge: async () => ({ code: 2, stdout: '', stderr: 'unexpected' }),
};

describe('podMtuFor', () => {
  it("leaves pods VXLAN's 50 bytes below the node IP's interface, as the tunnel device", async () => {
    expect(await podMtuFor({ type: 'vxlan', vni: 1, port: 8472 }, '10.250.0.2', kernel)).toBe(1450);
  });

  it("keeps the engine's default with host-gw, which does not wrap packets", async () => {
    expect(await podMtuFor({ type: 'host-gw' }, '10.250.0.2', kernel)).toBeUndefined();
  });

  it('names the node IP no interface holds', async () => {
    await expect(podMtuFor({ type: 'vxlan', vni: 1, port: 8472 }, '10.9.9.9', kernel)).rejects.toThrow('no interface holds the node IP 10.9.9.9');
  });
});
