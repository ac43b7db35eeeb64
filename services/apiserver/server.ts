import { readFileSync } from 'node:fs';
import * as grpc from '@grpc/grpc-js';
import type { Logger } from 'pino';
import type * as t from '../../lib/api/generated/index.js';
import { packageDefinition } from '../../lib/api/proto.js';
import { LEAN_CHANNEL_OPTIONS, MAX_MESSAGE_BYTES } from '../../lib/grpc-options.js';
import { shutdownGracefully } from '../../lib/grpc-shutdown.js';
import { resourceByName, resources } from '../../lib/api/resources.js';
import { JwtSigner, JwtVerifier } from '../../lib/auth/jwt.js';
import { loadTokenFile } from '../../lib/auth/token-file.js';
import { ensureClusterCerts, ensureServiceAccountKey } from '../../lib/certs/index.js';
import { admissionChain } from './admission/chain.js';
import { LimitRanger } from './admission/limit-ranger.js';
import { liveLookup } from './admission/live-lookup.js';
import { NamespaceLifecycle } from './admission/namespace-lifecycle.js';
import { DefaultTolerationSeconds } from './admission/pod-tolerations.js';
import { DEFAULT_POD_SECURITY_CONFIG, loadPodSecurityConfig, PodSecurityAdmission } from './admission/pod-security.js';
import { PriorityAdmission } from './admission/priority.js';
import { DefaultStorageClassAdmission } from './admission/default-storage-class.js';
import { ResourceQuotaAdmission } from './admission/resource-quota.js';
import { ServiceAccountAdmission } from './admission/service-account.js';
import { ServiceAllocator } from './allocators/service-allocation.js';
import { ClusterRoleAggregator, reconcileBootstrapPolicy, RequestAuthorizer } from './authz/index.js';
import { BearerAuthenticator } from './auth.js';
import { BootstrapTokenVerifier } from './bootstrap-token-auth.js';
import { Auditor, AuditLogWriter, loadAuditPolicy } from './audit/index.js';
import { bootstrapCluster } from './bootstrap.js';
import { ApiserverEndpointReconciler, reachableFromPods } from './endpoint-reconciler.js';
import { claimClusterIdentity } from './cluster-identity.js';
import { rawServiceDefinition } from './grpc-service.js';
import { grpcServerCredentials } from './grpc-tls.js';
import { resourcesHandlers } from './handlers.js';
import { healthHandlers, healthMonitor } from './health.js';
import { KubeletProxy, type KubeletTls } from './kubelet-proxy.js';
import { ResourceMetrics } from './metrics/index.js';
import { startMetricsServer } from '../../lib/metrics/index.js';
import { exposeCacheGauges, requestMetrics } from './metrics.js';
import { apiOperations } from './operations.js';
import { reflectionHandlers } from './reflection/service.js';
import { startRestServer } from './rest/index.js';
import { compileOptions, pkiDir, type ApiserverConfig, type ApiserverOptions } from './options.js';
import { ServiceAccountTokens } from './serviceaccount/tokens.js';
import { Registry } from './registry/registry.js';
import { decodeFromStorage } from './storage/codec.js';
import type { Store } from './storage/store.js';
import { openEtcdStore } from './storage/etcd-store.js';
import { EncryptingStore } from './storage/encryption/encrypting-store.js';
import { loadEncryptionConfig } from './storage/encryption/config.js';
import { listPrefix, objectKey } from './storage/keys.js';
import { startCompactor, WatchCache } from './watch/index.js';

