import type { ControllerRevision, DaemonSet, StatefulSet } from '../../api/generated/index.js';
import { resourceByKind } from '../../api/resources.js';
import { age } from '../duration.js';
import { formatLabels, formatLabelSelector } from '../labels.js';
import { containerCells } from './common.js';
import type { KindPrinter, RowContext } from './types.js';
import { desiredReplicas } from './workloads.js';

// DaemonSets, StatefulSets and ControllerRevisions, with kubectl's columns.

export const daemonSetPrinter: KindPrinter<DaemonSet> = {
  columns: [
    { name: 'Name' },
    { name: 'Desired' },
    { name: 'Current' },
    { name: 'Ready' },
    { name: 'Up-to-date' },
    { name: 'Available' },
    { name: 'Node Selector' },
    { name: 'Age' },
    { name: 'Containers', wide: true },
    { name: 'Images', wide: true },
    { name: 'Selector', wide: true },
  ],
  cells(ds: DaemonSet, { now }: RowContext): string[] {
    const { names, images } = containerCells(ds.spec?.template?.spec?.containers);
    const s = ds.status ?? {};
    return [
      ds.metadata?.name ?? '',
      String(s.desiredNumberScheduled ?? 0),
      String(s.currentNumberScheduled ?? 0),
      String(s.numberReady ?? 0),
      String(s.updatedNumberScheduled ?? 0),
      String(s.numberAvailable ?? 0),
      formatLabels(ds.spec?.template?.spec?.nodeSelector),
      age(ds.metadata?.creationTimestamp, now),
      names,
      images,
      formatLabelSelector(ds.spec?.selector),
    ];
  },
};

export const statefulSetPrinter: KindPrinter<StatefulSet> = {
  columns: [{ name: 'Name' }, { name: 'Ready' }, { name: 'Age' }, { name: 'Containers', wide: true }, { name: 'Images', wide: true }],
  cells(sts: StatefulSet, { now }: RowContext): string[] {
    const { names, images } = containerCells(sts.spec?.template?.spec?.containers);
    return [
      sts.metadata?.name ?? '',
      `${sts.status?.readyReplicas ?? 0}/${desiredReplicas(sts.spec)}`,
      age(sts.metadata?.creationTimestamp, now),
      names,
      images,
    ];
  },
};

/** `daemonset.apps/fluentd`, as kubectl names a revision's controller; `<none>` for an orphan. */
function controllerName(revision: ControllerRevision): string {
  const ref = revision.metadata?.ownerReferences?.find((r) => r.controller === true);
  if (!ref) return '<none>';
  const group = resourceByKind(ref.kind ?? '')?.group ?? (ref.apiVersion?.includes('/') ? ref.apiVersion.split('/')[0] : '');
  return `${(ref.kind ?? '').toLowerCase()}${group ? `.${group}` : ''}/${ref.name ?? ''}`;
}

export const controllerRevisionPrinter: KindPrinter<ControllerRevision> = {
  columns: [{ name: 'Name' }, { name: 'Controller' }, { name: 'Revision' }, { name: 'Age' }],
  cells(revision: ControllerRevision, { now }: RowContext): string[] {
    return [revision.metadata?.name ?? '', controllerName(revision), String(revision.revision ?? 0), age(revision.metadata?.creationTimestamp, now)];
  },
};
