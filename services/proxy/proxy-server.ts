import type { Logger } from 'pino';
import type { ApiClient } from '../../lib/client/client.js';
import { keyFor } from '../../lib/client/keys.js';
import { NAMESPACE_INDEX, SharedInformerFactory, type Informer } from '../../lib/informer/index.js';
import { SERVICE_NAME_LABEL } from '../../lib/api/endpoint-slices.js';
import type { EndpointSlice, Endpoints, Namespace, NetworkPolicy, Node, Pod, Service } from '../../lib/api/generated/index.js';
import { ClusterDnsServer, type DnsBind } from './dns/dns-server.js';
import type { ServiceDirectory } from './dns/records.js';
import { ensureHairpin, sysfsBridgePorts, type BridgePorts } from './hairpin.js';
import { acquireHostLock } from './host-lock.js';
import { ensureHostRequirements, procSysctl, type SysctlAccess } from './host-requirements.js';
import { ensureGuard } from './iptables/guard.js';
import { ExecIptables, type IptablesRunner } from './iptables/iptables.js';
import { IptablesProxier } from './iptables/proxier.js';
import { timeSync } from './metrics.js';
import type { ProxyOptions } from './options.js';
import { NetworkPolicyAgent } from './network-policy/network-policy-agent.js';
import { policyRelevantPodState } from './network-policy/policy-model.js';
import { PodNetworkAgent } from './pod-network/pod-network-agent.js';
import { routeBackendFor, type NetworkBackend } from './pod-network/route-backend-for.js';
import { execIp, routeKey, type IpRunner } from './pod-network/routes.js';
import { buildServicePorts } from './service-ports.js';
import { SyncRunner } from './sync-runner.js';

interface ProxyServerDeps {
  client: ApiClient;
  options: ProxyOptions;
  log: Logger;
  runner?: IptablesRunner;
  sysctl?: SysctlAccess;
  bridgePorts?: BridgePorts;
  ip?: IpRunner;
}

/** The slices of one Service, by `namespace/name` (every writer labels its slices so). */
const SLICE_SERVICE_INDEX = 'service';

/** The informers and the rate-limited sync of the network policy agent. */
interface PolicyEnforcement {
  policies: Informer<NetworkPolicy>;
  pods: Informer<Pod>;
  namespaces: Informer<Namespace>;
  runner: SyncRunner;
}

class ProxyStartError extends Error {
  override readonly name = 'ProxyStartError';
}

/**
 * The per-host proxy process: Service and EndpointSlice informers feed a rate-limited,
 * level-triggered iptables sync; the cluster DNS reads Services and Endpoints. Stopping leaves the rules in place (traffic
 * keeps flowing across a restart, as with kube-proxy); `cleanupHost` removes them.
 */
export class ProxyServer {
  private readonly informers: SharedInformerFactory;
  private readonly services: Informer<Service>;
  private readonly endpoints: Informer<Endpoints>;
  private readonly slices: Informer<EndpointSlice>;
  private readonly runner: IptablesRunner;
  private readonly proxier: IptablesProxier;
  private readonly syncRunner: SyncRunner;
  private readonly dns: ClusterDnsServer | undefined;
  private readonly nodes: Informer<Node> | undefined;
  private readonly podNetwork: PodNetworkAgent | undefined;
  private readonly policy: PolicyEnforcement | undefined;
  private readonly log: Logger;
  private releaseLock: (() => void) | undefined;

