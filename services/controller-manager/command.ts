import { readFile } from 'node:fs/promises';
import { Command } from 'commander';
import type { CertAndKey } from '../../lib/certs/index.js';
import { ApiClient } from '../../lib/client/client.js';
import { loadClientConfig } from '../../lib/client-config.js';
import { createLogger } from '../../lib/log.js';
import { addMetricsOptions, METRICS_PORTS, serveMetrics, type MetricsFlags } from '../../lib/metrics/index.js';
import { onStopSignal } from '../../lib/stop-signals.js';
import { boolFlag, commaList, duration, nonNegativeInt, positiveDuration, positiveInt } from '../../lib/flags.js';
import { ControllerManager, DEFAULT_LEASE_NAME, DEFAULT_LEASE_NAMESPACE } from './controller-manager.js';
import { DEFAULT_SETTINGS } from './options.js';

interface ControllerManagerFlags extends MetricsFlags {
  kubeconfig?: string;
  rootCaFile?: string;
  leaderElect: boolean;
  leaderElectResourceName: string;
  leaderElectResourceNamespace: string;
  controllers: string[];
  concurrentRcSyncs: number;
  concurrentReplicasetSyncs: number;
  concurrentDeploymentSyncs: number;
  concurrentEndpointSyncs: number;
  concurrentServiceEndpointSyncs: number;
  maxEndpointsPerSlice: number;
  concurrentNamespaceSyncs: number;
  concurrentGcSyncs: number;
  nodeMonitorGracePeriod: number;
  nodeMonitorPeriod: number;
  horizontalPodAutoscalerSyncPeriod: number;
  horizontalPodAutoscalerDownscaleStabilization: number;
  allocateNodeCidrs: boolean;
  clusterCidr: string;
  nodeCidrMaskSize: number;
  terminatedPodGcThreshold: number;
  concurrentJobSyncs: number;
  jobBackoffBase: number;
  concurrentCronJobSyncs: number;
  concurrentResourceQuotaSyncs: number;
  resourceQuotaSyncPeriod: number;
  concurrentDaemonsetSyncs: number;
  concurrentStatefulsetSyncs: number;
  localPathDir: string;
  clusterSigningCertFile?: string;
  clusterSigningKeyFile?: string;
  clusterSigningDuration: number;
}

/** The CA csrsigning uses, when both its files are given (one without the other is a mistake worth stopping for). */
async function signingCa(o: ControllerManagerFlags): Promise<CertAndKey | undefined> {
  if (!o.clusterSigningCertFile && !o.clusterSigningKeyFile) return undefined;
  if (!o.clusterSigningCertFile || !o.clusterSigningKeyFile) throw new Error('--cluster-signing-cert-file and --cluster-signing-key-file go together');
  return { certPem: await readFile(o.clusterSigningCertFile, 'utf8'), keyPem: await readFile(o.clusterSigningKeyFile, 'utf8') };
}

