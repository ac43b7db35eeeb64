import { setMaxListeners } from 'node:events';
import { isIP } from 'node:net';
import { isDeepStrictEqual } from 'node:util';
import type { Logger } from 'pino';
import { SERVICE_NAME_LABEL } from '../../lib/api/endpoint-slices.js';
import type { Ingress, IngressLoadBalancerIngress } from '../../lib/api/generated/index.js';
import { createCertificateAuthority } from '../../lib/certs/index.js';
import type { ApiClient } from '../../lib/client/client.js';
import { keyFor } from '../../lib/client/keys.js';
import { SharedInformerFactory } from '../../lib/informer/index.js';
import { RateLimitingQueue, runWorkers } from '../../lib/workqueue/index.js';
import { configPaths, ensureDirectories, writeCertificates, writeFileAtomically, type ConfigPaths } from './config-files.js';
import { HAProxyProcess } from './haproxy-process.js';
import { ingressesOfOurClasses } from './ingress-class.js';
import type { IngressControllerOptions } from './options.js';
import { renderConfig } from './render-config.js';
import { buildRoutingModel, type ClusterView } from './routing-model.js';

const SERVICE_INDEX = 'service';
/** Everything renders into one file, so the whole controller is one key. */
const SYNC_KEY = 'haproxy';
const DEFAULT_CERTIFICATE_NAME = 'Kubets Ingress Controller Fake Certificate';
// Every informer and its watches listen on the same stop signal.
const SIGNAL_LISTENERS = 50;

/** Compares load-balancer entries by address only, however the wire filled the other fields. */
function sameAddresses(a: readonly IngressLoadBalancerIngress[], b: readonly IngressLoadBalancerIngress[]): boolean {
  const text = (entries: readonly IngressLoadBalancerIngress[]): string[] => entries.map((e) => `${e.ip ?? ''}/${e.hostname ?? ''}`);
  return isDeepStrictEqual(text(a), text(b));
}

/**
 * Level-triggered: any change to an Ingress, IngressClass, Service, EndpointSlice or Secret queues
 * one sync, which renders the whole configuration from the caches, reloads HAProxy only when the
 * files changed, and writes the node's address into the status of every Ingress it serves.
 */
export class IngressController {
  private readonly factory: SharedInformerFactory;
  private readonly informers;
  private readonly queue = new RateLimitingQueue<string>();
  private readonly paths: ConfigPaths;
  private readonly haproxy: HAProxyProcess;
  private readonly log: Logger;
  /** What HAProxy runs now: the config and every certificate file, as written. */
  private applied: string | undefined;

  constructor(
    private readonly client: ApiClient,
    private readonly options: IngressControllerOptions,
    log: Logger,
  ) {
    this.log = log.child({ component: 'ingress-controller' });
    this.factory = new SharedInformerFactory(client, { log: this.log });
    this.informers = {
      ingresses: this.factory.informerFor('ingress'),
      classes: this.factory.informerFor('ingressClass'),
      services: this.factory.informerFor('service'),
      slices: this.factory.informerFor('endpointSlice'),
      secrets: this.factory.informerFor('secret'),
    };
    this.informers.slices.store.addIndexer(SERVICE_INDEX, (slice) => {
      const service = slice.metadata?.labels?.[SERVICE_NAME_LABEL];
      return service ? [keyFor(slice.metadata?.namespace ?? '', service)] : [];
    });
    this.paths = configPaths(options.dataDir);
    this.haproxy = new HAProxyProcess({ binary: options.haproxyBinary, configPath: this.paths.config, masterSocketPath: this.paths.masterSocket, log: this.log.child({ haproxy: true }) });
  }

