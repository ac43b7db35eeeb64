import { isApiError } from '../../../lib/api/errors.js';
import type { ConfigMap, Namespace } from '../../../lib/api/generated/index.js';
import type { Informer } from '../../../lib/informer/informer.js';
import type { ControllerContext } from '../common/controller.js';
import { QueueController, type HandlerRegistration } from '../common/queue-controller.js';

export const ROOT_CA_CONFIG_MAP = 'kube-root-ca.crt';
const DESCRIPTION_ANNOTATION = 'kubernetes.io/description';
const DESCRIPTION =
  'Contains a CA bundle that can be used to verify the kube-apiserver when using internal endpoints such as the internal service IP or kubernetes.default.svc. No other usage is guaranteed across distributions of Kubernetes clusters.';

/**
 * Kubernetes' root-CA certificate publisher: a `kube-root-ca.crt` ConfigMap with the cluster CA
 * (`ca.crt`) in every active namespace, recreated when deleted and put back when changed, so pods
 * can verify the apiserver. Keys are namespace names.
 */
export class RootCaPublisher extends QueueController {
  private readonly namespaces: Informer<Namespace>;
  private readonly configMaps: Informer<ConfigMap>;

  constructor(
    ctx: ControllerContext,
    private readonly opts: { workers: number; rootCaPem: string },
  ) {
    super('root-ca-cert-publisher', ctx, { workers: opts.workers });
    this.namespaces = ctx.informers.informerFor('namespace');
    this.configMaps = ctx.informers.informerFor('configMap');
  }

  protected handlers(): HandlerRegistration[] {
    const ours = (cm: ConfigMap): void => {
      if (cm.metadata?.name === ROOT_CA_CONFIG_MAP) this.queue.add(cm.metadata.namespace ?? '');
    };
    return [
      () => this.namespaces.addEventHandler({ onAdd: (ns) => this.queue.add(ns.metadata?.name ?? ''), onUpdate: (_old, ns) => this.queue.add(ns.metadata?.name ?? '') }),
      () => this.configMaps.addEventHandler({ onUpdate: (_old, cm) => ours(cm), onDelete: ours }),
    ];
  }

  async sync(namespace: string): Promise<void> {
    const ns = this.namespaces.store.get(namespace);
    if (!ns || ns.metadata?.deletionTimestamp || ns.status?.phase === 'Terminating') return;
    const current = this.configMaps.store.get(`${namespace}/${ROOT_CA_CONFIG_MAP}`);
    const configMaps = this.ctx.client.resource('configMap');
    try {
      if (!current) {
        await configMaps.create({ metadata: { name: ROOT_CA_CONFIG_MAP, namespace, annotations: { [DESCRIPTION_ANNOTATION]: DESCRIPTION } }, data: { 'ca.crt': this.opts.rootCaPem } });
      } else if (current.data?.['ca.crt'] !== this.opts.rootCaPem || Object.keys(current.data ?? {}).length !== 1) {
        await configMaps.update({ ...structuredClone(current), data: { 'ca.crt': this.opts.rootCaPem } });
      }
    } catch (err) {
      // Our cache lagged (retried from the next event), or the namespace is being terminated.
      if (isApiError(err, 'AlreadyExists') || isApiError(err, 'Conflict') || isApiError(err, 'Forbidden')) return;
      throw err;
    }
  }
}
