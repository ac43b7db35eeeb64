import type { LabelSelector } from '../api/generated/index.js';
import { LabelSelectorError, labelSelectorToString, selectorFromLabelSelector } from '../labels/selector.js';
import { compareStrings } from './order.js';

// Label and selector spellings as kubectl prints them. Selector semantics live in lib/labels; this
// only adds the printing conventions around them.

/** `a=b,c=d` with keys sorted, or `<none>` for no labels (labels.FormatLabels: LABELS, SELECTOR, describe). */
export function formatLabels(labels: Record<string, string> | undefined): string {
  const keys = Object.keys(labels ?? {}).sort(compareStrings);
  if (keys.length === 0) return '<none>';
  return keys.map((k) => `${k}=${labels![k]}`).join(',');
}

/** metav1.FormatLabelSelector: `app=web,tier in (a,b)`, `<none>` when empty, `<error>` when invalid. */
export function formatLabelSelector(selector: LabelSelector | undefined): string {
  return labelSelectorToString(selector);
}

/** The selector's text as Selector.String() gives it (empty when it selects everything), `<invalid>` when invalid. */
export function labelSelectorString(selector: LabelSelector | undefined): string {
  try {
    return selectorFromLabelSelector(selector).toString();
  } catch (err) {
    if (err instanceof LabelSelectorError) return '<invalid>';
    throw err;
  }
}
