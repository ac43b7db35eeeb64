import type { Deployment, ReplicaSet, ReplicationController } from '../../../lib/api/generated/index.js';
import { labelSelectorToString, selectorFromSet } from '../../../lib/labels/selector.js';
import { defaultDeployment, defaultReplicaSet, defaultReplicationController } from '../defaults/workloads.js';
import {
  validateDeployment,
  validateDeploymentStatus,
  validateDeploymentUpdate,
  validateReplicaSet,
  validateReplicaSetStatus,
  validateReplicaSetUpdate,
  validateReplicationController,
  validateReplicationControllerUpdate,
} from '../validation/workloads.js';
import { validateStatusMetadata } from './status.js';
import { selectableFields, type KindStrategy } from './types.js';

const replicasField = selectableFields({ 'status.replicas': (r: ReplicaSet | ReplicationController) => String(r.status?.replicas ?? 0) });

export const replicationControllerStrategy: KindStrategy<ReplicationController> = {
  defaults: defaultReplicationController,
  validateCreate: validateReplicationController,
  validateUpdate: validateReplicationControllerUpdate,
  status: {
    initial: () => ({ replicas: 0 }),
    validateUpdate: (rc, old) => [...validateStatusMetadata(rc, old), ...validateReplicaSetStatus(rc.status)],
  },
  tracksGeneration: true,
  fields: replicasField,
  scale: { selector: (rc) => selectorFromSet(rc.spec?.selector).toString() },
};

export const replicaSetStrategy: KindStrategy<ReplicaSet> = {
  defaults: defaultReplicaSet,
  validateCreate: validateReplicaSet,
  validateUpdate: validateReplicaSetUpdate,
  status: {
    initial: () => ({ replicas: 0 }),
    validateUpdate: (rs, old) => [...validateStatusMetadata(rs, old), ...validateReplicaSetStatus(rs.status)],
  },
  tracksGeneration: true,
  fields: replicasField,
  scale: { selector: (rs) => labelSelectorToString(rs.spec?.selector) },
};

export const deploymentStrategy: KindStrategy<Deployment> = {
  defaults: defaultDeployment,
  validateCreate: validateDeployment,
  validateUpdate: validateDeploymentUpdate,
  status: {
    initial: () => ({}),
    validateUpdate: (d, old) => [...validateStatusMetadata(d, old), ...validateDeploymentStatus(d.status, old.status)],
  },
  tracksGeneration: true,
  scale: { selector: (d) => labelSelectorToString(d.spec?.selector) },
};
