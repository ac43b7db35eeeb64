import { describe, expect, it } from 'vitest';
import { useControlPlane } from '../../harness/use-control-plane.js';

// What joining nodes read to find the cluster: the apiserver set's external address when one is
// given (the HA load balancer's VIP), else the address of the apiserver that wrote it.
const cluster = useControlPlane({ apiserver: { externalHostname: '192.0.2.50:8443' } });

describe('cluster-info', () => {
  it('names the external hostname as the server, not the advertise address of the apiserver that wrote it', async () => {
    const info = await cluster.client.resource('configMap').get('kube-public', 'cluster-info');
    expect(info.data?.kubeconfig).toContain('server: https://192.0.2.50:8443');
  });
});
