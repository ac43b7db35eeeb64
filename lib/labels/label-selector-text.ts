import type { LabelSelector } from '../api/generated/index.js';
import { parseSelector } from './selector.js';

const EXPRESSION_OPERATORS: Readonly<Record<string, string>> = { in: 'In', notin: 'NotIn', exists: 'Exists', '!': 'DoesNotExist' };

/**
 * A selector typed on a command line as a metav1.LabelSelector (Kubernetes' ParseToLabelSelector):
 * equalities become matchLabels, set-based requirements matchExpressions. Operators a
 * LabelSelector cannot hold (`!=`, `gt`, `lt`) are refused; a selector that does not parse throws
 * the parser's error.
 */
export function labelSelectorFromText(text: string): LabelSelector {
  const matchLabels: Record<string, string> = {};
  const matchExpressions: { key: string; operator: string; values: string[] }[] = [];
  for (const r of parseSelector(text).requirements) {
    if (r.operator === '=' || r.operator === '==') {
      matchLabels[r.key] = r.values[0] ?? '';
      continue;
    }
    const operator = EXPRESSION_OPERATORS[r.operator];
    if (!operator) throw new Error(`"${r.operator}" isn't supported in label selectors`);
    matchExpressions.push({ key: r.key, operator, values: [...r.values].sort() });
  }
  return { matchLabels, ...(matchExpressions.length > 0 && { matchExpressions }) };
}
