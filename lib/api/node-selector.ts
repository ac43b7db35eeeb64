import type { NodeSelectorRequirement, NodeSelectorTerm, PodSpec } from './generated/index.js';

// Node selectors as Kubernetes evaluates them: the scheduler's NodeAffinity and PodTopologySpread
// plugins, and the DaemonSet controller deciding which nodes should run a daemon pod.

export type Labels = { readonly [key: string]: string };

/** The only field a node selector's `matchFields` may name. */
const NODE_FIELD_NAME = 'metadata.name';

type RequirementMatcher = (labels: Labels, nodeName: string) => boolean;

const INTEGER = /^[+-]?[0-9]+$/;

function labelRequirement(req: NodeSelectorRequirement, errors: string[]): RequirementMatcher | undefined {
  const key = req.key ?? '';
  const values = req.values ?? [];
  switch (req.operator) {
    case 'In': {
      const set = new Set(values);
      return (labels) => key in labels && set.has(labels[key] as string);
    }
    case 'NotIn': {
      const set = new Set(values);
      return (labels) => !(key in labels) || !set.has(labels[key] as string);
    }
    case 'Exists':
      return (labels) => key in labels;
    case 'DoesNotExist':
      return (labels) => !(key in labels);
    case 'Gt':
    case 'Lt': {
      const [only] = values;
      if (values.length !== 1 || only === undefined || !INTEGER.test(only)) {
        errors.push(`${req.operator} requires exactly one integer value for key ${JSON.stringify(key)}`);
        return undefined;
      }
      const bound = Number(only);
      const greater = req.operator === 'Gt';
      return (labels) => {
        const raw = labels[key];
        if (raw === undefined || !INTEGER.test(raw)) return false;
        const value = Number(raw);
        return greater ? value > bound : value < bound;
      };
    }
    default:
      errors.push(`${JSON.stringify(req.operator ?? '')} is not a valid node selector operator`);
      return undefined;
  }
}

function fieldRequirement(req: NodeSelectorRequirement, errors: string[]): RequirementMatcher | undefined {
  if (req.key !== NODE_FIELD_NAME) {
    errors.push(`${JSON.stringify(req.key ?? '')} is not a supported node field selector key`);
    return undefined;
  }
  const set = new Set(req.values ?? []);
  if (req.operator === 'In') return (_labels, name) => set.has(name);
  if (req.operator === 'NotIn') return (_labels, name) => !set.has(name);
  errors.push(`${JSON.stringify(req.operator ?? '')} is not a valid operator for node field selectors`);
  return undefined;
}

/**
 * One NodeSelectorTerm compiled to a predicate: all requirements must hold. An empty term
 * matches no node, and a term with an invalid requirement matches no node either, as in
 * Kubernetes' lazy-error node selector.
 */
export function compileNodeSelectorTerm(term: NodeSelectorTerm, errors: string[]): RequirementMatcher {
  const exprs = term.matchExpressions ?? [];
  const fields = term.matchFields ?? [];
  if (exprs.length === 0 && fields.length === 0) return () => false;
  const matchers: RequirementMatcher[] = [];
  for (const e of exprs) {
    const m = labelRequirement(e, errors);
    if (!m) return () => false;
    matchers.push(m);
  }
  for (const f of fields) {
    const m = fieldRequirement(f, errors);
    if (!m) return () => false;
    matchers.push(m);
  }
  return (labels, name) => {
    for (const m of matchers) if (!m(labels, name)) return false;
    return true;
  };
}

/**
 * A pod's hard node constraints: `spec.nodeSelector` and the required node affinity, both of
 * which must hold. Shared by NodeAffinity, PodTopologySpread (which only counts pods on nodes
 * the pod could land on) and the DaemonSet controller.
 */
export class RequiredNodeAffinity {
  readonly #nodeSelector: Array<[string, string]>;
  /** Undefined when there are no required terms; otherwise at least one term must match. */
  readonly #terms: RequirementMatcher[] | undefined;

  constructor(spec: PodSpec | undefined, errors: string[]) {
    this.#nodeSelector = Object.entries(spec?.nodeSelector ?? {});
    const required = spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution;
    this.#terms = required ? (required.nodeSelectorTerms ?? []).map((t) => compileNodeSelectorTerm(t, errors)) : undefined;
  }

  /** True when the pod states no hard node constraint at all. */
  isEmpty(): boolean {
    return this.#nodeSelector.length === 0 && this.#terms === undefined;
  }

  matches(labels: Labels, nodeName: string): boolean {
    for (const [k, v] of this.#nodeSelector) if (labels[k] !== v) return false;
    if (this.#terms === undefined) return true;
    for (const t of this.#terms) if (t(labels, nodeName)) return true;
    return false;
  }
}
