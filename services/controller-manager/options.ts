import type { CertAndKey } from '../../lib/certs/index.js';
import { DEFAULT_SIGNING_DURATION_MS } from './certificates/csr-signer.js';
import type { PodMetricsSource } from './hpa/metrics-source.js';
import { CidrSet, InvalidClusterCidrError } from './nodeipam/cidr-set.js';

/** Settings of the controller manager and its controllers, fully defaulted by compileOptions. */
export interface ControllerSettings {
  /** Names to run; `*` is every controller, `-name` leaves one out (kube-controller-manager's --controllers). */
  controllers: string[];
  concurrentRcSyncs: number;
  concurrentReplicaSetSyncs: number;
  concurrentDeploymentSyncs: number;
  concurrentEndpointSyncs: number;
  /** Services whose EndpointSlices are synced at once. */
  concurrentServiceEndpointSyncs: number;
  /** --max-endpoints-per-slice: endpoints the EndpointSlice controller puts in one slice (1 to 1000). */
  maxEndpointsPerSlice: number;
  concurrentNamespaceSyncs: number;
  concurrentGcSyncs: number;
  /** A node whose lease is not renewed for this long is unreachable (Ready=Unknown). */
  nodeMonitorGracePeriodMs: number;
  /** How often node health is checked. */
  nodeMonitorPeriodMs: number;
  /** How often every HPA is reconciled. */
  hpaSyncPeriodMs: number;
  /** --allocate-node-cidrs: give every node a pod subnet from clusterCidr (the nodeipam controller). */
  allocateNodeCidrs: boolean;
  /** --cluster-cidr: the range of pod IPs in the cluster. */
  clusterCidr: string;
  /** --node-cidr-mask-size: the prefix length of each node's pod subnet. */
  nodeCidrMaskSize: number;
  /** --terminated-pod-gc-threshold: finished pods kept before the pod GC deletes the oldest; 0 keeps all. */
  terminatedPodGcThreshold: number;
  concurrentJobSyncs: number;
  /** --job-backoff-base: the first delay before a Job replaces a failed pod (doubling per failure, at most six minutes). */
  jobBackoffBaseMs: number;
  concurrentCronJobSyncs: number;
  /** --concurrent-resource-quota-syncs: quotas recomputed at once. */
  concurrentResourceQuotaSyncs: number;
  /** --resource-quota-sync-period: how often every quota's usage is recomputed from the objects. */
  resourceQuotaSyncPeriodMs: number;
  concurrentDaemonSetSyncs: number;
  concurrentStatefulSetSyncs: number;
  /** --local-path-dir: where the local-path provisioner keeps volumes (one folder per node). */
  localPathDir: string;
  /** --horizontal-pod-autoscaler-downscale-stabilization: the scale-down window of HPAs that set none. */
  hpaDownscaleStabilizationMs: number;
  /** Where the HPA controller reads pod usage; unset: the cluster's resource metrics API (metrics.k8s.io PodMetrics). */
  hpaMetrics?: PodMetricsSource;
  /** --root-ca-file: the CA the root-CA publisher puts in every namespace (default: the CA of the client config); '' turns it off. */
  rootCaPem: string;
  /** --cluster-signing-cert-file and --cluster-signing-key-file: the CA csrsigning signs with; unset turns csrsigning off. */
  clusterSigningCa?: CertAndKey;
  /** --cluster-signing-duration: the longest a signed certificate is valid. */
  clusterSigningDurationMs: number;
}

export const DEFAULT_SETTINGS: ControllerSettings = {
  controllers: ['*'],
  concurrentRcSyncs: 5,
  concurrentReplicaSetSyncs: 5,
  concurrentDeploymentSyncs: 5,
  concurrentEndpointSyncs: 5,
  concurrentServiceEndpointSyncs: 5,
  maxEndpointsPerSlice: 100,
  concurrentNamespaceSyncs: 10,
  concurrentGcSyncs: 20,
  nodeMonitorGracePeriodMs: 40_000,
  nodeMonitorPeriodMs: 5_000,
  hpaSyncPeriodMs: 15_000,
  allocateNodeCidrs: false,
  clusterCidr: '10.244.0.0/16',
  nodeCidrMaskSize: 24,
  terminatedPodGcThreshold: 12_500,
  concurrentJobSyncs: 5,
  jobBackoffBaseMs: 10_000,
  concurrentCronJobSyncs: 5,
  concurrentResourceQuotaSyncs: 5,
  resourceQuotaSyncPeriodMs: 300_000,
  concurrentDaemonSetSyncs: 2,
  concurrentStatefulSetSyncs: 5,
  localPathDir: '/var/lib/kubets/storage',
  hpaDownscaleStabilizationMs: 300_000,
  rootCaPem: '',
  clusterSigningDurationMs: DEFAULT_SIGNING_DURATION_MS,
};

/** Settings that may be zero (a threshold that turns a behaviour off). */
const ZERO_ALLOWED = new Set<keyof ControllerSettings>(['terminatedPodGcThreshold']);

export class InvalidControllerOptionsError extends Error {
  override readonly name = 'InvalidControllerOptionsError';
}

export function compileSettings(partial: Partial<ControllerSettings> = {}): ControllerSettings {
  const settings: ControllerSettings = { ...DEFAULT_SETTINGS };
  for (const [key, value] of Object.entries(partial) as [keyof ControllerSettings, unknown][]) {
    if (value !== undefined) (settings as unknown as Record<string, unknown>)[key] = value;
  }
  for (const [key, value] of Object.entries(settings)) {
    if (typeof value !== 'number') continue;
    const min = ZERO_ALLOWED.has(key as keyof ControllerSettings) ? 0 : Number.MIN_VALUE;
    if (!Number.isFinite(value) || value < min) {
      throw new InvalidControllerOptionsError(`${key} must be a ${min === 0 ? 'non-negative' : 'positive'} number, got ${value}`);
    }
  }
  // An EndpointSlice holds at most 1000 endpoints.
  if (!Number.isInteger(settings.maxEndpointsPerSlice) || settings.maxEndpointsPerSlice > 1000) {
    throw new InvalidControllerOptionsError(`maxEndpointsPerSlice must be an integer from 1 to 1000, got ${settings.maxEndpointsPerSlice}`);
  }
  if (settings.allocateNodeCidrs) {
    try {
      new CidrSet(settings.clusterCidr, settings.nodeCidrMaskSize);
    } catch (err) {
      if (err instanceof InvalidClusterCidrError) throw new InvalidControllerOptionsError(err.message);
      throw err;
    }
  }
  return settings;
}

/** Whether --controllers enables a controller: named, or covered by `*` and not excluded with `-name`. */
export function isControllerEnabled(name: string, controllers: readonly string[]): boolean {
  if (controllers.includes(`-${name}`)) return false;
  return controllers.includes(name) || controllers.includes('*');
}
