import type { ObjectMeta } from '../api/generated/index.js';

/** Anything with Kubernetes object metadata: every kind we store. */
export interface KubeObject {
  metadata?: ObjectMeta;
}

export class InvalidKeyError extends Error {
  override readonly name = 'InvalidKeyError';

  constructor(readonly key: string) {
    super(`invalid object key ${JSON.stringify(key)}: expected "namespace/name" or "name"`);
  }
}

/** client-go's MetaNamespaceKeyFunc: `namespace/name`, or just `name` for cluster-scoped objects. */
export function keyOf(obj: KubeObject): string {
  const namespace = obj.metadata?.namespace ?? '';
  const name = obj.metadata?.name ?? '';
  return namespace ? `${namespace}/${name}` : name;
}

export function keyFor(namespace: string, name: string): string {
  return namespace ? `${namespace}/${name}` : name;
}

/** The inverse of keyOf; namespace is '' for a cluster-scoped key. */
export function splitKey(key: string): { namespace: string; name: string } {
  const parts = key.split('/');
  if (parts.length === 1 && parts[0]) return { namespace: '', name: parts[0] };
  if (parts.length === 2 && parts[0] && parts[1]) return { namespace: parts[0], name: parts[1] };
  throw new InvalidKeyError(key);
}
