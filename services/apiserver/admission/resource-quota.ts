import type { ResourceQuota } from '../../../lib/api/generated/index.js';
import { resourceByField, type AnyObject, type ResourceInfo } from '../../../lib/api/resources.js';
import { addLists, exceededNames, formatList, maskList, positiveNames, subtractLists, type ResourceList } from '../../../lib/quota/resource-list.js';
import { scopesSelect } from '../../../lib/quota/scopes.js';
import { kindCounts, unstatedCompute, usageOf } from '../../../lib/quota/usage.js';
import type { WriteHooks, WriteOp } from '../registry/hooks.js';
import { decodeFromStorage, encodeForStorage } from '../storage/codec.js';
import { objectKey } from '../storage/keys.js';
import type { Store, TxnExtra } from '../storage/store.js';
import { admissionForbidden } from './forbidden.js';

const QUOTAS = resourceByField('resourceQuota');
const NOTHING_CHARGED: Promise<TxnExtra | undefined> = Promise.resolve(undefined);

/** What a write adds to the usage of its kind, and the names of the quotas (as cached) that may track it. */
interface PendingCharge {
  delta: ResourceList;
  increased: string[];
  names: string[];
}

/**
 * Kubernetes' ResourceQuota admission, last in the chain. A write that adds to what a quota of its
 * namespace tracks is refused when the quota would go over status.hard; otherwise the quota's
 * status.used grows by that amount in the same storage transaction as the object, guarded by the
 * quota's revision. So two writes (on any apiserver) never both spend the same headroom: the one
 * whose compare fails is retried by the registry against the new status.used. Frees happen in
 * the quota controller, which recomputes status.used from the objects.
 */
export class ResourceQuotaAdmission implements WriteHooks {
  constructor(
    private readonly store: Store,
    /** The quotas of a namespace as the watch cache holds them: only to find which to read fresh. */
    private readonly listQuotas: (namespace: string) => ResourceQuota[],
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * Writes that charge a namespace's quotas take turns in this apiserver: otherwise concurrent
   * creates would mostly fail the quota's compare and retry, one success per round.
   */
  writeLanes(info: ResourceInfo, op: WriteOp, object: AnyObject, old?: AnyObject): string[] {
    if (op === 'delete' || !this.pendingCharge(info, object, old)) return [];
    return [`${QUOTAS.resource}/${object.metadata?.namespace ?? ''}`];
  }

  txnForCreate(info: ResourceInfo, object: AnyObject): Promise<TxnExtra | undefined> {
    return this.charge(info, object, undefined);
  }

  txnForUpdate(info: ResourceInfo, object: AnyObject, old: AnyObject): Promise<TxnExtra | undefined> {
    return this.charge(info, object, old);
  }

  /**
   * What the write adds to the usage of its kind, and the quotas of its namespace (as cached) that
   * may track it; undefined when no quota can be charged. As in Kubernetes, a quota restricts only
   * what its status.hard holds: nothing until the quota controller first synced it.
   */
  private pendingCharge(info: ResourceInfo, object: AnyObject, old: AnyObject | undefined): PendingCharge | undefined {
    if (!info.namespaced) return undefined;
    // spec.hard too: the cache may not have the status the quota controller just wrote, which the fresh read below will.
    const candidates = this.listQuotas(object.metadata?.namespace ?? '').filter((q) => trackedNames(q, info).length > 0 || countedNames(q.spec?.hard, info).length > 0);
    if (candidates.length === 0) return undefined;
    const now = this.now();
    const usage = usageOf(info, object, now);
    const delta = old ? subtractLists(usage, usageOf(info, old, now)) : usage;
    const increased = positiveNames(delta);
    if (increased.length === 0) return undefined;
    return { delta, increased, names: candidates.map((q) => q.metadata?.name ?? '').sort() };
  }

  /** Most writes charge nothing (no quota in their namespace tracks them): those are answered without an async step. */
  private charge(info: ResourceInfo, object: AnyObject, old: AnyObject | undefined): Promise<TxnExtra | undefined> {
    try {
      const pending = this.pendingCharge(info, object, old);
      return pending ? this.chargeQuotas(info, object, old, pending) : NOTHING_CHARGED;
    } catch (err) {
      return Promise.reject(err);
    }
  }

  private async chargeQuotas(info: ResourceInfo, object: AnyObject, old: AnyObject | undefined, pending: PendingCharge): Promise<TxnExtra | undefined> {
    const { delta, increased, names } = pending;
    const namespace = object.metadata?.namespace ?? '';
    const extra: TxnExtra = { compares: [], puts: [] };
    for (const name of names) {
      const stored = await this.store.get(objectKey(QUOTAS, namespace, name));
      if (!stored) continue;
      const quota = decodeFromStorage(QUOTAS, stored) as ResourceQuota;
      if (!scopesSelect(quota, info, object)) continue;
      const tracked = trackedNames(quota, info);
      if (tracked.length === 0) continue;
      const unstated = old ? undefined : unstatedCompute(info, tracked, object);
      if (unstated) throw admissionForbidden(info.resource, object, `failed quota: ${name}: must specify ${unstated}`);
      const charged = maskList(delta, increased.filter((n) => tracked.includes(n)));
      if (Object.keys(charged).length === 0) continue;
      const used = quota.status?.used ?? {};
      if (tracked.some((n) => !(n in used))) throw admissionForbidden(info.resource, object, `status unknown for quota: ${name}, resources: ${[...tracked].sort().join(',')}`);
      const newUsed = addLists(maskList(used, Object.keys(charged)), charged);
      const hard = quota.status?.hard ?? {};
      const exceeded = exceededNames(newUsed, hard);
      if (exceeded.length > 0) {
        throw admissionForbidden(
          info.resource,
          object,
          `exceeded quota: ${name}, requested: ${formatList(maskList(charged, exceeded))}, used: ${formatList(maskList(used, exceeded))}, limited: ${formatList(maskList(hard, exceeded))}`,
        );
      }
      quota.status = { ...quota.status, used: { ...used, ...newUsed } };
      extra.compares.push({ key: stored.key, modRevision: stored.modRevision });
      extra.puts.push({ key: stored.key, value: encodeForStorage(QUOTAS, quota) });
    }
    return extra.puts.length > 0 ? extra : undefined;
  }
}

/** The names of the quota's status.hard that objects of this kind count towards. */
function trackedNames(quota: ResourceQuota, info: ResourceInfo): string[] {
  return countedNames(quota.status?.hard, info);
}

function countedNames(list: ResourceList | undefined, info: ResourceInfo): string[] {
  return Object.keys(list ?? {}).filter((name) => kindCounts(info, name));
}
