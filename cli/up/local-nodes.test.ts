import { describe, expect, it } from 'vitest';
import { dockerdCommand, planLocalNodes } from './local-nodes.js';

describe('a namespaced node engine', () => {
  const plan = planLocalNodes({ clusterId: 'c0ffee', count: 2, subnet: '10.250.0.0/24', hostName: 'host', dataDir: '/var/lib/kubets', registryPort: 5000 });

  it('has the cluster registry on the host node address as its Docker Hub mirror', () => {
    expect(plan.registry).toBe('10.250.0.1:5000');
    const { args } = dockerdCommand(plan.nodes[0]!, plan.registry);
    expect(args.slice(args.indexOf('--registry-mirror'), args.indexOf('--registry-mirror') + 2)).toEqual(['--registry-mirror', 'https://10.250.0.1:5000']);
  });

  it('pulls through a dead proxy that only loopback and the registry bypass', () => {
    const { env } = dockerdCommand(plan.nodes[0]!, plan.registry);
    expect(env).toMatchObject({ HTTP_PROXY: 'http://127.0.0.1:9', HTTPS_PROXY: 'http://127.0.0.1:9', NO_PROXY: 'localhost,127.0.0.1,10.250.0.1:5000' });
  });
});

describe('the pod network of a plan', () => {
  const base = { clusterId: 'c0ffee', count: 3, subnet: '10.250.0.0/24', hostName: 'host', dataDir: '/var/lib/kubets', registryPort: 5000 };

  it("is Kubernetes' usual 10.244.0.0/16 unless another is asked for (a second cluster on the host needs one)", () => {
    expect(planLocalNodes(base).clusterCidr).toBe('10.244.0.0/16');
    expect(planLocalNodes({ ...base, clusterCidr: '10.245.0.0/16' }).clusterCidr).toBe('10.245.0.0/16');
  });

  it('is refused when it has no /24 for every node or overlaps the node subnet', () => {
    expect(() => planLocalNodes({ ...base, clusterCidr: '10.245.0.0/23' })).toThrow('invalid cluster CIDR "10.245.0.0/23": expected an IPv4 CIDR with a /24 pod subnet for each of the 3 nodes');
    expect(() => planLocalNodes({ ...base, clusterCidr: 'pods' })).toThrow('invalid cluster CIDR "pods"');
    expect(() => planLocalNodes({ ...base, clusterCidr: '10.250.0.0/16' })).toThrow('the cluster CIDR 10.250.0.0/16 and the node subnet 10.250.0.0/24 overlap');
  });
});
