import { setFlagsFromString } from 'node:v8';
import { Command, InvalidArgumentError } from 'commander';
import { ApiClient } from '../../lib/client/client.js';
import { loadClientConfig } from '../../lib/client-config.js';
import { createLogger } from '../../lib/log.js';
import { addMetricsOptions, METRICS_PORTS, serveMetrics, type MetricsFlags } from '../../lib/metrics/index.js';
import { onStopSignal } from '../../lib/stop-signals.js';
import { DEFAULT_SCHEDULER_NAME } from './framework/pod-info.js';
import { DEFAULT_LEASE_NAME, DEFAULT_LEASE_NAMESPACE, SchedulerServer } from './process/scheduler-server.js';

const bool = (value: string): boolean => {
  if (value === 'true') return true;
  if (value === 'false') return false;
  throw new InvalidArgumentError(`expected true or false, got "${value}"`);
};

const percentage = (value: string): number => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 100) throw new InvalidArgumentError(`expected an integer from 0 to 100, got "${value}"`);
  return n;
};

interface SchedulerFlags extends MetricsFlags {
  kubeconfig?: string;
  leaderElect: boolean;
  leaderElectResourceName: string;
  leaderElectResourceNamespace: string;
  schedulerName: string;
  percentageOfNodesToScore: number;
}

export function schedulerCommand(): Command {
  return addMetricsOptions(new Command('scheduler'), METRICS_PORTS.scheduler)
    .description('Run the scheduler: binds pending pods to nodes; with leader election only one replica schedules')
    .option('--kubeconfig <file>', 'client config with the apiserver addresses, CA and token (default: $KUBETS_CONFIG or ~/.kubets/config)')
    .option('--leader-elect [bool]', 'elect a leader on a Lease before scheduling (for several replicas)', bool, true)
    .option('--leader-elect-resource-name <name>', 'name of the Lease used for leader election', DEFAULT_LEASE_NAME)
    .option('--leader-elect-resource-namespace <ns>', 'namespace of the Lease used for leader election', DEFAULT_LEASE_NAMESPACE)
    .option('--scheduler-name <name>', 'schedule only pods whose spec.schedulerName names this scheduler', DEFAULT_SCHEDULER_NAME)
    .option('--percentage-of-nodes-to-score <n>', 'share of nodes to find feasible before scoring; 0 adapts to the cluster size', percentage, 0)
    .action(async (_local: SchedulerFlags, cmd: Command) => {
      // kubectl's global flags (--kubeconfig among them) live on the program: read both levels.
      const o = cmd.optsWithGlobals<SchedulerFlags>();
      // Collect once the heap has doubled since the last full collection, as Go's default GOGC
      // does for kube-scheduler. V8's adaptive default lets a pod backlog's garbage grow the heap
      // to three or four times what is live (400 MB RSS at 10,000 pods) for no CPU saved.
      setFlagsFromString('--heap-growing-percent=100');
      const log = createLogger('scheduler');
      const config = await loadClientConfig({ ...(o.kubeconfig ? { path: o.kubeconfig } : {}), env: process.env });
      const client = ApiClient.fromConfig(config, { log });
      const server = new SchedulerServer({
        client,
        schedulerName: o.schedulerName,
        percentageOfNodesToScore: o.percentageOfNodesToScore,
        leaderElection: o.leaderElect ? { leaseName: o.leaderElectResourceName, leaseNamespace: o.leaderElectResourceNamespace } : false,
        log,
      });
      // The exit follows server.done below: 0 once stopped, 1 if the lease was lost.
      onStopSignal((signal) => {
        log.info({ signal }, 'shutting down');
        void server.stop();
      });
      log.info({ identity: server.identity, servers: config.servers, schedulerName: o.schedulerName }, 'starting scheduler');
      const metrics = await serveMetrics(o, log);
      await server.start();
      const exit = await server.done;
      await metrics?.close();
      client.close();
      // Like kube-scheduler, a replica that lost its lease exits so its supervisor restarts it clean.
      if (exit === 'lost') {
        log.error('leader election lost');
        process.exit(1);
      }
      process.exit(0);
    });
}
