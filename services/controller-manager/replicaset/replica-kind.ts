import type { ReplicaSet, ReplicationController } from '../../../lib/api/generated/index.js';
import { nothing, selectorFromLabelSelector, selectorFromSet, type Selector } from '../../../lib/labels/selector.js';
import type { OwnerKind } from '../common/controller-ref.js';

/** ReplicationController and ReplicaSet share everything but the selector's shape and their names. */
export type ReplicaSetLike = ReplicationController | ReplicaSet;

export interface ReplicaKind<T extends ReplicaSetLike> {
  field: 'replicationController' | 'replicaSet';
  ownerKind: OwnerKind;
  /** The name in --controllers. */
  controllerName: string;
  /** The event source, as Kubernetes names it. */
  component: string;
  /** Throws LabelSelectorError for an invalid selector. */
  selector(obj: T): Selector;
}

export const REPLICATION_CONTROLLER_KIND: ReplicaKind<ReplicationController> = {
  field: 'replicationController',
  ownerKind: { kind: 'ReplicationController', apiVersion: 'v1' },
  controllerName: 'replicationcontroller',
  component: 'replication-controller',
  // An RC's selector is a plain map; an empty one would select every pod, which validation forbids.
  selector: (rc) => (Object.keys(rc.spec?.selector ?? {}).length > 0 ? selectorFromSet(rc.spec?.selector) : nothing()),
};

export const REPLICA_SET_KIND: ReplicaKind<ReplicaSet> = {
  field: 'replicaSet',
  ownerKind: { kind: 'ReplicaSet', apiVersion: 'apps/v1' },
  controllerName: 'replicaset',
  component: 'replicaset-controller',
  selector: (rs) => selectorFromLabelSelector(rs.spec?.selector),
};

export function desiredReplicas(rs: ReplicaSetLike): number {
  return rs.spec?.replicas ?? 1;
}
