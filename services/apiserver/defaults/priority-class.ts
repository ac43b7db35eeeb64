import type { PriorityClass } from '../../../lib/api/generated/index.js';

/** Kubernetes' SetDefaults_PriorityClass: pods of the class may preempt lower ones. */
export function defaultPriorityClass(priorityClass: PriorityClass): void {
  priorityClass.preemptionPolicy ??= 'PreemptLowerPriority';
}
