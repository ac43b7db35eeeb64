import type { NonResourceRule, ResourceRule } from '../../lib/api/generated/index.js';
import { TABLE_LAYOUT } from '../../lib/printers/table.js';
import { alignTabs } from '../../lib/printers/tabwriter.js';

// `kubectl auth can-i --list`: the rules of a rules review broken down to one group, resource and
// name each, rules of the same simple resource folded together, sorted as kubectl sorts them (by
// the text of Go's PolicyRule String(), which starts with the verbs) and printed as Go prints slices.

interface Rule {
  verbs: string[];
  apiGroups: string[];
  resources: string[];
  resourceNames: string[];
  nonResourceURLs: string[];
}

const goSlice = (items: readonly string[]): string => `[${items.join(' ')}]`;

function breakdown(rules: { resourceRules: ResourceRule[]; nonResourceRules: NonResourceRule[] }): Rule[] {
  const out: Rule[] = [];
  for (const r of rules.resourceRules) {
    const names = (r.resourceNames ?? []).length > 0 ? (r.resourceNames ?? []).map((n) => [n]) : [[]];
    for (const group of r.apiGroups ?? []) {
      for (const resource of r.resources ?? []) {
        for (const resourceNames of names) out.push({ verbs: [...(r.verbs ?? [])], apiGroups: [group], resources: [resource], resourceNames, nonResourceURLs: [] });
      }
    }
  }
  for (const r of rules.nonResourceRules) {
    for (const url of r.nonResourceURLs ?? []) out.push({ verbs: [...(r.verbs ?? [])], apiGroups: [], resources: [], resourceNames: [], nonResourceURLs: [url] });
  }
  return out;
}

/** Rules for one group, resource and name at most gather their verbs into one. */
function compact(rules: Rule[]): Rule[] {
  const simple = new Map<string, Rule>();
  const others: Rule[] = [];
  for (const rule of rules) {
    if (rule.nonResourceURLs.length > 0) {
      others.push(rule);
      continue;
    }
    const key = JSON.stringify([rule.apiGroups, rule.resources, rule.resourceNames]);
    const existing = simple.get(key);
    if (existing) existing.verbs.push(...rule.verbs);
    else simple.set(key, rule);
  }
  return [...others, ...simple.values()];
}

const goString = (r: Rule): string =>
  `&PolicyRule{Verbs:${goSlice(r.verbs)},APIGroups:${goSlice(r.apiGroups)},Resources:${goSlice(r.resources)},ResourceNames:${goSlice(r.resourceNames)},NonResourceURLs:${goSlice(r.nonResourceURLs)},}`;

export function rulesTable(rules: { resourceRules: ResourceRule[]; nonResourceRules: NonResourceRule[] }, noHeaders = false): string {
  const rows = compact(breakdown(rules)).sort((a, b) => (goString(a) < goString(b) ? -1 : goString(a) > goString(b) ? 1 : 0));
  const lines = noHeaders ? [] : [['Resources', 'Non-Resource URLs', 'Resource Names', 'Verbs']];
  for (const r of rows) {
    const resources = r.resources.flatMap((res) => r.apiGroups.map((g) => (g ? `${res}.${g}` : res)));
    lines.push([resources.join(', '), goSlice(r.nonResourceURLs), goSlice(r.resourceNames), goSlice(r.verbs)]);
  }
  return alignTabs(lines.map((cells) => `${cells.join('\t')}\n`).join(''), TABLE_LAYOUT);
}
