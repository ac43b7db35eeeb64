import { isApiError } from '../../../lib/api/errors.js';
import type { ResourceQuota } from '../../../lib/api/generated/index.js';
import { resourceByField, resources, type AnyObject, type EnvelopeField, type ResourceInfo } from '../../../lib/api/resources.js';
import { keyOf, splitKey } from '../../../lib/client/keys.js';
import type { Informer } from '../../../lib/informer/informer.js';
import { addLists, maskList, sameLists, type ResourceList } from '../../../lib/quota/resource-list.js';
import { scopesSelect } from '../../../lib/quota/scopes.js';
import { kindCounts, usageOf } from '../../../lib/quota/usage.js';
import type { ControllerContext } from '../common/controller.js';
import { QueueController, type HandlerRegistration } from '../common/queue-controller.js';

export interface ResourceQuotaControllerOptions {
  /** --concurrent-resource-quota-syncs. */
  workers: number;
  /** --resource-quota-sync-period: every quota is recomputed this often, whatever was seen. */
  syncPeriodMs: number;
}

/**
 * The kinds watched so that a quota is recomputed as soon as their objects go or stop counting
 * (a pod that finished); other kinds' counts (`count/deployments.apps`) catch up at the next full
 * resync, as in Kubernetes.
 */
const WATCHED: readonly EnvelopeField[] = ['pod', 'service', 'replicationController', 'secret', 'configMap', 'persistentVolumeClaim'];

/**
 * Kubernetes' resource quota controller: sets status.hard from spec.hard and recomputes
 * status.used from the objects themselves, so that deleting or finishing a pod frees quota.
 * Admission only ever adds to status.used; this is the one place usage goes down.
 *
 * A sync reads the quota and then lists the objects from the apiserver (consistent reads, not the
 * caches), and writes the status at the quota's resourceVersion: an admission charge made after
 * that read changes the quota's revision, so this write fails and the sync runs again instead of
 * erasing the charge of an object its list might have missed.
 */
export class ResourceQuotaController extends QueueController {
  private readonly quotas: Informer<ResourceQuota>;
  private readonly watched: { info: ResourceInfo; informer: Informer<AnyObject> }[];

  constructor(ctx: ControllerContext, options: ResourceQuotaControllerOptions) {
    super('resourcequota', ctx, { workers: options.workers, resyncPeriodMs: options.syncPeriodMs });
    this.quotas = ctx.informers.informerFor('resourceQuota');
    this.watched = WATCHED.map((field) => ({ info: resourceByField(field), informer: ctx.informers.informerFor(field) as Informer<AnyObject> }));
  }

  protected handlers(): HandlerRegistration[] {
    const objectChanged = (obj: AnyObject): void => this.enqueueNamespace(obj.metadata?.namespace ?? '');
    return [
      // Every quota once at start (a restarted controller recomputes all), then those whose spec moved on.
      () => this.quotas.addEventHandler({ onAdd: (q) => this.queue.add(keyOf(q)), onUpdate: (_old, cur) => needsSync(cur) && this.queue.add(keyOf(cur)) }),
      ...this.watched.map(({ info, informer }) => () =>
        informer.addEventHandler({
          // Additions are charged by admission; what this must see is usage going down.
          onUpdate: (old, cur) => {
            const now = this.ctx.now();
            if (!sameLists(usageOf(info, old, now), usageOf(info, cur, now))) objectChanged(cur);
          },
          onDelete: objectChanged,
        }),
      ),
    ];
  }

  protected override resyncKeys(): Iterable<string> {
    return this.quotas.store.list().map((q) => keyOf(q));
  }

  private enqueueNamespace(namespace: string): void {
    for (const q of this.quotas.store.list()) if (q.metadata?.namespace === namespace) this.queue.add(keyOf(q));
  }

  async sync(key: string): Promise<void> {
    const { namespace, name } = splitKey(key);
    const client = this.ctx.client.resource('resourceQuota');
    let quota: ResourceQuota;
    try {
      quota = await client.get(namespace, name);
    } catch (err) {
      if (isApiError(err, 'NotFound')) return;
      throw err;
    }
    const hard = quota.spec?.hard ?? {};
    const used = await this.usage(quota, namespace, Object.keys(hard));
    if (sameLists(quota.status?.hard, hard) && sameLists(quota.status?.used, used)) return;
    try {
      await client.updateStatus({ ...quota, status: { hard, used } });
    } catch (err) {
      // An admission charged the quota meanwhile: recompute from a newer read, backing off while writes keep coming.
      if (isApiError(err, 'Conflict')) {
        this.queue.addRateLimited(key);
        return;
      }
      throw err;
    }
    this.log.debug({ quota: key, used }, 'quota usage recomputed');
  }

  /** What the objects of the namespace use of each of the names, 0 for those nothing uses. */
  private async usage(quota: ResourceQuota, namespace: string, names: string[]): Promise<ResourceList> {
    let total: ResourceList = Object.fromEntries(names.map((n) => [n, '0']));
    const now = this.ctx.now();
    for (const info of countingKinds(names)) {
      const { items } = await this.ctx.client.resource(info.field).listAll(namespace);
      for (const object of items as AnyObject[]) {
        if (scopesSelect(quota, info, object)) total = addLists(total, maskList(usageOf(info, object, now), names));
      }
    }
    return total;
  }
}

/** The namespaced kinds whose objects count towards any of the names. */
function countingKinds(names: string[]): ResourceInfo[] {
  return resources.filter((info) => info.namespaced && info.stored && names.some((n) => kindCounts(info, n)));
}

/** A quota whose status does not reflect its spec yet (new, or spec.hard changed). */
function needsSync(quota: ResourceQuota): boolean {
  const hard = quota.spec?.hard ?? {};
  return !sameLists(quota.status?.hard, hard) || Object.keys(hard).some((n) => !(n in (quota.status?.used ?? {})));
}
