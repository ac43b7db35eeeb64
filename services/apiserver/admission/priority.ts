import type { Pod, PriorityClass } from '../../../lib/api/generated/index.js';
import type { KindHooks } from '../kinds/index.js';
import { admissionForbidden } from './forbidden.js';

/** The classes Kubernetes creates at start-up. */
export const SYSTEM_PRIORITY_CLASSES: PriorityClass[] = [
  { metadata: { name: 'system-node-critical' }, value: 2000001000, description: 'Used for system critical pods that must not be moved from their current node.' },
  { metadata: { name: 'system-cluster-critical' }, value: 2000000000, description: 'Used for system critical pods that must run in the cluster, but can be moved to another node if necessary.' },
];

/** Kubernetes' Priority admission: resolves priorityClassName into spec.priority on create. */
export class PriorityAdmission implements KindHooks<Pod> {
  constructor(private readonly listClasses: () => Promise<PriorityClass[]>) {}

  async admit(op: 'create' | 'update', pod: Pod): Promise<void> {
    if (op !== 'create') return;
    const spec = (pod.spec ??= {});
    const classes = await this.listClasses();
    const wanted = spec.priorityClassName;
    const cls = wanted ? classes.find((c) => c.metadata?.name === wanted) : classes.find((c) => c.globalDefault);
    if (wanted && !cls) {
      throw admissionForbidden('pods', pod, `no PriorityClass with name ${wanted} was found`);
    }
    const value = cls?.value ?? 0;
    if (spec.priority !== undefined && spec.priority !== value) {
      throw admissionForbidden('pods', pod, `the integer value of priority (${spec.priority}) must not be provided in pod spec; priority admission controller computed ${value} from the given PriorityClass name`);
    }
    spec.priority = value;
    if (cls) {
      spec.priorityClassName = cls.metadata?.name;
      spec.preemptionPolicy ??= cls.preemptionPolicy ?? 'PreemptLowerPriority';
    }
  }
}
