import { Command, InvalidArgumentError, Option } from 'commander';
import { ApiClient } from '../../lib/client/client.js';
import { loadClientConfig } from '../../lib/client-config.js';
import { createLogger } from '../../lib/log.js';
import { exitWhenStopped, onStopSignal } from '../../lib/stop-signals.js';
import { startDiscoveryServer } from './discovery-server.js';

export const DEFAULT_DISCOVERY_PORT = 9091;

interface DiscoveryFlags {
  kubeconfig?: string;
  bindAddress: string;
  port: number;
}

const port = (value: string): number => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new InvalidArgumentError(`expected a port number, got "${value}"`);
  return n;
};

export function prometheusDiscoveryCommand(): Command {
  return new Command('prometheus-discovery')
    .description("Serve Prometheus' HTTP service discovery with the cluster's nodes, endpoints and pods (Kubernetes SD labels)")
    .option('--kubeconfig <file>', 'client config of an identity that may list and watch nodes, services, endpoints and pods')
    .option('--bind-address <ip>', 'the address to serve on', '127.0.0.1')
    .addOption(new Option('--port <port>', 'the port to serve on').argParser(port).default(DEFAULT_DISCOVERY_PORT))
    .action(async (_local: DiscoveryFlags, cmd: Command) => {
      const o = cmd.optsWithGlobals<DiscoveryFlags>();
      const log = createLogger('prometheus-discovery');
      const config = await loadClientConfig({ ...(o.kubeconfig ? { path: o.kubeconfig } : {}), env: process.env });
      const client = ApiClient.fromConfig(config, { log });
      const server = await startDiscoveryServer({ client, bindAddress: o.bindAddress, port: o.port, log });
      onStopSignal((signal) => {
        log.info({ signal }, 'shutting down');
        exitWhenStopped(server.close().then(() => client.close()));
      });
    });
}
