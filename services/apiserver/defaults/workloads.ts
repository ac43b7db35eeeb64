import type { DaemonSet, Deployment, ReplicaSet, ReplicationController, StatefulSet } from '../../../lib/api/generated/index.js';
import { defaultPodTemplate } from './pod-spec.js';
import { defaultPersistentVolumeClaim } from './storage.js';

// Defaults of the workload controllers (Kubernetes' SetDefaults_ReplicationController, apps/v1
// SetDefaults_ReplicaSet, SetDefaults_Deployment, SetDefaults_DaemonSet and
// SetDefaults_StatefulSet, and their declarative replicas defaults).

const DEFAULT_MAX_UNAVAILABLE = '25%';
const DEFAULT_MAX_SURGE = '25%';
const DEFAULT_REVISION_HISTORY_LIMIT = 10;
const DEFAULT_PROGRESS_DEADLINE_SECONDS = 600;

function isEmpty(map: Record<string, string> | undefined): boolean {
  return !map || Object.keys(map).length === 0;
}

export function defaultReplicationController(rc: ReplicationController): void {
  rc.spec ??= {};
  const spec = rc.spec;
  // An RC written with only template labels selects, and is labelled by, exactly those labels.
  const templateLabels = spec.template?.metadata?.labels;
  if (templateLabels) {
    if (isEmpty(spec.selector)) spec.selector = { ...templateLabels };
    rc.metadata ??= {};
    if (isEmpty(rc.metadata.labels)) rc.metadata.labels = { ...templateLabels };
  }
  spec.replicas ??= 1;
  if (spec.template) defaultPodTemplate(spec.template);
  rc.status ??= {};
  rc.status.replicas ??= 0;
}

export function defaultReplicaSet(rs: ReplicaSet): void {
  rs.spec ??= {};
  rs.spec.replicas ??= 1;
  rs.spec.template ??= {};
  defaultPodTemplate(rs.spec.template);
  rs.status ??= {};
  rs.status.replicas ??= 0;
}

export function defaultDeployment(deployment: Deployment): void {
  deployment.spec ??= {};
  const spec = deployment.spec;
  spec.replicas ??= 1;
  spec.strategy ??= {};
  const strategy = spec.strategy;
  strategy.type ||= 'RollingUpdate';
  if (strategy.type === 'RollingUpdate') {
    strategy.rollingUpdate ??= {};
    strategy.rollingUpdate.maxUnavailable ??= { strVal: DEFAULT_MAX_UNAVAILABLE };
    strategy.rollingUpdate.maxSurge ??= { strVal: DEFAULT_MAX_SURGE };
  }
  spec.revisionHistoryLimit ??= DEFAULT_REVISION_HISTORY_LIMIT;
  spec.progressDeadlineSeconds ??= DEFAULT_PROGRESS_DEADLINE_SECONDS;
  spec.template ??= {};
  defaultPodTemplate(spec.template);
}

export function defaultDaemonSet(ds: DaemonSet): void {
  ds.spec ??= {};
  const spec = ds.spec;
  spec.updateStrategy ??= {};
  const strategy = spec.updateStrategy;
  strategy.type ||= 'RollingUpdate';
  if (strategy.type === 'RollingUpdate') {
    strategy.rollingUpdate ??= {};
    strategy.rollingUpdate.maxUnavailable ??= { intVal: 1 };
    strategy.rollingUpdate.maxSurge ??= { intVal: 0 };
  }
  spec.revisionHistoryLimit ??= DEFAULT_REVISION_HISTORY_LIMIT;
  spec.template ??= {};
  defaultPodTemplate(spec.template);
}

export function defaultStatefulSet(sts: StatefulSet): void {
  sts.spec ??= {};
  const spec = sts.spec;
  spec.replicas ??= 1;
  spec.podManagementPolicy ||= 'OrderedReady';
  spec.updateStrategy ??= {};
  const strategy = spec.updateStrategy;
  strategy.type ||= 'RollingUpdate';
  if (strategy.type === 'RollingUpdate') {
    strategy.rollingUpdate ??= {};
    strategy.rollingUpdate.partition ??= 0;
  }
  spec.persistentVolumeClaimRetentionPolicy ??= {};
  spec.persistentVolumeClaimRetentionPolicy.whenDeleted ||= 'Retain';
  spec.persistentVolumeClaimRetentionPolicy.whenScaled ||= 'Retain';
  spec.revisionHistoryLimit ??= DEFAULT_REVISION_HISTORY_LIMIT;
  for (const claim of spec.volumeClaimTemplates ?? []) defaultPersistentVolumeClaim(claim);
  spec.template ??= {};
  defaultPodTemplate(spec.template);
}
