import { join } from 'node:path';

/** Everything the apiserver needs, fully defaulted once at start (no process.env reads deeper down). */
export interface ApiserverConfig {
  etcdServers: string[];
  bindAddress: string;
  securePort: number;
  /**
   * Port of the HTTP API (Kubernetes' REST API, for kubectl and its client libraries), beside gRPC
   * on securePort. Default securePort + 1 (a free port when securePort is 0).
   */
  restPort?: number;
  /** Holds generated certificates (pki/) when no explicit TLS files are given. */
  dataDir: string;
  tlsCertFile?: string;
  tlsKeyFile?: string;
  clientCAFile?: string;
  kubeletClientCertFile?: string;
  kubeletClientKeyFile?: string;
  /** Token file (Kubernetes' static token CSV). Without one, every request is refused. */
  tokenAuthFile?: string;
  serviceClusterIpRange: string;
  serviceNodePortRange: string;
  /** Extra names and IPs for the serving certificate. */
  certHosts: string[];
  eventTtlSeconds: number;
  compactionIntervalMs: number;
  /**
   * A gRPC connection with no call open for this long is closed (a GOAWAY; clients reconnect at
   * their next call), so idle connections do not hold the server's memory. A connection that never
   * completes its TLS handshake is closed by Node's TLS handshake timeout (120 s).
   */
  grpcIdleConnectionMs: number;
  watchCacheSize: number;
  /** Plaintext gRPC, for tests of the TLS requirement only. */
  insecure: boolean;
  advertiseAddress: string;
  /**
   * host:port where clients outside reach the apiserver set (the HA load balancer's VIP), as
   * kubeadm's controlPlaneEndpoint: cluster-info tells joining nodes this address rather than the
   * advertise address of whichever apiserver wrote it last.
   */
  externalHostname?: string;
  /** etcd's CA and the client certificate for it (Kubernetes' --etcd-cafile, --etcd-certfile, --etcd-keyfile). */
  etcdCAFile?: string;
  etcdCertFile?: string;
  etcdKeyFile?: string;
  /** An EncryptionConfiguration file: which resources are encrypted at rest, and with which keys. */
  encryptionProviderConfig?: string;
  /**
   * Request counts and latencies (apiserver_request_total, apiserver_request_duration_seconds,
   * apiserver_longrunning_requests); on unless turned off to measure what they cost.
   */
  requestMetrics: boolean;
  /**
   * A plain-HTTP /metrics port besides the authorized /metrics of the HTTP API; absent: none.
   * 0 picks a free port (tests).
   */
  metricsPort?: number;
  metricsBindAddress: string;
  /** Private key (PEM, ECDSA P-256) that signs ServiceAccount tokens; default pki/sa.key, created when missing. */
  serviceAccountSigningKeyFile?: string;
  /** Public keys (PEM) that verify ServiceAccount tokens besides the signing key's own (a rotated-out key). */
  serviceAccountKeyFiles: string[];
  /** The `iss` of ServiceAccount tokens. */
  serviceAccountIssuer: string;
  /** Audiences a token must name to authenticate here; default: the issuer. */
  apiAudiences: string[];
  /**
   * Admission plugins turned off (--disable-admission-plugins); only ServiceAccount can be, as
   * Kubernetes' own integration tests run apiservers without the controller that creates accounts.
   */
  disableAdmissionPlugins: string[];
  /** The cluster this apiserver's etcd must belong to (written there by the first apiserver); unchecked when absent. */
  clusterId?: string;
  /** Kubernetes' AdmissionConfiguration (or a bare PodSecurityConfiguration): Pod Security defaults and exemptions. */
  admissionControlConfigFile?: string;
  /** Kubernetes' audit Policy (audit.k8s.io/v1); with auditLogPath, every request is audited as it says. */
  auditPolicyFile?: string;
  /** Where audit events are appended as JSON lines. */
  auditLogPath?: string;
  /** Megabytes before the audit log is rotated; 0: never. */
  auditLogMaxSize: number;
  /** Rotated audit logs kept; 0: all. */
  auditLogMaxBackup: number;
}

/** kube-apiserver's usual issuer: the in-cluster name of the apiserver. */
export const DEFAULT_SERVICE_ACCOUNT_ISSUER = 'https://kubernetes.default.svc.cluster.local';

export type ApiserverOptions = Partial<ApiserverConfig> & { etcdServers: string[] };

export const DISABLEABLE_ADMISSION_PLUGINS = ['ServiceAccount'];

export function compileOptions(opts: ApiserverOptions): ApiserverConfig {
  const unknown = (opts.disableAdmissionPlugins ?? []).filter((p) => !DISABLEABLE_ADMISSION_PLUGINS.includes(p));
  if (unknown.length > 0) throw new Error(`--disable-admission-plugins: ${unknown.join(', ')}: only ${DISABLEABLE_ADMISSION_PLUGINS.join(', ')} can be disabled`);
  const dataDir = opts.dataDir ?? '/var/lib/kubets/apiserver';
  return {
    bindAddress: '127.0.0.1',
    securePort: 6443,
    serviceClusterIpRange: '10.96.0.0/12',
    serviceNodePortRange: '30000-32767',
    certHosts: [],
    eventTtlSeconds: 3600,
    compactionIntervalMs: 5 * 60_000,
    grpcIdleConnectionMs: 5 * 60_000,
    watchCacheSize: 1000,
    insecure: false,
    advertiseAddress: '127.0.0.1',
    requestMetrics: true,
    metricsBindAddress: '127.0.0.1',
    serviceAccountKeyFiles: [],
    disableAdmissionPlugins: [],
    serviceAccountIssuer: DEFAULT_SERVICE_ACCOUNT_ISSUER,
    auditLogMaxSize: 0,
    auditLogMaxBackup: 0,
    ...Object.fromEntries(Object.entries(opts).filter(([, v]) => v !== undefined)),
    dataDir,
    etcdServers: opts.etcdServers,
    apiAudiences: opts.apiAudiences?.length ? opts.apiAudiences : [opts.serviceAccountIssuer ?? DEFAULT_SERVICE_ACCOUNT_ISSUER],
  } as ApiserverConfig;
}

export function pkiDir(config: ApiserverConfig): string {
  return join(config.dataDir, 'pki');
}
