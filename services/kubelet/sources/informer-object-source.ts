import type { ConfigMap, Secret, Service } from '../../../lib/api/generated/index.js';
import { keyFor } from '../../../lib/client/keys.js';
import { NAMESPACE_INDEX, type Indexer } from '../../../lib/informer/store.js';
import type { PodObjectSource } from '../pod-workers/object-source.js';

interface ObjectCaches {
  configMaps: Indexer<ConfigMap>;
  secrets: Indexer<Secret>;
  services: Indexer<Service>;
}

/** The objects pods refer to, read from informer caches (the kubelet never asks the apiserver per pod). */
export class InformerObjectSource implements PodObjectSource {
  constructor(private readonly caches: ObjectCaches) {}

  async getConfigMap(namespace: string, name: string): Promise<ConfigMap | undefined> {
    return this.caches.configMaps.get(keyFor(namespace, name));
  }

  async getSecret(namespace: string, name: string): Promise<Secret | undefined> {
    return this.caches.secrets.get(keyFor(namespace, name));
  }

  async listServices(namespace: string): Promise<Service[]> {
    return this.caches.services.listByIndex(NAMESPACE_INDEX, namespace);
  }
}
