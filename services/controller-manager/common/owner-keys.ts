import { keyFor, keyOf, type KubeObject } from '../../../lib/client/keys.js';
import { NAMESPACE_INDEX, type Indexer } from '../../../lib/informer/store.js';
import { LabelSelectorError, type Selector } from '../../../lib/labels/selector.js';
import { controllerOf, type OwnerKind } from './controller-ref.js';

/**
 * The keys of the owners to sync when one of their dependents (a pod, a revision) changes: its
 * controller if that is an owner of this kind, else, for an orphan, every owner whose selector
 * matches it (one of them may adopt it).
 */
export function ownerKeysFor<O extends KubeObject>(dependent: KubeObject, kind: OwnerKind, owners: Indexer<O>, selectorOf: (owner: O) => Selector): string[] {
  const namespace = dependent.metadata?.namespace ?? '';
  const ref = controllerOf(dependent);
  if (ref) {
    if (ref.kind !== kind.kind) return [];
    const key = keyFor(namespace, ref.name ?? '');
    return owners.get(key)?.metadata?.uid === ref.uid ? [key] : [];
  }
  if (dependent.metadata?.deletionTimestamp) return [];
  return owners.listByIndex(NAMESPACE_INDEX, namespace).flatMap((owner) => {
    try {
      const selector = selectorOf(owner);
      return !selector.empty() && selector.matches(dependent.metadata?.labels) ? [keyOf(owner)] : [];
    } catch (err) {
      if (err instanceof LabelSelectorError) return [];
      throw err;
    }
  });
}
