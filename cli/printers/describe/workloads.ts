import type { Condition, Deployment, Pod, ReplicaSet, ReplicationController } from '../../../lib/api/generated/index.js';
import { desiredReplicas } from '../../../lib/printers/kinds/workloads.js';
import { formatLabelSelector, formatLabels, labelSelectorString } from '../../../lib/printers/labels.js';
import type { DescribeOptions } from './pod.js';
import { writePodTemplate } from './pod-template.js';
import { writeAnnotations, writeControlledBy, writeEvents, writeLabels } from './sections.js';
import { DescribeWriter, formatTime } from './writer.js';

export interface PodPhaseCounts {
  running: number;
  waiting: number;
  succeeded: number;
  failed: number;
}

/**
 * Counts pods by phase for "Pods Status". With `ownerUid`, only pods that object controls count,
 * as kubectl skips orphans and pods of other controllers matching the same selector.
 */
export function countPodPhases(pods: readonly Pod[], ownerUid?: string): PodPhaseCounts {
  const counts: PodPhaseCounts = { running: 0, waiting: 0, succeeded: 0, failed: 0 };
  for (const pod of pods) {
    if (ownerUid !== undefined && !(pod.metadata?.ownerReferences ?? []).some((r) => r.controller && r.uid === ownerUid)) continue;
    const phase = pod.status?.phase;
    if (phase === 'Running') counts.running++;
    else if (phase === 'Pending') counts.waiting++;
    else if (phase === 'Succeeded') counts.succeeded++;
    else if (phase === 'Failed') counts.failed++;
  }
  return counts;
}

export interface DescribeControllerOptions extends DescribeOptions {
  pods: PodPhaseCounts;
}

export const podsStatus = (p: PodPhaseCounts): string => `${p.running} Running / ${p.waiting} Waiting / ${p.succeeded} Succeeded / ${p.failed} Failed`;

function writeConditions(w: DescribeWriter, conditions: Condition[] | undefined): void {
  if (!conditions?.length) return;
  w.write(0, 'Conditions:\n  Type\tStatus\tReason\n');
  w.write(1, '----\t------\t------\n');
  for (const c of conditions) w.write(1, `${c.type ?? ''} \t${c.status ?? ''}\t${c.reason ?? ''}\n`);
}

/** `kubectl describe replicationcontroller`. */
export function describeReplicationController(rc: ReplicationController, options: DescribeControllerOptions): string {
  const w = new DescribeWriter();
  w.write(0, `Name:\t${rc.metadata?.name ?? ''}\n`);
  w.write(0, `Namespace:\t${rc.metadata?.namespace ?? ''}\n`);
  w.write(0, `Selector:\t${formatLabels(rc.spec?.selector)}\n`);
  writeLabels(w, 'Labels', rc.metadata?.labels);
  writeAnnotations(w, 'Annotations', rc.metadata?.annotations);
  w.write(0, `Replicas:\t${rc.status?.replicas ?? 0} current / ${desiredReplicas(rc.spec)} desired\n`);
  w.write(0, `Pods Status:\t${podsStatus(options.pods)}\n`);
  writePodTemplate(w, rc.spec?.template);
  writeConditions(w, rc.status?.conditions);
  if (options.events) writeEvents(w, options.events, options.now);
  return w.toString();
}

/** `kubectl describe replicaset`. */
export function describeReplicaSet(rs: ReplicaSet, options: DescribeControllerOptions): string {
  const w = new DescribeWriter();
  w.write(0, `Name:\t${rs.metadata?.name ?? ''}\n`);
  w.write(0, `Namespace:\t${rs.metadata?.namespace ?? ''}\n`);
  w.write(0, `Selector:\t${formatLabelSelector(rs.spec?.selector)}\n`);
  writeLabels(w, 'Labels', rs.metadata?.labels);
  writeAnnotations(w, 'Annotations', rs.metadata?.annotations);
  writeControlledBy(w, rs.metadata);
  w.write(0, `Replicas:\t${rs.status?.replicas ?? 0} current / ${desiredReplicas(rs.spec)} desired\n`);
  w.write(0, `Pods Status:\t${podsStatus(options.pods)}\n`);
  writePodTemplate(w, rs.spec?.template);
  writeConditions(w, rs.status?.conditions);
  if (options.events) writeEvents(w, options.events, options.now);
  return w.toString();
}

export interface DescribeDeploymentOptions extends DescribeOptions {
  /** Replica sets of earlier revisions that still have pods. */
  oldReplicaSets?: readonly ReplicaSet[];
  /** The replica set of the current pod template. */
  newReplicaSet?: ReplicaSet;
}

const replicaSetList = (sets: readonly ReplicaSet[]): string =>
  sets.map((rs) => `${rs.metadata?.name ?? ''} (${rs.status?.replicas ?? 0}/${desiredReplicas(rs.spec)} replicas created)`).join(', ') || '<none>';

const intOrString = (v: { intVal?: number; strVal?: string } | undefined, otherwise: string): string =>
  v === undefined ? otherwise : v.strVal || String(v.intVal ?? 0);

/** `kubectl describe deployment`. Strategy fields unset on the object read as Kubernetes' defaults. */
export function describeDeployment(d: Deployment, options: DescribeDeploymentOptions): string {
  const w = new DescribeWriter();
  const spec = d.spec ?? {};
  const status = d.status ?? {};
  w.write(0, `Name:\t${d.metadata?.name ?? ''}\n`);
  w.write(0, `Namespace:\t${d.metadata?.namespace ?? ''}\n`);
  w.write(0, `CreationTimestamp:\t${formatTime(d.metadata?.creationTimestamp)}\n`);
  writeLabels(w, 'Labels', d.metadata?.labels);
  writeAnnotations(w, 'Annotations', d.metadata?.annotations);
  w.write(0, `Selector:\t${labelSelectorString(spec.selector)}\n`);
  w.write(
    0,
    `Replicas:\t${desiredReplicas(spec)} desired | ${status.updatedReplicas ?? 0} updated | ${status.replicas ?? 0} total | ` +
      `${status.availableReplicas ?? 0} available | ${status.unavailableReplicas ?? 0} unavailable\n`,
  );
  const strategy = spec.strategy?.type || 'RollingUpdate';
  w.write(0, `StrategyType:\t${strategy}\n`);
  w.write(0, `MinReadySeconds:\t${spec.minReadySeconds ?? 0}\n`);
  if (strategy === 'RollingUpdate') {
    const ru = spec.strategy?.rollingUpdate;
    w.write(0, `RollingUpdateStrategy:\t${intOrString(ru?.maxUnavailable, '25%')} max unavailable, ${intOrString(ru?.maxSurge, '25%')} max surge\n`);
  }
  writePodTemplate(w, spec.template);
  writeConditions(w, status.conditions);
  const oldSets = options.oldReplicaSets ?? [];
  const newSets = options.newReplicaSet ? [options.newReplicaSet] : [];
  if (oldSets.length > 0 || newSets.length > 0) {
    w.write(0, `OldReplicaSets:\t${replicaSetList(oldSets)}\n`);
    w.write(0, `NewReplicaSet:\t${replicaSetList(newSets)}\n`);
  }
  if (options.events) writeEvents(w, options.events, options.now);
  return w.toString();
}
