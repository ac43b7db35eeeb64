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
  watchCacheSize: number;
  /** Plaintext gRPC, for tests of the TLS requirement only. */
  insecure: boolean;
  advertiseAddress: string;
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

export type ApiserverOptions = Partial<ApiserverConfig> & { etcdServers: string[] };

export function compileOptions(opts: ApiserverOptions): ApiserverConfig {
  const dataDir = opts.dataDir ?? '/var/lib/kubets/apiserver';
  return {
    bindAddress: '127.0.0.1',
    securePort: 6443,
    serviceClusterIpRange: '10.96.0.0/12',
    serviceNodePortRange: '30000-32767',
    certHosts: [],
    eventTtlSeconds: 3600,
    compactionIntervalMs: 5 * 60_000,
    watchCacheSize: 1000,
    insecure: false,
    advertiseAddress: '127.0.0.1',
    auditLogMaxSize: 0,
    auditLogMaxBackup: 0,
    ...Object.fromEntries(Object.entries(opts).filter(([, v]) => v !== undefined)),
    dataDir,
    etcdServers: opts.etcdServers,
  } as ApiserverConfig;
}

export function pkiDir(config: ApiserverConfig): string {
  return join(config.dataDir, 'pki');
}
