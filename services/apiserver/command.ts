import { setFlagsFromString } from 'node:v8';
import { Command, Option } from 'commander';
import { boolFlag, commaList } from '../../lib/flags.js';
import { addMetricsOptions, METRICS_PORTS } from '../../lib/metrics/index.js';
import { createLogger } from '../../lib/log.js';
import { exitWhenStopped, onStopSignal } from '../../lib/stop-signals.js';
import { startApiserver } from './server.js';

const int = (value: string): number => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new Error(`expected a non-negative integer, got "${value}"`);
  return n;
};

export function apiserverCommand(): Command {
  return addMetricsOptions(new Command('apiserver'), METRICS_PORTS.apiserver)
    .description('Run the API server: validates and stores objects in etcd, serves gRPC to every component')
    .requiredOption('--etcd-servers <urls>', 'comma-separated etcd client URLs', commaList)
    .option('--bind-address <ip>', 'address to listen on', '127.0.0.1')
    .option('--secure-port <port>', 'port to serve gRPC with TLS on', int, 6443)
    .option('--rest-port <port>', "port to serve Kubernetes' HTTP API (for kubectl) with TLS on (default: --secure-port + 1)", int)
    .option('--advertise-address <ip>', 'address the kubernetes Service endpoints point at', '127.0.0.1')
    .option('--external-hostname <host:port>', "where clients outside reach the apiserver set (an HA load balancer's VIP); joining nodes find it in cluster-info (default: the advertise address and secure port)")
    .option('--data-dir <dir>', 'directory for generated certificates (pki/)', '/var/lib/kubets/apiserver')
    .option('--tls-cert-file <file>', 'serving certificate (default: generated from the cluster CA)')
    .option('--tls-private-key-file <file>', 'serving key')
    .option('--client-ca-file <file>', 'cluster CA, used to verify kubelets')
    .option('--kubelet-client-certificate <file>', 'client certificate towards kubelets')
    .option('--kubelet-client-key <file>', 'client key towards kubelets')
    .option('--token-auth-file <file>', 'static token file (token,user,uid,"groups")')
    .option('--service-cluster-ip-range <cidr>', 'ClusterIP range', '10.96.0.0/12')
    .option('--service-node-port-range <range>', 'NodePort range', '30000-32767')
    .option('--cert-hosts <hosts>', 'extra names/IPs for the generated serving certificate', commaList, [])
    .option('--event-ttl <seconds>', 'how long events are kept', int, 3600)
    .option('--watch-cache-size <events>', 'events kept per resource for watch resumption', int, 1000)
    .option('--etcd-cafile <file>', "CA of etcd's serving certificate (with https:// --etcd-servers)")
    .option('--etcd-certfile <file>', 'client certificate for etcd (its --client-cert-auth)')
    .option('--etcd-keyfile <file>', 'key of --etcd-certfile')
    .option('--encryption-provider-config <file>', 'EncryptionConfiguration (apiserver.config.k8s.io/v1): resources encrypted at rest in etcd and their keys')
    .option('--service-account-signing-key-file <file>', 'private key (PEM, ECDSA P-256) that signs ServiceAccount tokens (default: pki/sa.key in --data-dir, created when missing)')
    .option('--service-account-key-file <files>', 'further public keys (PEM) that verify ServiceAccount tokens', commaList, [])
    .option('--service-account-issuer <url>', 'the issuer (iss) of ServiceAccount tokens', 'https://kubernetes.default.svc.cluster.local')
    .option('--api-audiences <audiences>', 'audiences a ServiceAccount token must name (default: the issuer)', commaList, [])
    .option('--disable-admission-plugins <plugins>', 'admission plugins to turn off (ServiceAccount)', commaList, [])
    .option('--cluster-id <id>', "the cluster's identity: written to etcd by the first apiserver, and every apiserver refuses an etcd holding another")
    .option('--admission-control-config-file <file>', 'AdmissionConfiguration with the PodSecurity plugin\'s defaults and exemptions (default: enforce baseline, kube-system exempt)')
    .option('--audit-policy-file <file>', 'audit Policy (audit.k8s.io/v1) saying which requests are audited at which level')
    .option('--audit-log-path <file>', 'append audit events to this file as JSON lines (needs --audit-policy-file)')
    .option('--audit-log-maxsize <megabytes>', 'rotate the audit log when it reaches this size (0: never)', int, 0)
    .option('--audit-log-maxbackup <files>', 'rotated audit logs to keep (0: all)', int, 0)
    .addOption(new Option('--insecure', 'serve plaintext gRPC (tests only)').hideHelp())
    .addOption(boolFlag('--request-metrics', 'count and time every request (apiserver_request_total, apiserver_request_duration_seconds); false only to measure their cost', true))
    .action(async (o) => {
      // Collect when the heap has grown by half: the watch cache holds every object, and V8's
      // adaptive default let garbage from bursts of writes triple the resident size
      // (bench/README.md, apiserver RSS; the young generation is sized by APISERVER_NODE_FLAGS).
      setFlagsFromString('--heap-growing-percent=50');
      const log = createLogger('apiserver');
      const server = await startApiserver(
        {
          etcdServers: o.etcdServers,
          bindAddress: o.bindAddress,
          securePort: o.securePort,
          restPort: o.restPort,
          advertiseAddress: o.advertiseAddress,
          externalHostname: o.externalHostname,
          dataDir: o.dataDir,
          tlsCertFile: o.tlsCertFile,
          tlsKeyFile: o.tlsPrivateKeyFile,
          clientCAFile: o.clientCaFile,
          kubeletClientCertFile: o.kubeletClientCertificate,
          kubeletClientKeyFile: o.kubeletClientKey,
          tokenAuthFile: o.tokenAuthFile,
          serviceClusterIpRange: o.serviceClusterIpRange,
          serviceNodePortRange: o.serviceNodePortRange,
          certHosts: o.certHosts,
          eventTtlSeconds: o.eventTtl,
          watchCacheSize: o.watchCacheSize,
          insecure: Boolean(o.insecure),
          clusterId: o.clusterId,
          etcdCAFile: o.etcdCafile,
          etcdCertFile: o.etcdCertfile,
          etcdKeyFile: o.etcdKeyfile,
          encryptionProviderConfig: o.encryptionProviderConfig,
          requestMetrics: o.requestMetrics,
          metricsPort: o.metricsPort === 0 ? undefined : o.metricsPort,
          metricsBindAddress: o.metricsBindAddress,
          serviceAccountSigningKeyFile: o.serviceAccountSigningKeyFile,
          serviceAccountKeyFiles: o.serviceAccountKeyFile,
          serviceAccountIssuer: o.serviceAccountIssuer,
          apiAudiences: o.apiAudiences,
          disableAdmissionPlugins: o.disableAdmissionPlugins,
          admissionControlConfigFile: o.admissionControlConfigFile,
          auditPolicyFile: o.auditPolicyFile,
          auditLogPath: o.auditLogPath,
          auditLogMaxSize: o.auditLogMaxsize,
          auditLogMaxBackup: o.auditLogMaxbackup,
        },
        log,
      );
      onStopSignal((signal) => {
        log.info({ signal }, 'shutting down');
        exitWhenStopped(server.stop());
      });
    });
}
