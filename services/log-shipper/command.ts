import Docker from 'dockerode';
import { Command } from 'commander';
import { createLogger } from '../../lib/log.js';
import { exitWhenStopped, onStopSignal } from '../../lib/stop-signals.js';
import { LogShipper } from './shipper.js';

interface LogShipperFlags {
  nodeName: string;
  dockerSocket?: string;
  url: string;
  stateFile: string;
}

export function logShipperCommand(): Command {
  return new Command('log-shipper')
    .description("Ship the logs of a node's pod containers to systemd-journal-remote, with pod, namespace, container and node fields")
    .requiredOption('--node-name <name>', 'the node whose pod containers are shipped (the kubelet\'s container labels)')
    .option('--docker-socket <path>', "the node's Docker engine socket (default: Docker's own default)")
    .requiredOption('--url <url>', "systemd-journal-remote's upload URL, e.g. http://127.0.0.1:19532/upload")
    .requiredOption('--state-file <file>', 'where the position of each container is kept across restarts')
    .action(async (o: LogShipperFlags) => {
      const log = createLogger('log-shipper');
      const docker = o.dockerSocket ? new Docker({ socketPath: o.dockerSocket }) : new Docker();
      const shipper = new LogShipper({ docker, nodeName: o.nodeName, url: o.url, stateFile: o.stateFile, log });
      await shipper.start();
      log.info({ node: o.nodeName, url: o.url }, 'shipping pod logs');
      onStopSignal((signal) => {
        log.info({ signal }, 'shutting down');
        exitWhenStopped(shipper.stop());
      });
    });
}