const SHUTDOWN_GRACE_MS = 5_000;
const hostPort = (host: string, port: number): string => (host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`);
const SERVED_SERVICES = ['kubets.v1.Resources', 'grpc.health.v1.Health'] as const;
/** Server reflection under its current name and the older one that many tools still ask for. */
const REFLECTION_SERVICES = ['grpc.reflection.v1.ServerReflection', 'grpc.reflection.v1alpha.ServerReflection'] as const;
const RBAC_RESOURCES = ['roles', 'clusterroles', 'rolebindings', 'clusterrolebindings'];
const POLICY_FRESHNESS_TIMEOUT_MS = 10_000;
/** Revisions kept behind the head at each compaction, so watchers and paged lists can resume. */
const COMPACTION_KEEP_REVISIONS = 10_000;

export interface RunningApiserver {
  /** host:port the server listens on (the port is the real one when 0 was asked for). */
  address: string;
  port: number;
  /** The port of the HTTP API (Kubernetes' REST API, for kubectl); absent when serving plaintext gRPC. */
  restPort?: number;
  /** host:port of the plain /metrics endpoint, when one was asked for. */
  metricsAddress?: string;
  config: ApiserverConfig;
  stop(): Promise<void>;
}

/** The serving certificate and key, and the CA that signs clients' certificates (PEM). */
interface ServingTls {
  cert: Buffer;
  key: Buffer;
  clientCA?: Buffer;
}

async function serverCredentials(config: ApiserverConfig): Promise<{ creds: grpc.ServerCredentials; tls?: ServingTls; kubeletTls?: KubeletTls }> {
  if (config.insecure) return { creds: grpc.ServerCredentials.createInsecure() };
  if (config.tlsCertFile && config.tlsKeyFile) {
    const clientCA = config.clientCAFile ? readFileSync(config.clientCAFile) : undefined;
    const kubeletTls =
      clientCA && config.kubeletClientCertFile && config.kubeletClientKeyFile
        ? { ca: clientCA, clientCert: readFileSync(config.kubeletClientCertFile), clientKey: readFileSync(config.kubeletClientKeyFile) }
        : undefined;
    const tls = { cert: readFileSync(config.tlsCertFile), key: readFileSync(config.tlsKeyFile), clientCA };
    return { creds: grpcServerCredentials(tls), tls, kubeletTls };
  }
  const certs = await ensureClusterCerts(pkiDir(config), { hosts: [config.advertiseAddress, config.bindAddress, ...config.certHosts] });
  const tls = { cert: Buffer.from(certs.apiserver.certPem), key: Buffer.from(certs.apiserver.keyPem), clientCA: Buffer.from(certs.ca.certPem) };
  return {
    creds: grpcServerCredentials(tls),
    tls,
    kubeletTls: { ca: tls.clientCA, clientCert: Buffer.from(certs.apiserverKubeletClient.certPem), clientKey: Buffer.from(certs.apiserverKubeletClient.keyPem) },
  };
}

/** The etcd store, under the encryption layer when a configuration names one (read before connecting: a bad file stops the start). */
function openStore(config: ApiserverConfig): Store {
  const plan = config.encryptionProviderConfig ? loadEncryptionConfig(config.encryptionProviderConfig) : undefined;
  const etcd = openEtcdStore(config.etcdServers, { caFile: config.etcdCAFile, certFile: config.etcdCertFile, keyFile: config.etcdKeyFile });
  return plan ? new EncryptingStore(etcd, plan) : etcd;
}

/** The ServiceAccount token signer and verifier, from the configured keys (pki/sa.key by default, created when missing). */
async function serviceAccountTokens(config: ApiserverConfig, caches: Map<string, WatchCache>): Promise<ServiceAccountTokens> {
  const signingKey = config.serviceAccountSigningKeyFile
    ? { keyPem: readFileSync(config.serviceAccountSigningKeyFile, 'utf8'), publicKeyPem: undefined }
    : await ensureServiceAccountKey(pkiDir(config));
  const signer = new JwtSigner(signingKey.keyPem);
  const publicKeys = [signingKey.publicKeyPem ?? signer.publicKeyPem(), ...config.serviceAccountKeyFiles.map((f) => readFileSync(f, 'utf8'))];
  return new ServiceAccountTokens({
    signer,
    verifier: new JwtVerifier(publicKeys),
    issuer: config.serviceAccountIssuer,
    apiAudiences: config.apiAudiences,
    serviceAccount: (namespace, name) => caches.get('serviceaccounts')!.get(namespace, name) as t.ServiceAccount | undefined,
    pod: (namespace, name) => caches.get('pods')!.get(namespace, name) as t.Pod | undefined,
  });
}

const AUDIT_BUFFERED_EVENTS = 10_000;
/** Kubernetes' LimitRanger keeps a live lookup 30 s, for up to 10,000 namespaces. */
const LIVE_LOOKUP = { ttlMs: 30_000, maxEntries: 10_000 };

/** The audit log when both a policy and a path are given, as kube-apiserver audits only then. */
async function startAuditing(config: ApiserverConfig, log: Logger): Promise<{ auditor: Auditor; writer: AuditLogWriter } | undefined> {
  if (!config.auditLogPath || !config.auditPolicyFile) {
    if (config.auditLogPath || config.auditPolicyFile) log.warn('auditing needs both --audit-policy-file and --audit-log-path: no audit log is written');
    return undefined;
  }
  const policy = await loadAuditPolicy(config.auditPolicyFile);
  const writer = new AuditLogWriter({
    path: config.auditLogPath,
    maxSizeMB: config.auditLogMaxSize,
    maxBackups: config.auditLogMaxBackup,
    maxBufferedEvents: AUDIT_BUFFERED_EVENTS,
    log: log.child({ part: 'audit' }),
  });
  await writer.open();
  return { auditor: new Auditor(policy, writer), writer };
}

/** Starts an apiserver: etcd client, watch caches, admission, bootstrap objects and the gRPC server. */
export async function startApiserver(options: ApiserverOptions, log: Logger): Promise<RunningApiserver> {
  const config = compileOptions(options);
  const store = openStore(config);
  if (config.clusterId) {
    try {
      await claimClusterIdentity(store, config.clusterId);
    } catch (err) {
      await store.close();
      throw err;
    }
  }
  const auditing = await startAuditing(config, log);
  const staticTokens = config.tokenAuthFile ? await loadTokenFile(config.tokenAuthFile) : undefined;
  if (!staticTokens) log.warn('no --token-auth-file given: only ServiceAccount tokens and client certificates authenticate');

  const caches = new Map<string, WatchCache>();
  for (const info of resources.filter((r) => r.stored)) {
    caches.set(
      info.resource,
      new WatchCache({ store, info, windowSize: config.watchCacheSize, startHistoryRevisions: COMPACTION_KEEP_REVISIONS, log: log.child({ cache: info.resource }) }),
    );
  }
  await Promise.all([...caches.values()].map((c) => c.start()));
  const hideCacheGauges = exposeCacheGauges(caches);
  const requests = config.requestMetrics ? requestMetrics() : undefined;
  let ready = true;

  const namespaces = caches.get('namespaces')!;
  // Admission looks up kinds most clusters hold none of (quotas, limit ranges) on every write: an empty cache answers at once.
  const inNamespace = <T>(resource: string) => {
    const cache = caches.get(resource)!;
    return (namespace: string): T[] => (cache.objectCount === 0 ? [] : (cache.list({ namespace, label: undefined, fields: [] }, {}).items as T[]));
  };
  // As Kubernetes' LimitRanger does: when the cache has none, storage is asked (see live-lookup.ts).
  const inNamespaceOrLive = <T>(resource: string) => {
    const info = resourceByName(resource)!;
    const live = liveLookup(async (namespace) => (await store.list(listPrefix(info, namespace))).items.map((kv) => decodeFromStorage(info, kv) as T), LIVE_LOOKUP);
    return async (namespace: string): Promise<T[]> => {
      const cached = inNamespace<T>(resource)(namespace);
      return cached.length > 0 ? cached : live(namespace);
    };
  };
  const tokens = await serviceAccountTokens(config, caches);
  const bootstrapTokens = new BootstrapTokenVerifier((namespace, name) => caches.get('secrets')!.get(namespace, name) as t.Secret | undefined);
  const authenticator = new BearerAuthenticator(staticTokens, [tokens, bootstrapTokens]);
  const namespaceOf = async (name: string): Promise<t.Namespace | undefined> => {
    const cached = namespaces.get('', name) as t.Namespace | undefined;
    if (cached) return cached;
    const stored = await store.get(`/registry/namespaces/${name}`);
    return stored ? (decodeFromStorage(resourceByName('namespaces')!, stored) as t.Namespace) : undefined;
  };
  const podSecurityConfig = config.admissionControlConfigFile ? await loadPodSecurityConfig(config.admissionControlConfigFile) : DEFAULT_POD_SECURITY_CONFIG;
  const hooks = admissionChain({
    namespaceLifecycle: new NamespaceLifecycle(namespaceOf),
    kinds: {
      limitRanger: new LimitRanger(inNamespaceOrLive<t.LimitRange>('limitranges')),
      priority: new PriorityAdmission(async () => inNamespace<t.PriorityClass>('priorityclasses')('')),
      defaultTolerationSeconds: new DefaultTolerationSeconds(),
      serviceAllocation: new ServiceAllocator(store, config.serviceClusterIpRange, config.serviceNodePortRange),
      defaultStorageClass: new DefaultStorageClassAdmission(async () => inNamespace<t.StorageClass>('storageclasses')('')),
      serviceAccount: config.disableAdmissionPlugins.includes('ServiceAccount')
        ? {}
        : new ServiceAccountAdmission(async (namespace, name) => {
            const info = resourceByName('serviceaccounts')!;
            const cached = caches.get(info.resource)!.get(namespace, name);
            if (cached) return cached as t.ServiceAccount;
            const kv = await store.get(objectKey(info, namespace, name));
            return kv ? (decodeFromStorage(info, kv) as t.ServiceAccount) : undefined;
          }),
    },
    resourceQuota: new ResourceQuotaAdmission(store, inNamespace<t.ResourceQuota>('resourcequotas')),
    podSecurity: new PodSecurityAdmission(podSecurityConfig, namespaceOf, inNamespace<t.Pod>('pods')),
  });
  const registry = new Registry(store, hooks, log.child({ part: 'registry' }));
  registry.eventLeases.ttlSeconds = config.eventTtlSeconds;
  const authorizer = new RequestAuthorizer({ caches, log: log.child({ part: 'authorizer' }) });
  authorizer.start();
  const aggregator = new ClusterRoleAggregator({ registry, clusterRoles: caches.get('clusterroles')!, log: log.child({ part: 'clusterrole-aggregation' }) });
  aggregator.start();
  // Before the port opens, and in the caches the authorizer reads: a component that can connect finds its role in place.
  await reconcileBootstrapPolicy(registry, log.child({ part: 'bootstrap-policy' }));
  const policyRevision = await store.currentRevision();
  await Promise.all(RBAC_RESOURCES.map((r) => caches.get(r)!.waitUntilFresh(policyRevision, POLICY_FRESHNESS_TIMEOUT_MS)));

  const { creds, tls, kubeletTls } = await serverCredentials(config);
  const kubelets = new KubeletProxy(registry, kubeletTls, log.child({ part: 'kubelet-proxy' }));
  const metrics = new ResourceMetrics({ pods: caches.get('pods')!, nodes: caches.get('nodes')!, summaries: (node) => kubelets.summary(node), log });
  const server = new grpc.Server({ 'grpc.max_receive_message_length': MAX_MESSAGE_BYTES, 'grpc.max_connection_idle_ms': config.grpcIdleConnectionMs, ...LEAN_CHANNEL_OPTIONS });
  server.addService(rawServiceDefinition('kubets.v1.Resources'), resourcesHandlers({ registry, store, caches, metrics, tokens, authenticator, authorizer, kubelets, log, requestMetrics: requests, audit: auditing?.auditor }));
  const healthChecks = healthMonitor(store, () => ready);
  const health = healthChecks.probe;
  server.addService(packageDefinition['grpc.health.v1.Health'] as grpc.ServiceDefinition, healthHandlers(health));
  const reflected = [...SERVED_SERVICES, ...REFLECTION_SERVICES];
  for (const name of REFLECTION_SERVICES) server.addService(packageDefinition[name], reflectionHandlers(authenticator, reflected));
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync(`${config.bindAddress}:${config.securePort}`, creds, (err, p) => (err ? reject(err) : resolve(p))),
  );
  const rest = tls
    ? await startRestServer({
        ops: apiOperations({ registry, store, caches, metrics, tokens }),
        tokens,
        authenticator,
        authorizer,
        health,
        audit: auditing?.auditor,
        logs: (req, out, signal) => kubelets.logs(req, out, signal),
        streams: (method, first) => kubelets.open(method, first) as never,
        portForward: (start) => kubelets.open('PortForward', { start }) as never,
        ...tls,
        bindAddress: config.bindAddress,
        port: config.restPort ?? (config.securePort === 0 ? 0 : config.securePort + 1),
        log: log.child({ part: 'rest' }),
        requestMetrics: requests,
      })
    : undefined;
  const metricsServer =
    config.metricsPort === undefined ? undefined : await startMetricsServer({ bindAddress: config.metricsBindAddress, port: config.metricsPort, log: log.child({ part: 'metrics' }) });
  // The kubernetes Service points at the real HTTPS API port, known only once bound (tests ask for port 0).
  // Joining nodes find the CA (checked against the hash they were given) and this apiserver's gRPC address there.
  const clusterInfo = tls?.clientCA ? { caPem: tls.clientCA.toString('utf8'), server: `https://${config.externalHostname ?? hostPort(config.advertiseAddress, port)}` } : undefined;
  const httpsPort = rest?.port ?? port;
  await bootstrapCluster(registry, { serviceCidr: config.serviceClusterIpRange, httpsPort, log, clusterInfo });
  const endpointReconciler = reachableFromPods(config.advertiseAddress)
    ? new ApiserverEndpointReconciler(registry, { advertiseAddress: config.advertiseAddress, port: httpsPort, log: log.child({ part: 'endpoint-reconciler' }) })
    : undefined;
  if (endpointReconciler) await endpointReconciler.start();
  else log.warn({ advertiseAddress: config.advertiseAddress }, 'advertise address is loopback or unspecified: the kubernetes Service gets no endpoints (pods could not reach it); pass --advertise-address');
  const compactor = startCompactor({ store, intervalMs: config.compactionIntervalMs, keepRevisions: COMPACTION_KEEP_REVISIONS, log: log.child({ part: 'compactor' }) });
  const address = `${config.bindAddress}:${port}`;
  log.info({ address, restPort: rest?.port, metrics: metricsServer?.address, tls: !config.insecure, etcd: config.etcdServers }, 'apiserver serving');

  return {
    address,
    port,
    restPort: rest?.port,
    metricsAddress: metricsServer?.address,
    config: { ...config, securePort: port, restPort: rest?.port },
    async stop() {
      ready = false;
      await endpointReconciler?.stop().catch((err: unknown) => log.warn({ err }, 'could not take this apiserver out of the kubernetes endpoints'));
      healthChecks.stop();
      compactor.stop();
      await Promise.all([aggregator.stop(), authorizer.stop()]);
      // Ending the caches ends every watch stream, so the graceful shutdown only waits for unary calls.
      await Promise.all([...caches.values()].map((c) => c.stop()));
      await rest?.close();
      await metricsServer?.close();
      hideCacheGauges();
      await shutdownGracefully(server, SHUTDOWN_GRACE_MS);
      kubelets.close();
      await auditing?.writer.close();
      await store.close();
    },
  };
}
