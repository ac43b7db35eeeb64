import type { Deployment, ReplicaSet, ReplicationController } from '../../api/generated/index.js';
import { age } from '../duration.js';
import { formatLabelSelector, formatLabels, labelSelectorString } from '../labels.js';
import { containerCells } from './common.js';
import type { KindPrinter, RowContext } from './types.js';

// Replication controllers, replica sets and deployments. An unset spec.replicas means 1 (the
// apiserver's default), so objects print the count their controller acts on.

export const desiredReplicas = (spec: { replicas?: number } | undefined): number => spec?.replicas ?? 1;

const templateColumns = [
  { name: 'Containers', wide: true },
  { name: 'Images', wide: true },
  { name: 'Selector', wide: true },
] as const;

export const replicationControllerPrinter: KindPrinter<ReplicationController> = {
  columns: [{ name: 'Name' }, { name: 'Desired' }, { name: 'Current' }, { name: 'Ready' }, { name: 'Age' }, ...templateColumns],
  cells(rc: ReplicationController, { now }: RowContext): string[] {
    const { names, images } = containerCells(rc.spec?.template?.spec?.containers);
    return [
      rc.metadata?.name ?? '',
      String(desiredReplicas(rc.spec)),
      String(rc.status?.replicas ?? 0),
      String(rc.status?.readyReplicas ?? 0),
      age(rc.metadata?.creationTimestamp, now),
      names,
      images,
      formatLabels(rc.spec?.selector),
    ];
  },
};

export const replicaSetPrinter: KindPrinter<ReplicaSet> = {
  columns: [{ name: 'Name' }, { name: 'Desired' }, { name: 'Current' }, { name: 'Ready' }, { name: 'Age' }, ...templateColumns],
  cells(rs: ReplicaSet, { now }: RowContext): string[] {
    const { names, images } = containerCells(rs.spec?.template?.spec?.containers);
    return [
      rs.metadata?.name ?? '',
      String(desiredReplicas(rs.spec)),
      String(rs.status?.replicas ?? 0),
      String(rs.status?.readyReplicas ?? 0),
      age(rs.metadata?.creationTimestamp, now),
      names,
      images,
      formatLabelSelector(rs.spec?.selector),
    ];
  },
};

export const deploymentPrinter: KindPrinter<Deployment> = {
  columns: [{ name: 'Name' }, { name: 'Ready' }, { name: 'Up-to-date' }, { name: 'Available' }, { name: 'Age' }, ...templateColumns],
  cells(d: Deployment, { now }: RowContext): string[] {
    const { names, images } = containerCells(d.spec?.template?.spec?.containers);
    return [
      d.metadata?.name ?? '',
      `${d.status?.readyReplicas ?? 0}/${desiredReplicas(d.spec)}`,
      String(d.status?.updatedReplicas ?? 0),
      String(d.status?.availableReplicas ?? 0),
      age(d.metadata?.creationTimestamp, now),
      names,
      images,
      labelSelectorString(d.spec?.selector),
    ];
  },
};
