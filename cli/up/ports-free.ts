import { createServer } from 'node:net';

export class PortInUseError extends Error {
  override readonly name = 'PortInUseError';
}

function inUse(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(true));
    // The wildcard address collides with a listener on any one address (loopback, docker0, the node network).
    server.listen({ port, host: '0.0.0.0', exclusive: true }, () => server.close(() => resolve(false)));
  });
}

/**
 * Fails fast, naming the port, when another program (another cluster's etcd, apiserver or
 * kubelet) already listens on one the cluster needs: started anyway, our components would restart
 * in a loop, or worse, attach to the other cluster's etcd.
 */
export async function ensurePortsFree(ports: Record<string, number>): Promise<void> {
  for (const [what, port] of Object.entries(ports)) {
    if (await inUse(port)) {
      throw new PortInUseError(`port ${port} (${what}) is already in use, perhaps by another kubets cluster: stop it with kubets down, or choose other ports (--port, --etcd-port, --kubelet-port)`);
    }
  }
}
