import { readFileSync } from 'node:fs';
import * as grpc from '@grpc/grpc-js';
import type { Logger } from 'pino';
import type * as t from '../../lib/api/generated/index.js';
import { packageDefinition } from '../../lib/api/proto.js';
import { LEAN_CHANNEL_OPTIONS, MAX_MESSAGE_BYTES } from '../../lib/grpc-options.js';
import { shutdownGracefully } from '../../lib/grpc-shutdown.js';
import { resourceByName, resources } from '../../lib/api/resources.js';
import { loadTokenFile, type TokenAuthenticator } from '../../lib/auth/token-file.js';
import { ensureClusterCerts } from '../../lib/certs/index.js';
import { admissionChain } from './admission/chain.js';
import { LimitRanger } from './admission/limit-ranger.js';
import { NamespaceLifecycle } from './admission/namespace-lifecycle.js';
import { DefaultTolerationSeconds } from './admission/pod-tolerations.js';
import { PriorityAdmission } from './admission/priority.js';
import { ResourceQuotaAdmission } from './admission/resource-quota.js';
import { ServiceAllocator } from './allocators/service-allocation.js';
import { bootstrapCluster } from './bootstrap.js';
import { claimClusterIdentity } from './cluster-identity.js';
import { rawServiceDefinition } from './grpc-service.js';
import { resourcesHandlers } from './handlers.js';
import { healthHandlers } from './health.js';
import { KubeletProxy, type KubeletTls } from './kubelet-proxy.js';
import { reflectionHandlers } from './reflection/service.js';
import { compileOptions, pkiDir, type ApiserverConfig, type ApiserverOptions } from './options.js';
import { Registry } from './registry/registry.js';
import { decodeFromStorage } from './storage/codec.js';
import { openEtcdStore } from './storage/etcd-store.js';
import { listPrefix } from './storage/keys.js';
import { startCompactor, WatchCache } from './watch/index.js';

const SHUTDOWN_GRACE_MS = 5_000;
const SERVED_SERVICES = ['kubets.v1.Resources', 'grpc.health.v1.Health'] as const;
/** Server reflection under its current name and the older one that many tools still ask for. */
const REFLECTION_SERVICES = ['grpc.reflection.v1.ServerReflection', 'grpc.reflection.v1alpha.ServerReflection'] as const;
/** Revisions kept behind the head at each compaction, so watchers and paged lists can resume. */
const COMPACTION_KEEP_REVISIONS = 10_000;

export interface RunningApiserver {
  /** host:port the server listens on (the port is the real one when 0 was asked for). */
  address: string;
  port: number;
  config: ApiserverConfig;
  stop(): Promise<void>;
}

async function serverCredentials(config: ApiserverConfig): Promise<{ creds: grpc.ServerCredentials; kubeletTls?: KubeletTls }> {
  if (config.insecure) return { creds: grpc.ServerCredentials.createInsecure() };
  if (config.tlsCertFile && config.tlsKeyFile) {
    const kubeletTls =
      config.clientCAFile && config.kubeletClientCertFile && config.kubeletClientKeyFile
        ? { ca: readFileSync(config.clientCAFile), clientCert: readFileSync(config.kubeletClientCertFile), clientKey: readFileSync(config.kubeletClientKeyFile) }
        : undefined;
    const creds = grpc.ServerCredentials.createSsl(null, [{ cert_chain: readFileSync(config.tlsCertFile), private_key: readFileSync(config.tlsKeyFile) }], false);
    return { creds, kubeletTls };
  }
  const certs = await ensureClusterCerts(pkiDir(config), { hosts: [config.advertiseAddress, config.bindAddress, ...config.certHosts] });
  const creds = grpc.ServerCredentials.createSsl(null, [{ cert_chain: Buffer.from(certs.apiserver.certPem), private_key: Buffer.from(certs.apiserver.keyPem) }], false);
  return {
    creds,
    kubeletTls: { ca: Buffer.from(certs.ca.certPem), clientCert: Buffer.from(certs.apiserverKubeletClient.certPem), clientKey: Buffer.from(certs.apiserverKubeletClient.keyPem) },
  };
}

