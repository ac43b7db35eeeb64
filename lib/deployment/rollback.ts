import type { Deployment, ReplicaSet } from '../api/generated/index.js';
import { ANNOTATIONS_TO_SKIP } from './annotations.js';
import { withoutPodTemplateHash } from './pod-template.js';

/** The JSON patch that restores a revision: its template (without the hash label) and its annotations. */
export function rollbackPatch(deployment: Deployment, rs: ReplicaSet): object[] {
  const annotations: Record<string, string> = {};
  for (const [key, value] of Object.entries(deployment.metadata?.annotations ?? {})) {
    if (ANNOTATIONS_TO_SKIP.has(key)) annotations[key] = value;
  }
  for (const [key, value] of Object.entries(rs.metadata?.annotations ?? {})) {
    if (!ANNOTATIONS_TO_SKIP.has(key)) annotations[key] = value;
  }
  return [
    { op: 'add', path: '/spec/template', value: withoutPodTemplateHash(rs.spec?.template) },
    { op: 'add', path: '/metadata/annotations', value: annotations },
  ];
}
