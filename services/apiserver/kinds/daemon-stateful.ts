import type { ControllerRevision, DaemonSet, StatefulSet } from '../../../lib/api/generated/index.js';
import { labelSelectorToString } from '../../../lib/labels/selector.js';
import { defaultDaemonSet, defaultStatefulSet } from '../defaults/workloads.js';
import { validateControllerRevision, validateControllerRevisionUpdate } from '../validation/controller-revision.js';
import { validateDaemonSet, validateDaemonSetStatus, validateDaemonSetUpdate } from '../validation/daemon-set.js';
import { validateStatefulSet, validateStatefulSetStatus, validateStatefulSetUpdate } from '../validation/stateful-set.js';
import { validateStatusMetadata } from './status.js';
import type { KindStrategy } from './types.js';

// apps/v1 DaemonSet and StatefulSet, and the ControllerRevisions that keep their template history.

export const daemonSetStrategy: KindStrategy<DaemonSet> = {
  defaults: defaultDaemonSet,
  validateCreate: validateDaemonSet,
  validateUpdate: validateDaemonSetUpdate,
  status: {
    initial: () => ({}),
    validateUpdate: (ds, old) => [...validateStatusMetadata(ds, old), ...validateDaemonSetStatus(ds.status, old.status)],
  },
  tracksGeneration: true,
};

export const statefulSetStrategy: KindStrategy<StatefulSet> = {
  defaults: defaultStatefulSet,
  validateCreate: validateStatefulSet,
  validateUpdate: validateStatefulSetUpdate,
  status: {
    initial: () => ({}),
    validateUpdate: (sts, old) => [...validateStatusMetadata(sts, old), ...validateStatefulSetStatus(sts.status, old.status)],
  },
  tracksGeneration: true,
  scale: { selector: (sts) => labelSelectorToString(sts.spec?.selector) },
};

export const controllerRevisionStrategy: KindStrategy<ControllerRevision> = {
  validateCreate: validateControllerRevision,
  validateUpdate: validateControllerRevisionUpdate,
  tracksGeneration: false,
};