  constructor(private readonly deps: ProxyServerDeps) {
    const { client, options } = deps;
    this.log = deps.log;
    this.runner = deps.runner ?? new ExecIptables();
    this.informers = new SharedInformerFactory(client, { log: this.log });
    this.services = this.informers.informerFor('service');
    this.endpoints = this.informers.informerFor('endpoints');
    this.slices = this.informers.informerFor('endpointSlice');
    this.slices.store.addIndexer(SLICE_SERVICE_INDEX, (slice) => {
      const service = slice.metadata?.labels?.[SERVICE_NAME_LABEL];
      return service ? [keyFor(slice.metadata?.namespace ?? '', service)] : [];
    });
    this.proxier = new IptablesProxier({
      runner: this.runner,
      serviceCidr: options.serviceClusterIpRange,
      nodePortAddresses: ['127.0.0.1', options.nodeIp],
      log: this.log,
    });
    if (options.clusterCidr) {
      this.nodes = this.informers.informerFor('node');
      const backend = routeBackendFor(options.networkBackend, {
        nodeName: options.nodeName,
        nodeIp: options.nodeIp,
        clusterCidr: options.clusterCidr,
        ip: deps.ip ?? execIp,
        publish: async (annotations) => void (await client.resource('node').patch('', options.nodeName, { metadata: { annotations } })),
        log: this.log,
      });
      this.podNetwork = new PodNetworkAgent({ clusterCidr: options.clusterCidr, backend, iptables: this.runner, log: this.log });
    }
    if (options.networkPolicy) {
      const agent = new NetworkPolicyAgent({ nodeName: options.nodeName, iptables: this.runner, log: this.log, rewriteUnchangedAfterMs: options.syncPeriodMs });
      this.policy = {
        policies: this.informers.informerFor('networkPolicy'),
        pods: this.informers.informerFor('pod'),
        namespaces: this.informers.informerFor('namespace'),
        runner: new SyncRunner(() => this.syncPolicies(agent), { minIntervalMs: options.minSyncPeriodMs, periodMs: options.syncPeriodMs, log: this.log }),
      };
    }
    this.syncRunner = new SyncRunner(() => this.syncRules(), { minIntervalMs: options.minSyncPeriodMs, periodMs: options.syncPeriodMs, log: this.log });
    this.dns =
      options.clusterDnsBinds.length > 0
        ? new ClusterDnsServer({ binds: options.clusterDnsBinds, directory: this.directory(), clusterDomain: options.clusterDomain, log: this.log })
        : undefined;
  }

  /** Where the cluster DNS listens (ports resolved); empty without DNS. */
  get dnsAddresses(): DnsBind[] {
    return this.dns?.addresses ?? [];
  }

  /**
   * Checks the host, installs the service range guard before anything else, waits for the
   * informers, starts the DNS and writes the first full ruleset. Fails with a message naming
   * what is missing.
   */
  async start(signal?: AbortSignal): Promise<void> {
    const { options } = this.deps;
    this.releaseLock = acquireHostLock(options.lockFile);
    try {
      await ensureHostRequirements(this.deps.sysctl ?? procSysctl, this.log);
      await ensureHairpin(options.podBridge, this.deps.bridgePorts ?? sysfsBridgePorts);
      await ensureGuard(this.runner, options.serviceClusterIpRange);
      const request = (): void => this.syncRunner.request();
      for (const informer of [this.services, this.slices] as Informer<Service | EndpointSlice>[]) {
        informer.addEventHandler({ onAdd: request, onUpdate: request, onDelete: request });
      }
      // Nodes change every heartbeat; only their pod subnet and address matter to the routes.
      this.nodes?.addEventHandler({
        onAdd: request,
        onUpdate: (old, cur) => {
          if (routeKey(old) !== routeKey(cur)) request();
        },
        onDelete: request,
      });
      this.watchPolicyInputs();
      this.informers.start(signal);
      if (!(await this.informers.waitForSync(signal))) throw new ProxyStartError('stopped before the Service, EndpointSlice and Endpoints caches synced');
      await this.dns?.start();
      await Promise.all([this.syncRunner.sync(), this.policy?.runner.sync()]);
      this.log.info({ nodeIp: options.nodeIp, serviceClusterIpRange: options.serviceClusterIpRange, dns: this.dnsAddresses }, 'proxy running');
    } catch (err) {
      await this.stop();
      throw err;
    }
  }

  /** Requests a sync of every ruleset and resolves once syncs that started after this call have been applied. */
  async sync(): Promise<void> {
    await Promise.all([this.syncRunner.sync(), this.policy?.runner.sync()]);
  }

  async stop(): Promise<void> {
    await this.syncRunner.stop();
    await this.policy?.runner.stop();
    await this.informers.stop();
    await this.dns?.stop();
    this.releaseLock?.();
    this.releaseLock = undefined;
  }

