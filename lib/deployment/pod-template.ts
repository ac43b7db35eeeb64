import { isDeepStrictEqual } from 'node:util';
import type { PodTemplateSpec } from '../api/generated/index.js';
import { POD_TEMPLATE_HASH_LABEL } from './annotations.js';

/** A copy of the template without the pod-template-hash label its ReplicaSet added. */
export function withoutPodTemplateHash(template: PodTemplateSpec | undefined): PodTemplateSpec {
  const copy = structuredClone(template ?? {});
  if (copy.metadata?.labels) {
    delete copy.metadata.labels[POD_TEMPLATE_HASH_LABEL];
  }
  return copy;
}

/** Templates compared the way the deployment controller does: the pod-template-hash label does not count. */
export function templatesEqual(a: PodTemplateSpec | undefined, b: PodTemplateSpec | undefined): boolean {
  return isDeepStrictEqual(withoutPodTemplateHash(a), withoutPodTemplateHash(b));
}
