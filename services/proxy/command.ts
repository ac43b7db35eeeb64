import { Command, InvalidArgumentError, Option } from 'commander';
import { ApiClient } from '../../lib/client/client.js';
import { loadClientConfig } from '../../lib/client-config.js';
import { createLogger } from '../../lib/log.js';
import { addMetricsOptions, METRICS_PORTS, serveMetrics, type MetricsFlags } from '../../lib/metrics/index.js';
import { exitWhenStopped, onStopSignal } from '../../lib/stop-signals.js';
import {
  compileNetworkBackend,
  compileProxyOptions,
  DEFAULT_CLUSTER_DNS_BIND,
  DEFAULT_CLUSTER_DOMAIN,
  DEFAULT_LOCK_FILE,
  DEFAULT_POD_BRIDGE,
  DEFAULT_SERVICE_CLUSTER_IP_RANGE,
  normalizeCidr,
} from './options.js';
import { cleanupHost, ProxyServer } from './proxy-server.js';

/** Go-style durations as kube-proxy takes them: `30s`, `1m`, `500ms`. */
const duration = (value: string): number => {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)$/.exec(value.trim());
  if (!m) throw new InvalidArgumentError(`expected a duration such as 30s, 1m or 500ms, got "${value}"`);
  return Math.round(Number(m[1]) * { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[m[2] as 'ms' | 's' | 'm' | 'h']);
};

interface ProxyFlags extends MetricsFlags {
  kubeconfig?: string;
  nodeIp?: string;
  serviceClusterIpRange: string;
  clusterDnsBind: string;
  clusterDomain: string;
  syncPeriod: number;
  minSyncPeriod: number;
  lockFile: string;
  podBridge: string;
  hostnameOverride?: string;
  clusterCidr?: string;
  networkPolicy: boolean;
  networkBackend: string;
  vxlanVni?: number;
  vxlanPort?: number;
  cleanup?: boolean;
}

const integer = (value: string): number => {
  if (!/^\d+$/.test(value.trim())) throw new InvalidArgumentError(`expected a whole number, got "${value}"`);
  return Number(value);
};

export function proxyCommand(): Command {
  return addMetricsOptions(new Command('proxy'), METRICS_PORTS.proxy)
    .description('Run the per-host proxy: Services as iptables rules (ClusterIP, NodePort) and the cluster DNS')
    .option('--kubeconfig <file>', 'client config with the apiserver addresses, CA and token (default: $KUBETS_CONFIG or ~/.kubets/config)')
    .option('--node-ip <ip>', "this host's address: node ports answer there and on 127.0.0.1 (required unless --cleanup)")
    .option('--service-cluster-ip-range <cidr>', 'the ClusterIP range; traffic to an address in it without a rule is rejected', DEFAULT_SERVICE_CLUSTER_IP_RANGE)
    .option('--cluster-dns-bind <addrs>', "comma-separated IPv4:port addresses for the cluster DNS ('' for none)", DEFAULT_CLUSTER_DNS_BIND)
    .option('--cluster-domain <domain>', 'the DNS domain of services and pods', DEFAULT_CLUSTER_DOMAIN)
    .option('--pod-bridge <name>', 'the Linux bridge pods sit on; its ports get hairpin mode so a pod reaches itself through its service', DEFAULT_POD_BRIDGE)
    .addOption(new Option('--sync-period <duration>', 'full resync at least this often').argParser(duration).default(30_000, '30s'))
    .addOption(new Option('--min-sync-period <duration>', 'sync at most this often, however fast services change').argParser(duration).default(1_000, '1s'))
    .option('--hostname-override <name>', 'the name of the Node this proxy runs on (default: the host name)')
    .option('--cluster-cidr <cidr>', "the pod IP range: when given, this node also routes to every other node's pod subnet (host-gw) and masquerades only pod traffic leaving it")
    .option('--network-backend <type>', 'how pod traffic reaches the other nodes (with --cluster-cidr): host-gw (routes via their addresses, nodes on one segment) or vxlan (a tunnel between node addresses)', 'host-gw')
    .option('--vxlan-vni <n>', 'the VXLAN network identifier of the pod network (vxlan backend; default 1)', integer)
    .option('--vxlan-port <port>', 'the UDP port of the VXLAN tunnel (vxlan backend; default 8472)', integer)
    .option('--no-network-policy', "do not enforce NetworkPolicies for this node's pods")
    .option('--cleanup', 'remove every iptables rule and chain the proxy adds, then exit')
    .addOption(new Option('--lock-file <file>', 'one proxy per host holds this file').default(DEFAULT_LOCK_FILE).hideHelp())
    .action(async (_local: ProxyFlags, cmd: Command) => {
      // kubectl's global flags sit on the program and take --kubeconfig before we see it.
      const o = cmd.optsWithGlobals<ProxyFlags>();
      const log = createLogger('proxy');
      if (o.cleanup) {
        await cleanupHost({
          serviceClusterIpRange: normalizeCidr(o.serviceClusterIpRange),
          lockFile: o.lockFile,
          log,
          ...(o.clusterCidr && { clusterCidr: normalizeCidr(o.clusterCidr, 'cluster CIDR') }),
          networkBackend: compileNetworkBackend(o),
        });
        log.info('iptables rules removed');
        return;
      }
      if (!o.nodeIp) throw new Error('--node-ip is required (the address node ports answer on besides 127.0.0.1)');
      const options = compileProxyOptions({
        nodeIp: o.nodeIp,
        serviceClusterIpRange: o.serviceClusterIpRange,
        clusterDnsBind: o.clusterDnsBind,
        clusterDomain: o.clusterDomain,
        syncPeriodMs: o.syncPeriod,
        minSyncPeriodMs: o.minSyncPeriod,
        lockFile: o.lockFile,
        podBridge: o.podBridge,
        ...(o.hostnameOverride && { nodeName: o.hostnameOverride }),
        ...(o.clusterCidr && { clusterCidr: o.clusterCidr }),
        networkPolicy: o.networkPolicy,
        networkBackend: o.networkBackend,
        ...(o.vxlanVni !== undefined && { vxlanVni: o.vxlanVni }),
        ...(o.vxlanPort !== undefined && { vxlanPort: o.vxlanPort }),
      });
      const config = await loadClientConfig({ ...(o.kubeconfig ? { path: o.kubeconfig } : {}), env: process.env });
      const client = ApiClient.fromConfig(config, { log });
      const server = new ProxyServer({ client, options, log });
      const controller = new AbortController();
      onStopSignal((signal) => {
        log.info({ signal }, 'shutting down');
        controller.abort();
        exitWhenStopped(server.stop().then(() => client.close()));
      });
      log.info({ servers: config.servers, nodeIp: options.nodeIp }, 'starting proxy');
      await serveMetrics(o, log);
      await server.start(controller.signal);
    });
}
