import { describe, expect, it } from 'vitest';
import { nodeArgs } from './join.js';

describe('nodeArgs', () => {
  it('puts a node on the pod network: kubenet with the MTU of its backend, the proxy routing by it, the DNS on the node', () => {
    const args = nodeArgs('/etc/kubets', 'w1', '192.168.56.21', { clusterCidr: '10.244.0.0/16', backend: { type: 'vxlan', vni: 1, port: 8472 }, podMtu: 1450 });
    expect(args.kubelet.slice(-7)).toEqual(['/etc/kubets/ca.crt', '--network-plugin', 'kubenet', '--network-plugin-mtu', '1450', '--cluster-dns', '192.168.56.21']);
    expect(args.proxy).toEqual([
      '--kubeconfig', '/etc/kubets/proxy.conf', '--node-ip', '192.168.56.21', '--hostname-override', 'w1', '--cluster-cidr', '10.244.0.0/16',
      '--network-backend', 'vxlan', '--vxlan-vni', '1', '--vxlan-port', '8472', '--cluster-dns-bind', '192.168.56.21:53', '--pod-bridge', 'cbr0',
    ]);
  });

  it("keeps the engine's MTU with host-gw, and leaves a node without a pod network on the engine's bridge", () => {
    expect(nodeArgs('/d', 'w1', '10.0.0.2', { clusterCidr: '10.244.0.0/16', backend: { type: 'host-gw' } }).kubelet).not.toContain('--network-plugin-mtu');
    const bare = nodeArgs('/d', 'w1', '10.0.0.2');
    expect(bare.kubelet).not.toContain('--network-plugin');
    expect(bare.proxy).toEqual(['--kubeconfig', '/d/proxy.conf', '--node-ip', '10.0.0.2', '--hostname-override', 'w1']);
  });
});
