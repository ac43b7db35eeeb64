import type { Controller, ControllerContext } from './common/controller.js';
import type { ControllerSettings } from './options.js';
import { CronJobController } from './cronjob/cronjob-controller.js';
import { DaemonSetController } from './daemonset/daemon-set-controller.js';
import { DeploymentController } from './deployment/deployment-controller.js';
import { EndpointSliceController } from './endpointslice/endpoint-slice-controller.js';
import { EndpointSliceMirroringController } from './endpointslice/mirroring-controller.js';
import { EndpointsController } from './endpoints/endpoints-controller.js';
import { JobController } from './job/job-controller.js';
import { GarbageCollector } from './garbage-collector/garbage-collector.js';
import { HorizontalPodAutoscalerController } from './hpa/hpa-controller.js';
import { resourceMetricsSource } from './hpa/resource-metrics-source.js';
import { NamespaceController } from './namespace/namespace-controller.js';
import { NodeIpamController } from './nodeipam/node-ipam-controller.js';
import { NodeLifecycleController } from './node-lifecycle/node-lifecycle-controller.js';
import { TaintEvictionController } from './node-lifecycle/taint-eviction-controller.js';
import { PodGcController } from './podgc/pod-gc-controller.js';
import { REPLICA_SET_KIND, REPLICATION_CONTROLLER_KIND } from './replicaset/replica-kind.js';
import { ReplicaSetController } from './replicaset/replica-set-controller.js';
import { ResourceQuotaController } from './resourcequota/resource-quota-controller.js';
import { RootCaPublisher } from './serviceaccount/root-ca-publisher.js';
import { ServiceAccountController } from './serviceaccount/service-account-controller.js';
import { StatefulSetController } from './statefulset/stateful-set-controller.js';
import { PersistentVolumeController } from './persistentvolume/persistent-volume-controller.js';
import { StorageProtectionController } from './persistentvolume/storage-protection-controller.js';
import { TokenCleaner } from './bootstrap/token-cleaner.js';
import { CsrApprovingController } from './certificates/csr-approver.js';
import { CsrSigningController } from './certificates/csr-signer.js';
import { CsrCleaner } from './certificates/csr-cleaner.js';
import { DisruptionController } from './disruption/disruption-controller.js';

export interface ControllerDescriptor {
  name: string;
  build(ctx: ControllerContext, settings: ControllerSettings): Controller;
  /** Settings a controller needs besides being named in --controllers (nodeipam: --allocate-node-cidrs). */
  enabled?: (settings: ControllerSettings) => boolean;
}

/** Every controller the manager knows, by the name --controllers uses (as kube-controller-manager names them). */
export const CONTROLLERS: readonly ControllerDescriptor[] = [
  { name: 'replicationcontroller', build: (ctx, s) => new ReplicaSetController(ctx, REPLICATION_CONTROLLER_KIND, { workers: s.concurrentRcSyncs }) },
  { name: 'replicaset', build: (ctx, s) => new ReplicaSetController(ctx, REPLICA_SET_KIND, { workers: s.concurrentReplicaSetSyncs }) },
  { name: 'deployment', build: (ctx, s) => new DeploymentController(ctx, { workers: s.concurrentDeploymentSyncs }) },
  { name: 'endpoint', build: (ctx, s) => new EndpointsController(ctx, { workers: s.concurrentEndpointSyncs }) },
  {
    name: 'endpointslice',
    build: (ctx, s) => new EndpointSliceController(ctx, { workers: s.concurrentServiceEndpointSyncs, maxEndpointsPerSlice: s.maxEndpointsPerSlice }),
  },
  {
    name: 'endpointslicemirroring',
    build: (ctx, s) => new EndpointSliceMirroringController(ctx, { workers: s.concurrentServiceEndpointSyncs }),
  },
  { name: 'garbagecollector', build: (ctx, s) => new GarbageCollector(ctx, { workers: s.concurrentGcSyncs }) },
  {
    name: 'horizontalpodautoscaling',
    build: (ctx, s) =>
      new HorizontalPodAutoscalerController(ctx, { syncPeriodMs: s.hpaSyncPeriodMs, downscaleStabilizationMs: s.hpaDownscaleStabilizationMs, metrics: s.hpaMetrics ?? resourceMetricsSource(ctx.client) }),
  },
  { name: 'namespace', build: (ctx, s) => new NamespaceController(ctx, { workers: s.concurrentNamespaceSyncs }) },
  {
    name: 'nodelifecycle',
    build: (ctx, s) => new NodeLifecycleController(ctx, { gracePeriodMs: s.nodeMonitorGracePeriodMs, monitorPeriodMs: s.nodeMonitorPeriodMs }),
  },
  { name: 'taint-eviction-controller', build: (ctx) => new TaintEvictionController(ctx) },
  { name: 'nodeipam', build: (ctx, s) => new NodeIpamController(ctx, { clusterCidr: s.clusterCidr, nodeCidrMaskSize: s.nodeCidrMaskSize }), enabled: (s) => s.allocateNodeCidrs },
  { name: 'podgc', build: (ctx, s) => new PodGcController(ctx, { terminatedPodThreshold: s.terminatedPodGcThreshold }) },
  { name: 'job', build: (ctx, s) => new JobController(ctx, { workers: s.concurrentJobSyncs, backoffBaseMs: s.jobBackoffBaseMs }) },
  { name: 'cronjob', build: (ctx, s) => new CronJobController(ctx, { workers: s.concurrentCronJobSyncs }) },
  { name: 'resourcequota', build: (ctx, s) => new ResourceQuotaController(ctx, { workers: s.concurrentResourceQuotaSyncs, syncPeriodMs: s.resourceQuotaSyncPeriodMs }) },
  { name: 'daemonset', build: (ctx, s) => new DaemonSetController(ctx, { workers: s.concurrentDaemonSetSyncs }) },
  { name: 'statefulset', build: (ctx, s) => new StatefulSetController(ctx, { workers: s.concurrentStatefulSetSyncs }) },
  { name: 'persistentvolume-binder', build: (ctx, s) => new PersistentVolumeController(ctx, { localPathDir: s.localPathDir }) },
  { name: 'storage-protection', build: (ctx) => new StorageProtectionController(ctx) },
  { name: 'serviceaccount', build: (ctx) => new ServiceAccountController(ctx, { workers: 2 }) },
  { name: 'root-ca-certificate-publisher', build: (ctx, s) => new RootCaPublisher(ctx, { workers: 2, rootCaPem: s.rootCaPem }), enabled: (s) => s.rootCaPem !== '' },
  { name: 'tokencleaner', build: (ctx) => new TokenCleaner(ctx) },
  { name: 'csrapproving', build: (ctx) => new CsrApprovingController(ctx) },
  {
    name: 'csrsigning',
    build: (ctx, s) => new CsrSigningController(ctx, { ca: s.clusterSigningCa!, durationMs: s.clusterSigningDurationMs }),
    enabled: (s) => s.clusterSigningCa !== undefined,
  },
  { name: 'csrcleaner', build: (ctx) => new CsrCleaner(ctx) },
  { name: 'disruption', build: (ctx) => new DisruptionController(ctx) },
];
