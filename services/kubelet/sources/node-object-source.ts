import { isApiError } from '../../../lib/api/errors.js';
import type { ConfigMap, PersistentVolume, PersistentVolumeClaim, Secret, Service } from '../../../lib/api/generated/index.js';
import type { ApiClient } from '../../../lib/client/client.js';
import type { KubeObject } from '../../../lib/client/keys.js';
import type { ResourceClient } from '../../../lib/client/resource-client.js';
import { NAMESPACE_INDEX, type Indexer } from '../../../lib/informer/store.js';
import type { PodObjectSource } from '../pod-workers/object-source.js';

async function getOrUndefined<T extends KubeObject>(resource: ResourceClient<T>, namespace: string, name: string): Promise<T | undefined> {
  try {
    return await resource.get(namespace, name);
  } catch (err) {
    if (isApiError(err, 'NotFound')) return undefined;
    throw err;
  }
}

/**
 * The objects pods refer to. A node may read only the Secrets and ConfigMaps its own pods use (the
 * apiserver's Node authorizer), so those are read one by one when a pod needs them, as Kubernetes'
 * kubelet does with its "Get" change-detection strategy (claims and their volumes too); Services, which every node may list,
 * come from an informer cache.
 */
export class NodeObjectSource implements PodObjectSource {
  constructor(
    private readonly client: ApiClient,
    private readonly services: Indexer<Service>,
  ) {}

  getConfigMap(namespace: string, name: string): Promise<ConfigMap | undefined> {
    return getOrUndefined(this.client.resource('configMap'), namespace, name);
  }

  getSecret(namespace: string, name: string): Promise<Secret | undefined> {
    return getOrUndefined(this.client.resource('secret'), namespace, name);
  }

  async listServices(namespace: string): Promise<Service[]> {
    return this.services.listByIndex(NAMESPACE_INDEX, namespace);
  }

  getPersistentVolumeClaim(namespace: string, name: string): Promise<PersistentVolumeClaim | undefined> {
    return getOrUndefined(this.client.resource('persistentVolumeClaim'), namespace, name);
  }

  getPersistentVolume(name: string): Promise<PersistentVolume | undefined> {
    return getOrUndefined(this.client.resource('persistentVolume'), '', name);
  }
}