  /** Runs until the signal aborts, then stops HAProxy. */
  async run(signal: AbortSignal): Promise<void> {
    setMaxListeners(SIGNAL_LISTENERS, signal);
    await this.prepareFiles();
    const enqueue = (): void => this.queue.add(SYNC_KEY);
    for (const informer of Object.values(this.informers)) {
      informer.addEventHandler({ onAdd: enqueue, onUpdate: (old, cur) => old.metadata?.resourceVersion !== cur.metadata?.resourceVersion && enqueue(), onDelete: enqueue });
    }
    this.factory.start(signal);
    const stop = (): void => this.queue.shutDown();
    signal.addEventListener('abort', stop, { once: true });
    const resync = setInterval(enqueue, this.options.resyncMs);
    try {
      if (await this.factory.waitForSync(signal)) await runWorkers(this.queue, 1, () => this.sync(), this.log);
    } finally {
      clearInterval(resync);
      signal.removeEventListener('abort', stop);
      await this.factory.stop();
      await this.haproxy.stop();
    }
  }

  private async prepareFiles(): Promise<void> {
    await ensureDirectories(this.paths);
    const fake = await createCertificateAuthority({ commonName: DEFAULT_CERTIFICATE_NAME });
    await writeFileAtomically(this.paths.defaultCertificate, `${fake.certPem.trimEnd()}\n${fake.keyPem.trimEnd()}\n`);
  }

  private clusterView(): ClusterView {
    const { services, slices, secrets } = this.informers;
    return {
      service: (namespace, name) => services.store.get(keyFor(namespace, name)),
      endpointSlices: (namespace, name) => slices.store.listByIndex(SERVICE_INDEX, keyFor(namespace, name)),
      secret: (namespace, name) => secrets.store.get(keyFor(namespace, name)),
    };
  }

  private async sync(): Promise<void> {
    const all = this.informers.ingresses.store.list();
    const ours = ingressesOfOurClasses(all, this.informers.classes.store.list());
    const model = buildRoutingModel(ours, this.clusterView());
    for (const reason of model.dropped) this.log.warn({ reason }, 'rule left out');
    const config = renderConfig(model, {
      bindAddress: this.options.bindAddress,
      httpPort: this.options.httpPort,
      httpsPort: this.options.httpsPort,
      crtListPath: this.paths.crtList,
      adminSocketPath: this.paths.adminSocket,
    });
    const state = [config, ...model.certificates.map((c) => `${c.name} ${c.hosts.join(' ')}\n${c.pem}`)].join('\n');
    if (state !== this.applied || !this.haproxy.running) {
      await this.apply(config, model.certificates);
      this.applied = state;
    }
    await this.updateStatuses(all, new Set(ours));
  }

  /** Checks the new files with `haproxy -c` before they replace the running ones, then (re)loads. */
  private async apply(config: string, certificates: Parameters<typeof writeCertificates>[1]): Promise<void> {
    await writeCertificates(this.paths, certificates);
    const candidate = `${this.paths.config}.new`;
    await writeFileAtomically(candidate, config);
    await this.haproxy.check(candidate);
    await writeFileAtomically(this.paths.config, config);
    if (this.haproxy.running) await this.haproxy.reload();
    else await this.haproxy.start();
  }

  private loadBalancerStatus(): IngressLoadBalancerIngress[] {
    const address = this.options.statusAddress;
    return [isIP(address) ? { ip: address } : { hostname: address }];
  }

  /**
   * Our Ingresses show the node's address; one that stopped being ours (its class changed) loses
   * the address we wrote, so it does not point at a load balancer that no longer serves it.
   */
  private async updateStatuses(all: readonly Ingress[], ours: ReadonlySet<Ingress>): Promise<void> {
    const address = this.loadBalancerStatus();
    const client = this.client.resource('ingress');
    for (const ingress of all) {
      const current = ingress.status?.loadBalancer?.ingress ?? [];
      const wanted = ours.has(ingress) ? address : sameAddresses(current, address) ? [] : current;
      if (sameAddresses(current, wanted)) continue;
      const updated = structuredClone(ingress);
      updated.status = { ...updated.status, loadBalancer: { ingress: wanted } };
      await client.updateStatus(updated);
      this.log.info({ ingress: keyFor(ingress.metadata?.namespace ?? '', ingress.metadata?.name ?? ''), loadBalancer: wanted }, 'status updated');
    }
  }
}
