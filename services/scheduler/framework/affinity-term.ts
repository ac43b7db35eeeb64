import type { PodAffinityTerm, WeightedPodAffinityTerm } from '../../../lib/api/generated/index.js';
import { nothing, selectorFromLabelSelector, type Selector } from '../../../lib/labels/selector.js';
import type { Labels } from '../../../lib/api/node-selector.js';

/** Looks up a namespace's labels, for affinity terms with a `namespaceSelector`. */
export type NamespaceLabelsLookup = (namespace: string) => Labels | undefined;

/**
 * A pod (anti-)affinity term with its selectors compiled once (kube-scheduler's AffinityTerm):
 * which pods it selects (namespace and labels) and the topology it groups nodes by.
 */
export class AffinityTerm {
  constructor(
    readonly namespaces: ReadonlySet<string>,
    /** `nothing()` unless the term has a namespaceSelector. */
    readonly namespaceSelector: Selector,
    readonly selector: Selector,
    readonly topologyKey: string,
    /** Weight for preferred terms (kube-scheduler's hardPodAffinityWeight for required ones). */
    readonly weight: number,
  ) {}

  /** True when `pod` (its namespace and labels) is one of the pods this term selects. */
  matches(namespace: string, labels: Labels, namespaceLabels: NamespaceLabelsLookup): boolean {
    if (this.namespaces.has(namespace) || this.#namespaceSelected(namespace, namespaceLabels)) {
      return this.selector.matches(labels);
    }
    return false;
  }

  #namespaceSelected(namespace: string, namespaceLabels: NamespaceLabelsLookup): boolean {
    if (this.namespaceSelector.matchesNothing()) return false;
    if (this.namespaceSelector.empty()) return true;
    return this.namespaceSelector.matches(namespaceLabels(namespace) ?? {});
  }
}

function compileTerm(ownerNamespace: string, term: PodAffinityTerm, weight: number, errors: string[]): AffinityTerm | undefined {
  try {
    const namespaces = term.namespaces ?? [];
    const ownNamespaceOnly = namespaces.length === 0 && !term.namespaceSelector;
    return new AffinityTerm(
      new Set(ownNamespaceOnly ? [ownerNamespace] : namespaces),
      term.namespaceSelector ? selectorFromLabelSelector(term.namespaceSelector) : nothing(),
      selectorFromLabelSelector(term.labelSelector),
      term.topologyKey ?? '',
      weight,
    );
  } catch (err) {
    errors.push((err as Error).message);
    return undefined;
  }
}

/** Required terms get weight 1: kube-scheduler's default hardPodAffinityWeight for scoring. */
export function compileRequiredTerms(ownerNamespace: string, terms: readonly PodAffinityTerm[] | undefined, errors: string[]): AffinityTerm[] {
  const out: AffinityTerm[] = [];
  for (const t of terms ?? []) {
    const c = compileTerm(ownerNamespace, t, 1, errors);
    if (c) out.push(c);
  }
  return out;
}

export function compileWeightedTerms(
  ownerNamespace: string,
  terms: readonly WeightedPodAffinityTerm[] | undefined,
  errors: string[],
): AffinityTerm[] {
  const out: AffinityTerm[] = [];
  for (const t of terms ?? []) {
    const c = compileTerm(ownerNamespace, t.podAffinityTerm ?? {}, t.weight ?? 0, errors);
    if (c) out.push(c);
  }
  return out;
}
