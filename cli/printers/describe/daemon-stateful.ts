import type { DaemonSet, PersistentVolumeClaim, StatefulSet } from '../../../lib/api/generated/index.js';
import { storageClassOf } from '../../../lib/printers/kinds/common.js';
import { formatLabels, labelSelectorString } from '../../../lib/printers/labels.js';
import type { DescribeOptions } from './pod.js';
import { writePodTemplate } from './pod-template.js';
import { writeAnnotations, writeEvents, writeLabels } from './sections.js';
import { podsStatus, type PodPhaseCounts } from './workloads.js';
import { DescribeWriter, formatTime } from './writer.js';

// `kubectl describe daemonset` and `kubectl describe statefulset`.

export interface DescribeDaemonStatefulOptions extends DescribeOptions {
  /** Phases of the pods the object controls. */
  pods: PodPhaseCounts;
}

export function describeDaemonSet(ds: DaemonSet, options: DescribeDaemonStatefulOptions): string {
  const w = new DescribeWriter();
  const status = ds.status ?? {};
  w.write(0, `Name:\t${ds.metadata?.name ?? ''}\n`);
  w.write(0, `Selector:\t${labelSelectorString(ds.spec?.selector)}\n`);
  w.write(0, `Node-Selector:\t${formatLabels(ds.spec?.template?.spec?.nodeSelector)}\n`);
  writeLabels(w, 'Labels', ds.metadata?.labels);
  writeAnnotations(w, 'Annotations', ds.metadata?.annotations);
  // kubectl writes these five without a tab, so they stay out of the alignment.
  w.write(0, `Desired Number of Nodes Scheduled: ${status.desiredNumberScheduled ?? 0}\n`);
  w.write(0, `Current Number of Nodes Scheduled: ${status.currentNumberScheduled ?? 0}\n`);
  w.write(0, `Number of Nodes Scheduled with Up-to-date Pods: ${status.updatedNumberScheduled ?? 0}\n`);
  w.write(0, `Number of Nodes Scheduled with Available Pods: ${status.numberAvailable ?? 0}\n`);
  w.write(0, `Number of Nodes Misscheduled: ${status.numberMisscheduled ?? 0}\n`);
  w.write(0, `Pods Status:\t${podsStatus(options.pods)}\n`);
  writePodTemplate(w, ds.spec?.template);
  if (options.events) writeEvents(w, options.events, options.now);
  return w.toString();
}

function writeVolumeClaimTemplates(w: DescribeWriter, templates: readonly PersistentVolumeClaim[] | undefined): void {
  if (!templates?.length) {
    w.write(0, 'Volume Claims:\t<none>\n');
    return;
  }
  w.write(0, 'Volume Claims:\n');
  for (const claim of templates) {
    w.write(1, `Name:\t${claim.metadata?.name ?? ''}\n`);
    w.write(1, `StorageClass:\t${storageClassOf(claim.spec?.storageClassName, claim.metadata?.annotations)}\n`);
    writeLabels(w, 'Labels', claim.metadata?.labels, '  ');
    writeLabels(w, 'Annotations', claim.metadata?.annotations, '  ');
    w.write(1, `Capacity:\t${claim.spec?.resources?.requests?.storage ?? '<default>'}\n`);
    w.write(1, `Access Modes:\t[${(claim.spec?.accessModes ?? []).join(' ')}]\n`);
  }
}

export function describeStatefulSet(ss: StatefulSet, options: DescribeDaemonStatefulOptions): string {
  const w = new DescribeWriter();
  const spec = ss.spec ?? {};
  w.write(0, `Name:\t${ss.metadata?.name ?? ''}\n`);
  w.write(0, `Namespace:\t${ss.metadata?.namespace ?? ''}\n`);
  w.write(0, `CreationTimestamp:\t${formatTime(ss.metadata?.creationTimestamp)}\n`);
  w.write(0, `Selector:\t${labelSelectorString(spec.selector)}\n`);
  writeLabels(w, 'Labels', ss.metadata?.labels);
  writeAnnotations(w, 'Annotations', ss.metadata?.annotations);
  w.write(0, `Replicas:\t${spec.replicas ?? 1} desired | ${ss.status?.replicas ?? 0} total\n`);
  w.write(0, `Update Strategy:\t${spec.updateStrategy?.type ?? ''}\n`);
  const rolling = spec.updateStrategy?.rollingUpdate;
  if (rolling?.partition !== undefined) {
    w.write(1, `Partition:\t${rolling.partition}\n`);
    const max = rolling.maxUnavailable;
    if (max && (max.intVal !== undefined || max.strVal !== undefined)) w.write(1, `MaxUnavailable:\t${max.strVal ?? max.intVal}\n`);
  }
  w.write(0, `Pods Status:\t${podsStatus(options.pods)}\n`);
  writePodTemplate(w, spec.template);
  writeVolumeClaimTemplates(w, spec.volumeClaimTemplates);
  if (options.events) writeEvents(w, options.events, options.now);
  return w.toString();
}
