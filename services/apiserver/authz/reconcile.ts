import type { Logger } from 'pino';
import { isApiError } from '../../../lib/api/errors.js';
import type { ClusterRole, ClusterRoleBinding, PolicyRule, Subject } from '../../../lib/api/generated/index.js';
import { resourceByField } from '../../../lib/api/resources.js';
import type { Registry } from '../registry/registry.js';
import { AUTOUPDATE_ANNOTATION, BOOTSTRAP_CLUSTER_ROLE_BINDINGS, BOOTSTRAP_CLUSTER_ROLES } from './bootstrap-policy.js';

const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);

/** The items of `wanted` that `present` lacks, in order. */
function missing<T>(present: readonly T[], wanted: readonly T[]): T[] {
  return wanted.filter((w) => !present.some((p) => same(p, w)));
}

/** An administrator opts an object out of reconciliation by setting the annotation to "false". */
const autoupdates = (meta: { annotations?: Record<string, string> } | undefined): boolean => meta?.annotations?.[AUTOUPDATE_ANNOTATION] !== 'false';

/** Kubernetes' reconcile of a bootstrap role: only additions (rules, labels, annotations, selectors), never removals. */
function reconcileRole(current: ClusterRole, wanted: ClusterRole): ClusterRole | undefined {
  const meta = current.metadata ?? {};
  const labels = { ...wanted.metadata?.labels, ...meta.labels };
  const annotations = { ...wanted.metadata?.annotations, ...meta.annotations };
  // Aggregated roles get their rules from the aggregation controller, not from here.
  const rules: PolicyRule[] = wanted.aggregationRule ? (current.rules ?? []) : [...(current.rules ?? []), ...missing(current.rules ?? [], wanted.rules ?? [])];
  const selectors = current.aggregationRule?.clusterRoleSelectors ?? [];
  const aggregationRule = wanted.aggregationRule
    ? { clusterRoleSelectors: [...selectors, ...missing(selectors, wanted.aggregationRule.clusterRoleSelectors ?? [])] }
    : current.aggregationRule;
  const next: ClusterRole = { ...current, metadata: { ...meta, labels, annotations }, rules, ...(aggregationRule && { aggregationRule }) };
  return same(next, current) ? undefined : next;
}

function reconcileBinding(current: ClusterRoleBinding, wanted: ClusterRoleBinding): ClusterRoleBinding | undefined {
  const meta = current.metadata ?? {};
  const subjects: Subject[] = [...(current.subjects ?? []), ...missing(current.subjects ?? [], wanted.subjects ?? [])];
  const next: ClusterRoleBinding = {
    ...current,
    metadata: { ...meta, labels: { ...wanted.metadata?.labels, ...meta.labels }, annotations: { ...wanted.metadata?.annotations, ...meta.annotations } },
    subjects,
  };
  return same(next, current) ? undefined : next;
}

async function reconcileOne<T extends ClusterRole | ClusterRoleBinding>(
  registry: Registry,
  field: 'clusterRole' | 'clusterRoleBinding',
  wanted: T,
  reconcile: (current: T, wanted: T) => T | undefined,
  log: Logger,
): Promise<void> {
  const info = resourceByField(field);
  const name = wanted.metadata?.name ?? '';
  for (;;) {
    let current: T;
    try {
      current = (await registry.get(info, '', name)) as T;
    } catch (err) {
      if (!isApiError(err, 'NotFound')) throw err;
      try {
        await registry.create(info, '', structuredClone(wanted));
        log.info({ [field]: name }, 'created bootstrap policy');
        return;
      } catch (createErr) {
        // Another apiserver made it meanwhile: reconcile that one.
        if (isApiError(createErr, 'AlreadyExists')) continue;
        throw createErr;
      }
    }
    if (!autoupdates(current.metadata)) return;
    const next = reconcile(current, wanted);
    if (!next) return;
    try {
      await registry.update(info, '', next);
      log.info({ [field]: name }, 'reconciled bootstrap policy');
      return;
    } catch (err) {
      if (!isApiError(err, 'Conflict')) throw err;
    }
  }
}

/**
 * Kubernetes' auto-reconciliation of the bootstrap policy at apiserver start: missing roles and
 * bindings are created, and existing ones get what they lack (rules, subjects), unless annotated
 * `rbac.authorization.kubernetes.io/autoupdate: "false"`. Nothing an administrator added is removed.
 */
export async function reconcileBootstrapPolicy(registry: Registry, log: Logger): Promise<void> {
  for (const role of BOOTSTRAP_CLUSTER_ROLES) await reconcileOne(registry, 'clusterRole', role, reconcileRole, log);
  for (const binding of BOOTSTRAP_CLUSTER_ROLE_BINDINGS) await reconcileOne(registry, 'clusterRoleBinding', binding, reconcileBinding, log);
}
