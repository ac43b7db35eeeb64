import { ApiError } from '../../../lib/api/errors.js';
import type { ClusterRoleBinding, PolicyRule, Role, RoleBinding, RoleRef } from '../../../lib/api/generated/index.js';
import type { AnyObject } from '../../../lib/api/resources.js';
import { nonResourceAttributes, resourceAttributes, type Attributes } from './attributes.js';
import type { Decision } from './decision.js';

const ROLES = new Set(['roles', 'clusterroles']);
const BINDINGS = new Set(['rolebindings', 'clusterrolebindings']);
const WRITES = new Set(['create', 'update', 'patch']);

export interface EscalationDeps {
  decide(attrs: Attributes): Decision;
  /** The rules of the role a binding refers to (none when it does not exist). */
  roleRules(ref: RoleRef | undefined, namespace: string): readonly PolicyRule[];
  /** The stored role an update changes. */
  storedRole(resource: string, namespace: string, name: string): Role | undefined;
}

/** A patch as a request carries it: its type (merge, strategic, json) and text. */
export interface PatchBody {
  type: string;
  text: string;
}

/** Whether a patch can change a role's rules: a JSON patch with a path under /rules, any other patch with a rules key. */
function patchTouchesRules(patch: PatchBody): boolean {
  let parsed: unknown;
  try {
    parsed = JSON.parse(patch.text);
  } catch {
    // Not JSON: applying it fails, so it changes nothing.
    return false;
  }
  if (patch.type === 'json') {
    return Array.isArray(parsed) && parsed.some((op: { path?: unknown }) => typeof op?.path === 'string' && (op.path === '/rules' || op.path.startsWith('/rules/')));
  }
  return typeof parsed === 'object' && parsed !== null && 'rules' in parsed;
}

/** One request per verb, group, resource and name of a rule, with the rule's words taken literally (`*` only covered by `*`). */
function atoms(base: Attributes, rule: PolicyRule): Attributes[] {
  const out: Attributes[] = [];
  for (const verb of rule.verbs ?? []) {
    for (const path of rule.nonResourceURLs ?? []) out.push(nonResourceAttributes(base.user, verb, path));
    for (const apiGroup of rule.apiGroups ?? []) {
      for (const resource of rule.resources ?? []) {
        const [name, sub = ''] = resource.split('/', 2) as [string, string?];
        const names = (rule.resourceNames ?? []).length > 0 ? rule.resourceNames! : [''];
        for (const n of names) out.push(resourceAttributes(base.user, verb, { apiGroup, resource: name, subresource: sub, namespace: base.namespace, name: n }));
      }
    }
  }
  return out;
}

function describe(a: Attributes): string {
  if (!a.resourceRequest) return `{NonResourceURLs:[${JSON.stringify(a.path)}], Verbs:[${JSON.stringify(a.verb)}]}`;
  const resource = a.subresource ? `${a.resource}/${a.subresource}` : a.resource;
  return `{APIGroups:[${JSON.stringify(a.apiGroup)}], Resources:[${JSON.stringify(resource)}]${a.name ? `, ResourceNames:[${JSON.stringify(a.name)}]` : ''}, Verbs:[${JSON.stringify(a.verb)}]}`;
}

function refuseUnheld(attrs: Attributes, name: string, rules: readonly PolicyRule[], deps: EscalationDeps): void {
  const missing = rules.flatMap((rule) => atoms(attrs, rule)).filter((atom) => deps.decide(atom).verdict !== 'allow');
  if (missing.length === 0) return;
  const user = attrs.user;
  throw new ApiError(
    'Forbidden',
    `${attrs.resource}.${attrs.apiGroup} ${JSON.stringify(name)} is forbidden: user ${JSON.stringify(user.name)} (groups=${JSON.stringify(user.groups)}) is attempting to grant RBAC permissions not currently held:\n${missing.map(describe).join('\n')}`,
    { name, group: attrs.apiGroup, kind: attrs.resource },
  );
}

const allowed = (deps: EscalationDeps, attrs: Attributes, verb: string, resource: string, name: string): boolean =>
  deps.decide(resourceAttributes(attrs.user, verb, { apiGroup: attrs.apiGroup, resource, namespace: attrs.namespace, name })).verdict === 'allow';

/**
 * Kubernetes' RBAC escalation check: a role or binding may not grant more than its writer holds,
 * unless they hold the `escalate` verb on roles or the `bind` verb on the role bound. As in
 * Kubernetes, only writes that can change what is granted are checked: new roles and bindings,
 * and role updates whose rules change (a binding's roleRef cannot change). A patch of a role that
 * names its rules needs `escalate`, since the rules it would leave are not known here.
 */
export function preventEscalation(attrs: Attributes, object: AnyObject | undefined, deps: EscalationDeps, patch?: PatchBody): void {
  if (!attrs.resourceRequest || attrs.subresource || !WRITES.has(attrs.verb) || attrs.apiGroup !== 'rbac.authorization.k8s.io') return;
  const name = attrs.name || object?.metadata?.name || '';
  if (ROLES.has(attrs.resource)) {
    const rules = (object as Role | undefined)?.rules ?? [];
    if (attrs.verb === 'update' && JSON.stringify(rules) === JSON.stringify(deps.storedRole(attrs.resource, attrs.namespace, name)?.rules ?? [])) return;
    if (attrs.verb === 'patch' && !(patch && patchTouchesRules(patch))) return;
    if (allowed(deps, attrs, 'escalate', attrs.resource, name)) return;
    if (attrs.verb === 'patch') {
      throw new ApiError('Forbidden', `${attrs.resource}.${attrs.apiGroup} ${JSON.stringify(name)} is forbidden: a patch of its rules needs the escalate verb; update the role instead`, {
        name,
        group: attrs.apiGroup,
        kind: attrs.resource,
      });
    }
    refuseUnheld(attrs, name, rules, deps);
    return;
  }
  if (!BINDINGS.has(attrs.resource) || attrs.verb !== 'create') return;
  const ref = (object as RoleBinding | ClusterRoleBinding | undefined)?.roleRef;
  const roleResource = ref?.kind === 'Role' ? 'roles' : 'clusterroles';
  if (allowed(deps, attrs, 'bind', roleResource, ref?.name ?? '')) return;
  refuseUnheld(attrs, name, deps.roleRules(ref, attrs.namespace), deps);
}
