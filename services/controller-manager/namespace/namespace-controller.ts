import { isApiError, isGoneOrReplaced } from '../../../lib/api/errors.js';
import type { Namespace, Pod } from '../../../lib/api/generated/index.js';
import { resources, type AnyObject, type ResourceInfo } from '../../../lib/api/resources.js';
import type { KubeObject } from '../../../lib/client/keys.js';
import type { Informer } from '../../../lib/informer/informer.js';
import type { ControllerContext } from '../common/controller.js';
import { onAddOrUpdate, QueueController, type HandlerRegistration } from '../common/queue-controller.js';
import { deletionConditions, mergeConditions, sameConditions, type ContentReport } from './namespace-conditions.js';

/** The finalizer the apiserver puts on every namespace; removing it lets the apiserver delete the namespace. */
const KUBERNETES_FINALIZER = 'kubernetes';

interface NamespaceControllerOptions {
  /** --concurrent-namespace-syncs; default 10. */
  workers?: number;
}

function qualifiedName(info: ResourceInfo): string {
  return info.group ? `${info.resource}.${info.group}` : info.resource;
}

/**
 * Kubernetes' namespace controller: a namespace being deleted (phase Terminating, finalizer
 * `kubernetes`) has every namespaced object in it deleted; once none is left, the controller
 * removes its finalizer and the apiserver removes the namespace. Progress shows in the
 * namespace's conditions.
 */
export class NamespaceController extends QueueController {
  private readonly namespaces: Informer<Namespace>;
  private readonly kinds = resources.filter((r) => r.namespaced && r.stored);
  private readonly contents: Informer<KubeObject>[];

  constructor(ctx: ControllerContext, options: NamespaceControllerOptions = {}) {
    super('namespace', ctx, { workers: options.workers ?? 10 });
    this.namespaces = ctx.informers.informerFor('namespace');
    // Events are many and never what a deletion waits for; they are still deleted, just not watched.
    this.contents = this.kinds.filter((info) => info.field !== 'event').map((info) => ctx.informers.informerFor(info.field) as unknown as Informer<KubeObject>);
  }

  protected handlers(): HandlerRegistration[] {
    const enqueue = (ns: Namespace): void => {
      if (ns.metadata?.deletionTimestamp) this.queue.add(ns.metadata.name ?? '');
    };
    // The last object to go (a pod its kubelet finally stopped) finishes a namespace at once
    // rather than at the next estimated recheck.
    const contentGone = (obj: KubeObject): void => {
      const ns = this.namespaces.store.get(obj.metadata?.namespace ?? '');
      if (ns) enqueue(ns);
    };
    return [
      () => this.namespaces.addEventHandler(onAddOrUpdate(enqueue)),
      ...this.contents.map((informer) => () => informer.addEventHandler({ onDelete: contentGone })),
    ];
  }

  async sync(name: string): Promise<void> {
    const ns = this.namespaces.store.get(name);
    if (!ns?.metadata?.deletionTimestamp) return;
    if (!(ns.spec?.finalizers ?? []).includes(KUBERNETES_FINALIZER)) return;
    const { report, estimateSeconds } = await this.deleteContent(name);
    await this.reportConditions(ns, report);
    if (report.errors.length) throw new Error(`namespace ${name}: ${report.errors.join('; ')}`);
    if (report.remaining.size > 0) {
      // Kubernetes waits half the longest grace period still running, plus a little.
      this.queue.addAfter(name, estimateSeconds * 500 + 500);
      return;
    }
    await this.finalize(ns);
  }

  /** Deletes what is left in the namespace; reports what is still there (being deleted, or held by finalizers). */
  private async deleteContent(namespace: string): Promise<{ report: ContentReport; estimateSeconds: number }> {
    const report: ContentReport = { remaining: new Map(), finalizers: new Map(), errors: [] };
    let estimateSeconds = 0;
    for (const info of this.kinds) {
      const client = this.ctx.client.resource(info.field);
      let items: AnyObject[];
      try {
        items = (await client.listAll(namespace)).items;
      } catch (err) {
        report.errors.push(`${qualifiedName(info)}: ${(err as Error).message}`);
        continue;
      }
      for (const item of items) {
        let left: AnyObject | undefined = item;
        if (!item.metadata?.deletionTimestamp) {
          try {
            const result = await client.delete(namespace, item.metadata?.name ?? '', { propagationPolicy: 'Background', preconditions: { uid: item.metadata?.uid ?? '' } });
            // The delete either removed the object (gone) or marked it (still there, finishing).
            left = result.metadata?.deletionTimestamp ? result : undefined;
          } catch (err) {
            if (isGoneOrReplaced(err)) left = undefined;
            else {
              report.errors.push(`${qualifiedName(info)} "${item.metadata?.name ?? ''}": ${(err as Error).message}`);
              continue;
            }
          }
        }
        if (!left) continue;
        const resource = qualifiedName(info);
        report.remaining.set(resource, (report.remaining.get(resource) ?? 0) + 1);
        for (const f of left.metadata?.finalizers ?? []) report.finalizers.set(f, (report.finalizers.get(f) ?? 0) + 1);
        if (info.field === 'pod') estimateSeconds = Math.max(estimateSeconds, (left as Pod).metadata?.deletionGracePeriodSeconds ?? 0);
      }
    }
    return { report, estimateSeconds };
  }

  private async reportConditions(ns: Namespace, report: ContentReport): Promise<void> {
    const conditions = deletionConditions(report, this.ctx.now());
    if (sameConditions(ns.status?.conditions, conditions)) return;
    const next: Namespace = { ...ns, metadata: { ...ns.metadata }, status: { ...ns.status, phase: 'Terminating', conditions: mergeConditions(ns.status?.conditions, conditions) } };
    try {
      await this.ctx.client.resource('namespace').updateStatus(next);
    } catch (err) {
      // A stale namespace or one already gone: the next sync reports again.
      if (!isApiError(err, 'NotFound') && !isApiError(err, 'Conflict')) throw err;
    }
  }

  /** Removes the `kubernetes` finalizer; with no other finalizers the apiserver deletes the namespace. */
  private async finalize(ns: Namespace): Promise<void> {
    const client = this.ctx.client.resource('namespace');
    let current: Namespace;
    try {
      current = await client.get('', ns.metadata?.name ?? '');
    } catch (err) {
      if (isApiError(err, 'NotFound')) return;
      throw err;
    }
    const finalizers = (current.spec?.finalizers ?? []).filter((f) => f !== KUBERNETES_FINALIZER);
    try {
      await client.update({ ...current, spec: { ...current.spec, finalizers } });
      this.log.info({ namespace: ns.metadata?.name }, 'namespace content deleted; finalizer removed');
    } catch (err) {
      if (!isApiError(err, 'NotFound')) throw err;
    }
  }
}
