import type { ClusterRole, ClusterRoleBinding, PolicyRule, Role, RoleBinding } from '../../../lib/api/generated/index.js';
import { compareStrings } from '../../../lib/printers/order.js';
import { writeAnnotations, writeLabels } from './sections.js';
import { DescribeWriter } from './writer.js';

// `kubectl describe role|clusterrole|rolebinding|clusterrolebinding`. Rules are shown as kubectl
// shows them: broken down to one group, resource and name each, rules that then differ only by
// verb merged again (verbs in the order written), and sorted by Go's text form of the rule
// (verbs first).

interface Rule {
  verbs: string[];
  apiGroups: string[];
  resources: string[];
  resourceNames: string[];
  nonResourceURLs: string[];
}

const rule = (verbs: readonly string[], parts: Partial<Omit<Rule, 'verbs'>>): Rule => ({
  verbs: [...verbs],
  apiGroups: parts.apiGroups ?? [],
  resources: parts.resources ?? [],
  resourceNames: parts.resourceNames ?? [],
  nonResourceURLs: parts.nonResourceURLs ?? [],
});

function breakdown(r: PolicyRule): Rule[] {
  const verbs = r.verbs ?? [];
  const out: Rule[] = [];
  for (const group of r.apiGroups ?? []) {
    for (const resource of r.resources ?? []) {
      const names = r.resourceNames ?? [];
      if (names.length === 0) out.push(rule(verbs, { apiGroups: [group], resources: [resource] }));
      for (const name of names) out.push(rule(verbs, { apiGroups: [group], resources: [resource], resourceNames: [name] }));
    }
  }
  for (const url of r.nonResourceURLs ?? []) out.push(rule(verbs, { nonResourceURLs: [url] }));
  return out;
}

/** Rules for one group and resource (and at most one name) merged, their verbs in first-seen order. */
function compact(rules: readonly Rule[]): Rule[] {
  const compacted: Rule[] = [];
  const simple = new Map<string, Rule>();
  for (const r of rules) {
    if (r.nonResourceURLs.length > 0 || r.apiGroups.length !== 1 || r.resources.length !== 1 || r.resourceNames.length > 1) {
      compacted.push(r);
      continue;
    }
    const key = JSON.stringify([r.apiGroups[0], r.resources[0], r.resourceNames[0] ?? null]);
    const existing = simple.get(key);
    if (!existing) simple.set(key, { ...r, verbs: [...r.verbs] });
    else for (const verb of r.verbs) if (!existing.verbs.includes(verb)) existing.verbs.push(verb);
  }
  return [...compacted, ...simple.values()];
}

const goList = (values: readonly string[]): string => `[${values.join(' ')}]`;

/** The text Go's generated String() gives a rule, which kubectl sorts by. */
const goString = (r: Rule): string =>
  `&PolicyRule{Verbs:${goList(r.verbs)},APIGroups:${goList(r.apiGroups)},Resources:${goList(r.resources)},ResourceNames:${goList(r.resourceNames)},NonResourceURLs:${goList(r.nonResourceURLs)},}`;

/** `pods`, `deployments.apps`, `deployments.apps/scale`: kubectl's resource and group in one. */
function resourceWithGroup(resources: readonly string[], groups: readonly string[]): string {
  if (resources.length === 0) return '';
  const [resource, subresource] = resources[0]!.split(/\/(.*)/s, 2);
  const group = groups[0] ? `.${groups[0]}` : '';
  return `${resource}${group}${subresource !== undefined ? `/${subresource}` : ''}`;
}

function describeRules(name: string, meta: Role['metadata'], rules: readonly PolicyRule[] | undefined): string {
  const w = new DescribeWriter();
  w.write(0, `Name:\t${name}\n`);
  writeLabels(w, 'Labels', meta?.labels);
  writeAnnotations(w, 'Annotations', meta?.annotations);
  w.write(0, 'PolicyRule:\n');
  w.write(1, 'Resources\tNon-Resource URLs\tResource Names\tVerbs\n');
  w.write(1, '---------\t-----------------\t--------------\t-----\n');
  const shown = compact((rules ?? []).flatMap(breakdown))
    .map((r) => ({ r, key: goString(r) }))
    .sort((a, b) => compareStrings(a.key, b.key));
  for (const { r } of shown) {
    w.write(1, `${resourceWithGroup(r.resources, r.apiGroups)}\t${goList(r.nonResourceURLs)}\t${goList(r.resourceNames)}\t${goList(r.verbs)}\n`);
  }
  return w.toString();
}

export const describeRole = (role: Role): string => describeRules(role.metadata?.name ?? '', role.metadata, role.rules);
export const describeClusterRole = (role: ClusterRole): string => describeRules(role.metadata?.name ?? '', role.metadata, role.rules);

export function describeRoleBinding(binding: RoleBinding | ClusterRoleBinding): string {
  const w = new DescribeWriter();
  w.write(0, `Name:\t${binding.metadata?.name ?? ''}\n`);
  writeLabels(w, 'Labels', binding.metadata?.labels);
  writeAnnotations(w, 'Annotations', binding.metadata?.annotations);
  w.write(0, 'Role:\n');
  w.write(1, `Kind:\t${binding.roleRef?.kind ?? ''}\n`);
  w.write(1, `Name:\t${binding.roleRef?.name ?? ''}\n`);
  w.write(0, 'Subjects:\n');
  w.write(1, 'Kind\tName\tNamespace\n');
  w.write(1, '----\t----\t---------\n');
  for (const s of binding.subjects ?? []) w.write(1, `${s.kind ?? ''}\t${s.name ?? ''}\t${s.namespace ?? ''}\n`);
  return w.toString();
}
