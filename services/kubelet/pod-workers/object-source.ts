import type { ConfigMap, PersistentVolume, PersistentVolumeClaim, Secret, Service } from '../../../lib/api/generated/index.js';

/**
 * Where the kubelet looks up the objects a pod refers to. The kubelet wiring backs this with
 * informer caches; tests and static pods use InMemoryObjectSource. `undefined` means not found;
 * any other failure throws.
 */
export interface PodObjectSource {
  getConfigMap(namespace: string, name: string): Promise<ConfigMap | undefined>;
  getSecret(namespace: string, name: string): Promise<Secret | undefined>;
  /** Services of one namespace, for the service environment variables. */
  listServices(namespace: string): Promise<Service[]>;
  getPersistentVolumeClaim(namespace: string, name: string): Promise<PersistentVolumeClaim | undefined>;
  getPersistentVolume(name: string): Promise<PersistentVolume | undefined>;
}

type Named = { metadata?: { namespace?: string; name?: string } | null };

function key(obj: Named): string {
  return `${obj.metadata?.namespace || 'default'}/${obj.metadata?.name ?? ''}`;
}

/** A PodObjectSource held in memory. */
export class InMemoryObjectSource implements PodObjectSource {
  readonly #configMaps = new Map<string, ConfigMap>();
  readonly #secrets = new Map<string, Secret>();
  readonly #services = new Map<string, Service>();
  readonly #claims = new Map<string, PersistentVolumeClaim>();
  readonly #volumes = new Map<string, PersistentVolume>();

  setConfigMap(configMap: ConfigMap): this {
    this.#configMaps.set(key(configMap), configMap);
    return this;
  }

  setSecret(secret: Secret): this {
    this.#secrets.set(key(secret), secret);
    return this;
  }

  setService(service: Service): this {
    this.#services.set(key(service), service);
    return this;
  }

  setPersistentVolumeClaim(claim: PersistentVolumeClaim): this {
    this.#claims.set(key(claim), claim);
    return this;
  }

  setPersistentVolume(pv: PersistentVolume): this {
    this.#volumes.set(pv.metadata?.name ?? '', pv);
    return this;
  }

  deleteConfigMap(namespace: string, name: string): void {
    this.#configMaps.delete(`${namespace}/${name}`);
  }

  deleteSecret(namespace: string, name: string): void {
    this.#secrets.delete(`${namespace}/${name}`);
  }

  deleteService(namespace: string, name: string): void {
    this.#services.delete(`${namespace}/${name}`);
  }

  async getConfigMap(namespace: string, name: string): Promise<ConfigMap | undefined> {
    return this.#configMaps.get(`${namespace}/${name}`);
  }

  async getSecret(namespace: string, name: string): Promise<Secret | undefined> {
    return this.#secrets.get(`${namespace}/${name}`);
  }

  async listServices(namespace: string): Promise<Service[]> {
    return [...this.#services.values()].filter((s) => (s.metadata?.namespace || 'default') === namespace);
  }

  async getPersistentVolumeClaim(namespace: string, name: string): Promise<PersistentVolumeClaim | undefined> {
    return this.#claims.get(`${namespace}/${name}`);
  }

  async getPersistentVolume(name: string): Promise<PersistentVolume | undefined> {
    return this.#volumes.get(name);
  }
}