export function controllerManagerCommand(): Command {
  const d = DEFAULT_SETTINGS;
  return addMetricsOptions(new Command('controller-manager'), METRICS_PORTS.controllerManager)
    .description('Run the controllers: replication controllers, replica sets, deployments, daemon sets, stateful sets, jobs, cron jobs, endpoints, endpoint slices, namespaces, nodes, garbage collection, HPA, resource quotas')
    .option('--kubeconfig <file>', 'client config with the apiserver addresses, CA and token (default: $KUBETS_CONFIG or ~/.kubets/config)')
    .addOption(boolFlag('--leader-elect', 'elect a leader on a Lease before running controllers (for several replicas)', true))
    .option('--leader-elect-resource-name <name>', 'name of the Lease used for leader election', DEFAULT_LEASE_NAME)
    .option('--leader-elect-resource-namespace <ns>', 'namespace of the Lease used for leader election', DEFAULT_LEASE_NAMESPACE)
    .option('--controllers <names>', "controllers to run: '*' for all, 'name' to add one, '-name' to leave one out", commaList, d.controllers)
    .option('--concurrent-rc-syncs <n>', 'replication controllers synced at once', positiveInt, d.concurrentRcSyncs)
    .option('--concurrent-replicaset-syncs <n>', 'replica sets synced at once', positiveInt, d.concurrentReplicaSetSyncs)
    .option('--concurrent-deployment-syncs <n>', 'deployments synced at once', positiveInt, d.concurrentDeploymentSyncs)
    .option('--concurrent-endpoint-syncs <n>', 'services whose endpoints are synced at once', positiveInt, d.concurrentEndpointSyncs)
    .option('--concurrent-service-endpoint-syncs <n>', 'services whose endpoint slices are synced at once', positiveInt, d.concurrentServiceEndpointSyncs)
    .option('--max-endpoints-per-slice <n>', 'endpoints in one EndpointSlice (at most 1000)', positiveInt, d.maxEndpointsPerSlice)
    .option('--concurrent-namespace-syncs <n>', 'namespaces deleted at once', positiveInt, d.concurrentNamespaceSyncs)
    .option('--concurrent-gc-syncs <n>', 'garbage collector workers', positiveInt, d.concurrentGcSyncs)
    .option('--node-monitor-grace-period <duration>', 'how long a node may go without renewing its lease before it is marked unreachable', positiveDuration, d.nodeMonitorGracePeriodMs)
    .option('--node-monitor-period <duration>', 'how often node health is checked', positiveDuration, d.nodeMonitorPeriodMs)
    .option('--horizontal-pod-autoscaler-sync-period <duration>', 'how often horizontal pod autoscalers are reconciled', positiveDuration, d.hpaSyncPeriodMs)
    .addOption(boolFlag('--allocate-node-cidrs', 'give every node a pod subnet (spec.podCIDR) from --cluster-cidr', d.allocateNodeCidrs))
    .option('--cluster-cidr <cidr>', 'the range of pod IPs in the cluster', d.clusterCidr)
    .option('--node-cidr-mask-size <bits>', "the prefix length of each node's pod subnet", positiveInt, d.nodeCidrMaskSize)
    .option('--terminated-pod-gc-threshold <n>', 'finished pods kept before the oldest are deleted (0: keep all)', nonNegativeInt, d.terminatedPodGcThreshold)
    .option('--concurrent-job-syncs <n>', 'jobs synced at once', positiveInt, d.concurrentJobSyncs)
    .option('--job-backoff-base <duration>', 'first delay before a job replaces a failed pod; doubles per failure, at most 6m', positiveDuration, d.jobBackoffBaseMs)
    .option('--concurrent-cron-job-syncs <n>', 'cron jobs synced at once', positiveInt, d.concurrentCronJobSyncs)
    .option('--concurrent-resource-quota-syncs <n>', 'resource quotas recomputed at once', positiveInt, d.concurrentResourceQuotaSyncs)
    .option('--resource-quota-sync-period <duration>', "how often every resource quota's usage is recomputed from the objects", positiveDuration, d.resourceQuotaSyncPeriodMs)
    .option('--concurrent-daemonset-syncs <n>', 'daemon sets synced at once', positiveInt, d.concurrentDaemonSetSyncs)
    .option('--concurrent-statefulset-syncs <n>', 'stateful sets synced at once', positiveInt, d.concurrentStatefulSetSyncs)
    .option('--local-path-dir <dir>', "where the local-path provisioner keeps volumes, a folder per node", d.localPathDir)
    .option('--horizontal-pod-autoscaler-downscale-stabilization <duration>', 'how far back an autoscaler without its own scale-down window looks for a higher recommendation before scaling down', duration, d.hpaDownscaleStabilizationMs)
    .option('--root-ca-file <file>', 'the CA put in every namespace as the kube-root-ca.crt ConfigMap (default: the CA of the client config)')
    .option('--cluster-signing-cert-file <file>', 'the CA certificate csrsigning issues node and client certificates with (PEM)')
    .option('--cluster-signing-key-file <file>', "that CA's private key (PEM); without both files csrsigning does not run")
    .option('--cluster-signing-duration <duration>', 'the longest validity of a signed certificate', positiveDuration, d.clusterSigningDurationMs)
    .action(async (_flags: ControllerManagerFlags, cmd: Command) => {
      // kubectl's global flags sit on the program and take --kubeconfig before we see it.
      const o = cmd.optsWithGlobals<ControllerManagerFlags>();
      const log = createLogger('controller-manager');
      const config = await loadClientConfig({ ...(o.kubeconfig ? { path: o.kubeconfig } : {}), env: process.env });
      const client = ApiClient.fromConfig(config, { log });
      const manager = new ControllerManager({
        client,
        settings: {
          controllers: o.controllers,
          concurrentRcSyncs: o.concurrentRcSyncs,
          concurrentReplicaSetSyncs: o.concurrentReplicasetSyncs,
          concurrentDeploymentSyncs: o.concurrentDeploymentSyncs,
          concurrentEndpointSyncs: o.concurrentEndpointSyncs,
          concurrentServiceEndpointSyncs: o.concurrentServiceEndpointSyncs,
          maxEndpointsPerSlice: o.maxEndpointsPerSlice,
          concurrentNamespaceSyncs: o.concurrentNamespaceSyncs,
          concurrentGcSyncs: o.concurrentGcSyncs,
          nodeMonitorGracePeriodMs: o.nodeMonitorGracePeriod,
          nodeMonitorPeriodMs: o.nodeMonitorPeriod,
          hpaSyncPeriodMs: o.horizontalPodAutoscalerSyncPeriod,
          allocateNodeCidrs: o.allocateNodeCidrs,
          clusterCidr: o.clusterCidr,
          nodeCidrMaskSize: o.nodeCidrMaskSize,
          terminatedPodGcThreshold: o.terminatedPodGcThreshold,
          concurrentJobSyncs: o.concurrentJobSyncs,
          jobBackoffBaseMs: o.jobBackoffBase,
          concurrentCronJobSyncs: o.concurrentCronJobSyncs,
          concurrentResourceQuotaSyncs: o.concurrentResourceQuotaSyncs,
          resourceQuotaSyncPeriodMs: o.resourceQuotaSyncPeriod,
          concurrentDaemonSetSyncs: o.concurrentDaemonsetSyncs,
          concurrentStatefulSetSyncs: o.concurrentStatefulsetSyncs,
          localPathDir: o.localPathDir,
          hpaDownscaleStabilizationMs: o.horizontalPodAutoscalerDownscaleStabilization,
          rootCaPem: o.rootCaFile ? await readFile(o.rootCaFile, 'utf8') : config.caPem,
          clusterSigningCa: await signingCa(o),
          clusterSigningDurationMs: o.clusterSigningDuration,
        },
        leaderElection: o.leaderElect ? { leaseName: o.leaderElectResourceName, leaseNamespace: o.leaderElectResourceNamespace } : false,
        log,
      });
      onStopSignal((signal) => {
        log.info({ signal }, 'shutting down');
        void manager.stop();
      });
      log.info({ identity: manager.identity, servers: config.servers, controllers: manager.controllers.map((c) => c.name) }, 'starting controller manager');
      const metrics = await serveMetrics(o, log);
      await manager.start();
      const exit = await manager.done;
      await metrics?.close();
      client.close();
      // A replica that lost its lease exits so its supervisor restarts it with clean state.
      if (exit === 'lost') {
        log.error('leader election lost');
        process.exit(1);
      }
      process.exit(0);
    });
}
