import type {
  ConfigMap,
  ConfigMapVolumeSource,
  DownwardAPIVolumeSource,
  KeyToPath,
  Pod,
  Secret,
  SecretVolumeSource,
} from '../../../../lib/api/generated/index.js';
import { containerResourceValue, extractFieldPath } from '../../pod-workers/field-ref.js';
import type { FileProjection } from './atomic-writer.js';

/** Kubernetes' default file mode for projected volume files. */
const DEFAULT_FILE_MODE = 0o644;

export class VolumeSourceError extends Error {
  override readonly name = 'VolumeSourceError';
}

function project(
  data: Map<string, Buffer>,
  items: KeyToPath[] | undefined,
  defaultMode: number,
  optional: boolean,
  missingKey: (key: string) => string,
): Map<string, FileProjection> {
  const payload = new Map<string, FileProjection>();
  if (!items || items.length === 0) {
    for (const [key, value] of data) payload.set(key, { data: value, mode: defaultMode });
    return payload;
  }
  for (const item of items) {
    const key = item.key ?? '';
    const value = data.get(key);
    if (value === undefined) {
      if (optional) continue;
      throw new VolumeSourceError(missingKey(key));
    }
    payload.set(item.path ?? key, { data: value, mode: item.mode ?? defaultMode });
  }
  return payload;
}

/** The files of a configMap volume; a missing optional configMap yields an empty directory. */
export function configMapPayload(configMap: ConfigMap | undefined, source: ConfigMapVolumeSource): Map<string, FileProjection> {
  const optional = Boolean(source.optional);
  if (!configMap) {
    if (optional) return new Map();
    throw new VolumeSourceError(`configmap "${source.name ?? ''}" not found`);
  }
  const data = new Map<string, Buffer>();
  for (const [key, value] of Object.entries(configMap.data ?? {})) data.set(key, Buffer.from(value, 'utf8'));
  for (const [key, value] of Object.entries(configMap.binaryData ?? {})) data.set(key, Buffer.from(value));
  return project(data, source.items, source.defaultMode ?? DEFAULT_FILE_MODE, optional, (key) => `configmap references non-existent config key: ${key}`);
}

export function secretPayload(secret: Secret | undefined, source: SecretVolumeSource): Map<string, FileProjection> {
  const optional = Boolean(source.optional);
  if (!secret) {
    if (optional) return new Map();
    throw new VolumeSourceError(`secret "${source.secretName ?? ''}" not found`);
  }
  const data = new Map<string, Buffer>();
  for (const [key, value] of Object.entries(secret.data ?? {})) data.set(key, Buffer.from(value));
  return project(data, source.items, source.defaultMode ?? DEFAULT_FILE_MODE, optional, (key) => `secret references non-existent secret key: ${key}`);
}

/** Labels, annotations, name, namespace, uid and container resources as files. */
export function downwardAPIPayload(pod: Pod, source: DownwardAPIVolumeSource, nodeAllocatable?: Record<string, string>): Map<string, FileProjection> {
  const payload = new Map<string, FileProjection>();
  const defaultMode = source.defaultMode ?? DEFAULT_FILE_MODE;
  for (const item of source.items ?? []) {
    let value: string;
    if (item.fieldRef) {
      value = extractFieldPath(pod, item.fieldRef.fieldPath ?? '');
    } else if (item.resourceFieldRef) {
      const name = item.resourceFieldRef.containerName;
      const container = pod.spec?.containers?.find((c) => c.name === name);
      if (!container) throw new VolumeSourceError(`cannot find container: ${name ?? ''}`);
      value = containerResourceValue(item.resourceFieldRef, container, nodeAllocatable);
    } else {
      continue;
    }
    payload.set(item.path ?? '', { data: Buffer.from(value, 'utf8'), mode: item.mode ?? defaultMode });
  }
  return payload;
}
