import type { Pod } from '../../../lib/api/generated/index.js';

export interface ClusterDNSConfig {
  /** Nameservers every pod gets (the cluster DNS on the Docker bridge gateway). */
  clusterDNS: string[];
  /** `cluster.local` unless configured. */
  clusterDomain: string;
}

export interface PodDNS {
  servers: string[];
  searches: string[];
  options: string[];
}

const MAX_HOSTNAME_LENGTH = 63;

/**
 * The resolver a pod's containers see. Unlike Kubernetes' `Default` policy, no pod ever inherits the
 * host's resolver (README, network safety: DNS): `Default` is treated like `ClusterFirst`, and `None`
 * without nameservers still gets the cluster DNS.
 */
export function podDNS(pod: Pod, config: ClusterDNSConfig): PodDNS {
  const namespace = pod.metadata?.namespace || 'default';
  const domain = config.clusterDomain;
  const extra = pod.spec?.dnsConfig;
  const extraOptions = (extra?.options ?? []).filter((o) => o.name);
  if (pod.spec?.dnsPolicy === 'None') {
    const servers = extra?.nameservers?.length ? extra.nameservers : config.clusterDNS;
    return { servers: unique(servers), searches: unique(extra?.searches ?? []), options: extraOptions.map(formatOption) };
  }
  const options = new Map<string, string>([['ndots', 'ndots:5']]);
  for (const option of extraOptions) options.set(option.name as string, formatOption(option));
  return {
    servers: unique([...config.clusterDNS, ...(extra?.nameservers ?? [])]),
    searches: unique([`${namespace}.svc.${domain}`, `svc.${domain}`, domain, ...(extra?.searches ?? [])]),
    options: [...options.values()],
  };
}

/** The resolv.conf a pod's containers read, as the kubelet writes it (Kubernetes' format). */
export function resolvConf(dns: PodDNS): string {
  return [
    ...dns.servers.map((s) => `nameserver ${s}`),
    ...(dns.searches.length > 0 ? [`search ${dns.searches.join(' ')}`] : []),
    ...(dns.options.length > 0 ? [`options ${dns.options.join(' ')}`] : []),
  ].join('\n') + '\n';
}

function formatOption(option: { name?: string; value?: string }): string {
  return option.value !== undefined && option.value !== '' ? `${option.name}:${option.value}` : (option.name as string);
}

function unique(values: string[]): string[] {
  return [...new Set(values.filter((v) => v !== ''))];
}

/** `spec.hostname` or the pod name, cut to a DNS label as Kubernetes does. */
export function podHostname(pod: Pod): string {
  const name = pod.spec?.hostname || pod.metadata?.name || '';
  if (name.length <= MAX_HOSTNAME_LENGTH) return name;
  return name.slice(0, MAX_HOSTNAME_LENGTH).replace(/[-.]+$/, '');
}

/** `<subdomain>.<namespace>.svc.<domain>` when the pod has a subdomain, else undefined. */
export function podDomainname(pod: Pod, clusterDomain: string): string | undefined {
  const subdomain = pod.spec?.subdomain;
  if (!subdomain) return undefined;
  return `${subdomain}.${pod.metadata?.namespace || 'default'}.svc.${clusterDomain}`;
}
