import type { LabelSelector } from '../../lib/api/generated/index.js';
import { compareStrings } from './order.js';

// Label and selector spellings as kubectl prints them (labels.FormatLabels, Selector.String,
// metav1.FormatLabelSelector). Parsing and matching selectors lives in lib/labels; this is output.

/** `a=b,c=d` with keys sorted, or `<none>` for no labels (LABELS, SELECTOR, describe's Selector). */
export function formatLabels(labels: Record<string, string> | undefined): string {
  const keys = Object.keys(labels ?? {}).sort(compareStrings);
  if (keys.length === 0) return '<none>';
  return keys.map((k) => `${k}=${labels![k]}`).join(',');
}

function requirementString(key: string, operator: string, values: string[]): string {
  const set = [...new Set(values)].sort(compareStrings).join(',');
  switch (operator) {
    case 'In':
      return `${key} in (${set})`;
    case 'NotIn':
      return `${key} notin (${set})`;
    case 'Exists':
      return key;
    case 'DoesNotExist':
      return `!${key}`;
    default:
      return `${key} ${operator.toLowerCase()} (${set})`;
  }
}

/** A label selector as a selector string (`app=web,tier in (a,b)`); empty when it selects everything. */
export function labelSelectorString(selector: LabelSelector | undefined): string {
  if (!selector) return '';
  const requirements: Array<[string, string]> = [];
  for (const [key, value] of Object.entries(selector.matchLabels ?? {})) requirements.push([key, `${key}=${value}`]);
  for (const e of selector.matchExpressions ?? []) {
    const key = e.key ?? '';
    requirements.push([key, requirementString(key, e.operator ?? '', e.values ?? [])]);
  }
  return requirements
    .sort((a, b) => compareStrings(a[0], b[0]))
    .map(([, text]) => text)
    .join(',');
}

/** Like labelSelectorString, but `<none>` for a missing or empty selector (RS SELECTOR column). */
export function formatLabelSelector(selector: LabelSelector | undefined): string {
  return labelSelectorString(selector) || '<none>';
}
