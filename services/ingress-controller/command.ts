import { homedir } from 'node:os';
import { join } from 'node:path';
import { Command, InvalidArgumentError, Option } from 'commander';
import { ApiClient } from '../../lib/client/client.js';
import { loadClientConfig } from '../../lib/client-config.js';
import { createLogger } from '../../lib/log.js';
import { exitWhenStopped, onStopSignal } from '../../lib/stop-signals.js';
import { IngressController } from './controller.js';
import { CONTROLLER_NAME } from './ingress-class.js';
import { compileIngressControllerOptions, DEFAULT_HAPROXY_BINARY, DEFAULT_HTTP_PORT, DEFAULT_HTTPS_PORT } from './options.js';

interface IngressControllerFlags {
  kubeconfig?: string;
  httpPort: number;
  httpsPort: number;
  bindAddress: string;
  statusAddress: string;
  dataDir: string;
  haproxy: string;
}

/** As `kubets up` keeps its data: under /var/lib/kubets as root, else in the home directory. */
function defaultDataDir(): string {
  return process.getuid?.() === 0 ? '/var/lib/kubets/ingress-controller' : join(homedir(), '.kubets', 'ingress-controller');
}

const port = (value: string): number => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 65535) throw new InvalidArgumentError(`expected a port number (1-65535), got "${value}"`);
  return n;
};

export function ingressControllerCommand(): Command {
  return new Command('ingress-controller')
    .description(`Run the ingress controller: Ingresses of IngressClasses with controller ${CONTROLLER_NAME} served by HAProxy`)
    .option('--kubeconfig <file>', 'client config with the apiserver addresses, CA and token (default: $KUBETS_CONFIG or ~/.kubets/config)')
    .addOption(new Option('--http-port <port>', 'the HTTP port HAProxy listens on').argParser(port).default(DEFAULT_HTTP_PORT))
    .addOption(new Option('--https-port <port>', 'the HTTPS port HAProxy listens on').argParser(port).default(DEFAULT_HTTPS_PORT))
    .option('--bind-address <ip>', 'the address HAProxy listens on', '0.0.0.0')
    .option('--status-address <address>', "the address written to the Ingresses' status.loadBalancer (an IP or a host name)", '127.0.0.1')
    .option('--data-dir <dir>', 'where haproxy.cfg, the certificates and the sockets are kept', defaultDataDir())
    .option('--haproxy <file>', 'the HAProxy binary', DEFAULT_HAPROXY_BINARY)
    .action(async (_local: IngressControllerFlags, cmd: Command) => {
      // kubectl's global flags sit on the program and take --kubeconfig before we see it.
      const o = cmd.optsWithGlobals<IngressControllerFlags>();
      const log = createLogger('ingress-controller');
      const options = compileIngressControllerOptions({
        dataDir: o.dataDir,
        bindAddress: o.bindAddress,
        httpPort: o.httpPort,
        httpsPort: o.httpsPort,
        statusAddress: o.statusAddress,
        haproxyBinary: o.haproxy,
      });
      const config = await loadClientConfig({ ...(o.kubeconfig ? { path: o.kubeconfig } : {}), env: process.env });
      const client = ApiClient.fromConfig(config, { log });
      const controller = new AbortController();
      const running = new IngressController(client, options, log).run(controller.signal);
      onStopSignal((signal) => {
        log.info({ signal }, 'shutting down');
        controller.abort();
        exitWhenStopped(running.then(() => client.close()));
      });
      log.info({ servers: config.servers, httpPort: options.httpPort, httpsPort: options.httpsPort }, 'starting ingress controller');
      await running;
    });
}
