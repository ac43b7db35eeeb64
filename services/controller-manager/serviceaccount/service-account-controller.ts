import { isApiError } from '../../../lib/api/errors.js';
import type { Namespace, ServiceAccount } from '../../../lib/api/generated/index.js';
import type { Informer } from '../../../lib/informer/informer.js';
import type { ControllerContext } from '../common/controller.js';
import { QueueController, type HandlerRegistration } from '../common/queue-controller.js';

const DEFAULT_ACCOUNT = 'default';

/**
 * Kubernetes' ServiceAccount controller: every active namespace has a `default` ServiceAccount,
 * created with the namespace and again whenever it is deleted. Keys are namespace names.
 */
export class ServiceAccountController extends QueueController {
  private readonly namespaces: Informer<Namespace>;
  private readonly accounts: Informer<ServiceAccount>;

  constructor(ctx: ControllerContext, opts: { workers: number }) {
    super('serviceaccount', ctx, { workers: opts.workers });
    this.namespaces = ctx.informers.informerFor('namespace');
    this.accounts = ctx.informers.informerFor('serviceAccount');
  }

  protected handlers(): HandlerRegistration[] {
    return [
      () => this.namespaces.addEventHandler({ onAdd: (ns) => this.queue.add(ns.metadata?.name ?? ''), onUpdate: (_old, ns) => this.queue.add(ns.metadata?.name ?? '') }),
      () => this.accounts.addEventHandler({ onDelete: (sa) => sa.metadata?.name === DEFAULT_ACCOUNT && this.queue.add(sa.metadata.namespace ?? '') }),
    ];
  }

  async sync(namespace: string): Promise<void> {
    const ns = this.namespaces.store.get(namespace);
    // A namespace being deleted gets nothing new: its contents are on their way out.
    if (!ns || ns.metadata?.deletionTimestamp || ns.status?.phase === 'Terminating') return;
    if (this.accounts.store.get(`${namespace}/${DEFAULT_ACCOUNT}`)) return;
    try {
      await this.ctx.client.resource('serviceAccount').create({ metadata: { name: DEFAULT_ACCOUNT, namespace } });
      this.log.info({ namespace }, 'created the default ServiceAccount');
    } catch (err) {
      // Created meanwhile (our cache lagged); a namespace being terminated refuses new objects.
      if (isApiError(err, 'AlreadyExists') || isApiError(err, 'Forbidden')) return;
      throw err;
    }
  }
}
