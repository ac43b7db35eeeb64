import type { Job, Pod } from '../../../lib/api/generated/index.js';
import { JOB_COMPLETION_INDEX } from '../../../lib/api/batch-labels.js';
import { newControllerRef, type OwnerKind } from '../common/controller-ref.js';

export const JOB_KIND: OwnerKind = { kind: 'Job', apiVersion: 'batch/v1' };

/** The variable an Indexed Job's containers read their index from (through the downward API). */
const COMPLETION_INDEX_ENV = 'JOB_COMPLETION_INDEX';

export function isIndexed(job: Job): boolean {
  return job.spec?.completionMode === 'Indexed';
}

/** An Indexed Job's pod's index from its annotation; undefined when missing or out of range. */
export function completionIndexOf(pod: Pod, completions: number): number | undefined {
  const text = pod.metadata?.annotations?.[JOB_COMPLETION_INDEX] ?? pod.metadata?.labels?.[JOB_COMPLETION_INDEX];
  if (text === undefined || !/^\d+$/.test(text)) return undefined;
  const index = Number(text);
  return index < completions ? index : undefined;
}

/**
 * A pod from the Job's template, owned by the Job. For an Indexed Job it carries its index as an
 * annotation and label, in JOB_COMPLETION_INDEX, and in its hostname `<job>-<index>`.
 */
export function podForJob(job: Job, index?: number): Pod {
  const meta = job.metadata ?? {};
  const template = job.spec?.template ?? {};
  const name = meta.name ?? '';
  const spec = structuredClone(template.spec ?? {});
  const pod: Pod = {
    metadata: {
      generateName: index === undefined ? `${name}-` : `${name}-${index}-`,
      namespace: meta.namespace ?? '',
      labels: { ...template.metadata?.labels },
      annotations: { ...template.metadata?.annotations },
      ownerReferences: [newControllerRef(job, JOB_KIND)],
      ...(template.metadata?.finalizers?.length ? { finalizers: [...template.metadata.finalizers] } : {}),
    },
    spec,
  };
  if (index !== undefined) {
    pod.metadata!.annotations![JOB_COMPLETION_INDEX] = String(index);
    pod.metadata!.labels![JOB_COMPLETION_INDEX] = String(index);
    spec.hostname ||= `${name}-${index}`;
    const env = { name: COMPLETION_INDEX_ENV, valueFrom: { fieldRef: { fieldPath: `metadata.annotations['${JOB_COMPLETION_INDEX}']` } } };
    for (const container of [...(spec.initContainers ?? []), ...(spec.containers ?? [])]) {
      if (!container.env?.some((e) => e.name === COMPLETION_INDEX_ENV)) container.env = [...(container.env ?? []), env];
    }
  }
  return pod;
}