/** Starts an apiserver: etcd client, watch caches, admission, bootstrap objects and the gRPC server. */
export async function startApiserver(options: ApiserverOptions, log: Logger): Promise<RunningApiserver> {
  const config = compileOptions(options);
  const store = openEtcdStore(config.etcdServers);
  if (config.clusterId) {
    try {
      await claimClusterIdentity(store, config.clusterId);
    } catch (err) {
      await store.close();
      throw err;
    }
  }
  const authenticator: TokenAuthenticator | undefined = config.tokenAuthFile ? await loadTokenFile(config.tokenAuthFile) : undefined;
  if (!authenticator) log.warn('no --token-auth-file given: every request will be refused as Unauthorized');

  const caches = new Map<string, WatchCache>();
  for (const info of resources) {
    caches.set(
      info.resource,
      new WatchCache({ store, info, windowSize: config.watchCacheSize, startHistoryRevisions: COMPACTION_KEEP_REVISIONS, log: log.child({ cache: info.resource }) }),
    );
  }
  await Promise.all([...caches.values()].map((c) => c.start()));
  let ready = true;

  const namespaces = caches.get('namespaces')!;
  const inNamespace = <T>(resource: string) => (namespace: string): T[] =>
    caches.get(resource)!.list({ namespace, label: undefined, fields: [] }, {}).items as T[];
  // As Kubernetes' LimitRanger does: when the cache has none, one may have just been created (by the
  // previous request, or through another apiserver) and not have reached the cache yet.
  const inNamespaceOrLive = <T>(resource: string) => async (namespace: string): Promise<T[]> => {
    const cached = inNamespace<T>(resource)(namespace);
    if (cached.length > 0) return cached;
    const info = resourceByName(resource)!;
    return (await store.list(listPrefix(info, namespace))).items.map((kv) => decodeFromStorage(info, kv) as T);
  };
  const hooks = admissionChain({
    namespaceLifecycle: new NamespaceLifecycle(async (name) => (namespaces.get('', name) as t.Namespace | undefined) ?? ((await store.get(`/registry/namespaces/${name}`)) ? { metadata: { name } } : undefined)),
    kinds: {
      limitRanger: new LimitRanger(inNamespaceOrLive<t.LimitRange>('limitranges')),
      priority: new PriorityAdmission(async () => inNamespace<t.PriorityClass>('priorityclasses')('')),
      defaultTolerationSeconds: new DefaultTolerationSeconds(),
      serviceAllocation: new ServiceAllocator(store, config.serviceClusterIpRange, config.serviceNodePortRange),
    },
    resourceQuota: new ResourceQuotaAdmission(store, inNamespace<t.ResourceQuota>('resourcequotas')),
  });
  const registry = new Registry(store, hooks, log.child({ part: 'registry' }));
  registry.eventTtlSeconds = config.eventTtlSeconds;


  const { creds, kubeletTls } = await serverCredentials(config);
  const kubelets = new KubeletProxy(registry, kubeletTls, log.child({ part: 'kubelet-proxy' }));
  const server = new grpc.Server({ 'grpc.max_receive_message_length': MAX_MESSAGE_BYTES, ...LEAN_CHANNEL_OPTIONS });
  server.addService(rawServiceDefinition('kubets.v1.Resources'), resourcesHandlers({ registry, store, caches, authenticator, kubelets, log }));
  server.addService(packageDefinition['grpc.health.v1.Health'] as grpc.ServiceDefinition, healthHandlers(store, () => ready));
  const reflected = [...SERVED_SERVICES, ...REFLECTION_SERVICES];
  for (const name of REFLECTION_SERVICES) server.addService(packageDefinition[name], reflectionHandlers(authenticator, reflected));
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync(`${config.bindAddress}:${config.securePort}`, creds, (err, p) => (err ? reject(err) : resolve(p))),
  );
  // The kubernetes Service points at the real port, known only once bound (tests ask for port 0).
  await bootstrapCluster(registry, { serviceCidr: config.serviceClusterIpRange, advertiseAddress: config.advertiseAddress, securePort: port, log });
  const compactor = startCompactor({ store, intervalMs: config.compactionIntervalMs, keepRevisions: COMPACTION_KEEP_REVISIONS, log: log.child({ part: 'compactor' }) });
  const address = `${config.bindAddress}:${port}`;
  log.info({ address, tls: !config.insecure, etcd: config.etcdServers }, 'apiserver serving');

  return {
    address,
    port,
    config: { ...config, securePort: port },
    async stop() {
      ready = false;
      compactor.stop();
      // Ending the caches ends every watch stream, so the graceful shutdown only waits for unary calls.
      await Promise.all([...caches.values()].map((c) => c.stop()));
      await shutdownGracefully(server, SHUTDOWN_GRACE_MS);
      kubelets.close();
      await store.close();
    },
  };
}
