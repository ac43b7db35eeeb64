import { Command } from 'commander';
import { createLogger } from '../../lib/log.js';
import { exitWhenStopped, onStopSignal } from '../../lib/stop-signals.js';
import { DockerEngine, defaultDockerSocket } from './engine.js';
import { LogShipper } from './shipper.js';

interface LogShipperFlags {
  nodeName: string;
  clusterId?: string;
  dockerSocket?: string;
  url: string;
  stateFile: string;
}

export function logShipperCommand(): Command {
  return new Command('log-shipper')
    .description("Ship the logs of a node's pod containers to systemd-journal-remote, with pod, namespace, container and node fields")
    .requiredOption('--node-name <name>', 'the node whose pod containers are shipped (the kubelet\'s container labels)')
    .option('--cluster-id <id>', "the cluster whose containers are shipped (the kubelet's --cluster-id): another cluster's node of the same name on this engine is left alone")
    .option('--docker-socket <path>', "the node's Docker engine socket (default: DOCKER_HOST's unix socket, else /var/run/docker.sock)")
    .requiredOption('--url <url>', "systemd-journal-remote's upload URL, e.g. http://127.0.0.1:19532/upload")
    .requiredOption('--state-file <file>', 'where the position of each container is kept across restarts')
    .action(async (o: LogShipperFlags) => {
      const log = createLogger('log-shipper');
      const engine = new DockerEngine(o.dockerSocket ?? defaultDockerSocket(process.env));
      const shipper = new LogShipper({ engine, nodeName: o.nodeName, ...(o.clusterId && { clusterId: o.clusterId }), url: o.url, stateFile: o.stateFile, log });
      await shipper.start();
      log.info({ node: o.nodeName, cluster: o.clusterId, url: o.url }, 'shipping pod logs');
      onStopSignal((signal) => {
        log.info({ signal }, 'shutting down');
        exitWhenStopped(shipper.stop());
      });
    });
}