  /** One full sync, timed as kube-proxy's syncProxyRules is. */
  private syncRules(): Promise<void> {
    return timeSync(async () => {
      const ports = buildServicePorts(this.services.store.list(), (namespace, name) => this.slices.store.listByIndex(SLICE_SERVICE_INDEX, keyFor(namespace, name)));
      const rules = await this.proxier.sync(ports);
      if (this.nodes) await this.podNetwork?.sync(this.nodes.store.list());
      // New pods join the bridge all the time; one that serves a Service shows up in its EndpointSlices,
      // which triggers this sync, so its port is in hairpin mode by the time traffic is sent to it.
      const changed = await ensureHairpin(this.deps.options.podBridge, this.deps.bridgePorts ?? sysfsBridgePorts);
      if (changed.length > 0) this.log.debug({ bridge: this.deps.options.podBridge, ports: changed }, 'hairpin mode enabled');
      return rules;
    });
  }

  /** Policies and namespaces change rarely; pods all the time, but only their address, labels, node and ports matter here. */
  private watchPolicyInputs(): void {
    if (!this.policy) return;
    const { runner, policies, pods, namespaces } = this.policy;
    const request = (): void => runner.request();
    policies.addEventHandler({ onAdd: request, onUpdate: request, onDelete: request });
    namespaces.addEventHandler({
      onAdd: request,
      onUpdate: (old, cur) => {
        if (JSON.stringify(old.metadata?.labels ?? {}) !== JSON.stringify(cur.metadata?.labels ?? {})) request();
      },
      onDelete: request,
    });
    pods.addEventHandler({
      onAdd: request,
      onUpdate: (old, cur) => {
        if (policyRelevantPodState(old) !== policyRelevantPodState(cur)) request();
      },
      onDelete: request,
    });
  }

  private async syncPolicies(agent: NetworkPolicyAgent): Promise<void> {
    const { policies, pods, namespaces } = this.policy!;
    const started = performance.now();
    const { isolatedPods } = await agent.sync({ policies: policies.store.list(), pods: pods.store.list(), namespaces: namespaces.store.list() });
    this.log.debug({ isolatedPods, ms: Math.round(performance.now() - started) }, 'network policy rules synced');
  }

  private directory(): ServiceDirectory {
    return {
      service: (namespace, name) => this.services.store.get(keyFor(namespace, name)),
      endpoints: (namespace, name) => this.endpoints.store.get(keyFor(namespace, name)),
      hasServicesIn: (namespace) => this.services.store.listByIndex(NAMESPACE_INDEX, namespace).length > 0,
    };
  }
}

/** `kubets proxy --cleanup`: removes every rule and chain the proxy adds, the guard last. */
export async function cleanupHost(opts: {
  serviceClusterIpRange: string;
  lockFile: string;
  log: Logger;
  runner?: IptablesRunner;
  clusterCidr?: string;
  networkBackend?: NetworkBackend;
  ip?: IpRunner;
}): Promise<void> {
  const release = acquireHostLock(opts.lockFile);
  try {
    const runner = opts.runner ?? new ExecIptables();
    await new NetworkPolicyAgent({ nodeName: '', iptables: runner, log: opts.log }).cleanup();
    if (opts.clusterCidr) {
      // Only cleanup runs: no node, address or Node to publish on is needed.
      const host = { nodeName: '', nodeIp: '', clusterCidr: opts.clusterCidr, ip: opts.ip ?? execIp, publish: async () => undefined, log: opts.log };
      const backend = routeBackendFor(opts.networkBackend ?? { type: 'host-gw' }, host);
      await new PodNetworkAgent({ clusterCidr: opts.clusterCidr, backend, iptables: runner, log: opts.log }).cleanup();
    }
    const proxier = new IptablesProxier({
      runner,
      serviceCidr: opts.serviceClusterIpRange,
      nodePortAddresses: [],
      log: opts.log,
    });
    await proxier.cleanup();
  } finally {
    release();
  }
}
