import { readFile } from 'node:fs/promises';
import { parse } from 'yaml';

// Kubernetes' audit Policy (audit.k8s.io/v1): rules tried in order, the first that matches a
// request sets its level (None, Metadata, Request, RequestResponse) and the stages left out; a
// request no rule matches is not audited.

export const AUDIT_LEVELS = ['None', 'Metadata', 'Request', 'RequestResponse'] as const;
export type AuditLevel = (typeof AUDIT_LEVELS)[number];
export const AUDIT_STAGES = ['RequestReceived', 'ResponseStarted', 'ResponseComplete', 'Panic'] as const;
export type AuditStage = (typeof AUDIT_STAGES)[number];

interface GroupResources {
  group?: string;
  /** `pods`, `pods/log`, `pods/*` (every subresource), `*\/scale` (a subresource of any resource). */
  resources?: string[];
  resourceNames?: string[];
}

export interface PolicyRule {
  level: AuditLevel;
  users?: string[];
  userGroups?: string[];
  verbs?: string[];
  resources?: GroupResources[];
  namespaces?: string[];
  /** Paths, or prefixes ending in `*`. */
  nonResourceURLs?: string[];
  omitStages?: AuditStage[];
}

export interface AuditPolicy {
  rules: PolicyRule[];
  omitStages?: AuditStage[];
}

/** What a rule is matched against: the request's authorization attributes. */
export interface AuditRequest {
  user: string;
  groups: readonly string[];
  verb: string;
  resourceRequest: boolean;
  apiGroup: string;
  resource: string;
  subresource: string;
  namespace: string;
  name: string;
  path: string;
}

export interface AuditDecision {
  level: AuditLevel;
  omitStages: AuditStage[];
}

const includes = (list: readonly string[] | undefined, value: string): boolean => !list || list.length === 0 || list.includes(value);

function resourceMatches(rules: GroupResources[], req: AuditRequest): boolean {
  const full = req.subresource ? `${req.resource}/${req.subresource}` : req.resource;
  return rules.some((gr) => {
    if ((gr.group ?? '') !== req.apiGroup && gr.group !== '*') return false;
    if (gr.resourceNames && gr.resourceNames.length > 0 && !gr.resourceNames.includes(req.name)) return false;
    const names = gr.resources ?? [];
    if (names.length === 0) return true;
    return names.some(
      (r) => r === '*' || r === full || (r === `${req.resource}/*` && req.subresource !== '') || (r.startsWith('*/') && r.slice(2) === req.subresource),
    );
  });
}

function ruleMatches(rule: PolicyRule, req: AuditRequest): boolean {
  if (!includes(rule.users, req.user)) return false;
  if (rule.userGroups && rule.userGroups.length > 0 && !rule.userGroups.some((g) => req.groups.includes(g))) return false;
  if (!includes(rule.verbs, req.verb)) return false;
  if (req.resourceRequest) {
    // A rule about paths only says nothing about resources, and the other way round.
    if (rule.nonResourceURLs && rule.nonResourceURLs.length > 0) return false;
    if (rule.namespaces && rule.namespaces.length > 0 && !rule.namespaces.includes(req.namespace)) return false;
    return !rule.resources || rule.resources.length === 0 || resourceMatches(rule.resources, req);
  }
  if ((rule.resources && rule.resources.length > 0) || (rule.namespaces && rule.namespaces.length > 0)) return false;
  return !rule.nonResourceURLs || rule.nonResourceURLs.length === 0 || rule.nonResourceURLs.some((u) => (u.endsWith('*') ? req.path.startsWith(u.slice(0, -1)) : u === req.path));
}

export function auditLevelFor(policy: AuditPolicy, req: AuditRequest): AuditDecision {
  const rule = policy.rules.find((r) => ruleMatches(r, req));
  if (!rule) return { level: 'None', omitStages: [] };
  return { level: rule.level, omitStages: [...(policy.omitStages ?? []), ...(rule.omitStages ?? [])] };
}

/** Checks a parsed Policy document, naming the field at fault. */
export function parseAuditPolicy(doc: unknown, source: string): AuditPolicy {
  const d = (doc ?? {}) as { apiVersion?: string; kind?: string; rules?: unknown; omitStages?: unknown };
  const fail = (why: string): never => {
    throw new Error(`${source}: ${why}`);
  };
  if (d.kind !== 'Policy') fail(`kind must be Policy, not ${JSON.stringify(d.kind)}`);
  if (d.apiVersion !== 'audit.k8s.io/v1') fail(`apiVersion must be audit.k8s.io/v1, not ${JSON.stringify(d.apiVersion)}`);
  if (!Array.isArray(d.rules)) fail('rules: Required value');
  const stages = (value: unknown, path: string): AuditStage[] | undefined => {
    if (value === undefined) return undefined;
    if (!Array.isArray(value)) return fail(`${path}: must be a list`);
    for (const s of value) if (!AUDIT_STAGES.includes(s as AuditStage)) fail(`${path}: Unsupported value: ${JSON.stringify(s)}: supported values: ${AUDIT_STAGES.join(', ')}`);
    return value as AuditStage[];
  };
  const rules = (d.rules as PolicyRule[]).map((rule, i) => {
    if (!AUDIT_LEVELS.includes(rule?.level)) fail(`rules[${i}].level: Unsupported value: ${JSON.stringify(rule?.level)}: supported values: ${AUDIT_LEVELS.join(', ')}`);
    return { ...rule, omitStages: stages(rule.omitStages, `rules[${i}].omitStages`) };
  });
  return { rules, omitStages: stages(d.omitStages, 'omitStages') };
}

export async function loadAuditPolicy(path: string): Promise<AuditPolicy> {
  return parseAuditPolicy(parse(await readFile(path, 'utf8')), path);
}
