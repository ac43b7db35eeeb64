import { notFound } from '../../../lib/api/errors.js';
import type { Namespace } from '../../../lib/api/generated/index.js';
import type { AnyObject, ResourceInfo } from '../../../lib/api/resources.js';
import { strategyFor } from '../kinds/index.js';
import type { WriteHooks } from '../registry/hooks.js';
import { admissionForbidden } from './forbidden.js';

/** Kubernetes' NamespaceLifecycle admission: no new objects in a namespace that is missing or terminating. */
export class NamespaceLifecycle implements WriteHooks {
  constructor(private readonly getNamespace: (name: string) => Promise<Namespace | undefined>) {}

  async admit(info: ResourceInfo, op: 'create' | 'update', object: AnyObject): Promise<void> {
    if (op !== 'create' || !info.namespaced) return;
    const name = object.metadata?.namespace ?? '';
    const ns = await this.getNamespace(name);
    if (!ns) throw notFound('namespaces', name);
    // Events about the cleanup itself are still allowed, as in Kubernetes.
    if (ns.status?.phase === 'Terminating' && !strategyFor(info).allowedInTerminatingNamespace) {
      throw admissionForbidden(info.resource, object, `unable to create new content in namespace ${name} because it is being terminated`);
    }
  }
}
