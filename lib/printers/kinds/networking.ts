import type { Ingress, IngressClass, IngressRule, NetworkPolicy } from '../../api/generated/index.js';
import { age } from '../duration.js';
import { formatLabelSelector } from '../labels.js';
import type { KindPrinter, RowContext } from './types.js';

const SHOWN_HOSTS = 3;

/** kubectl's formatHosts: the first three rule hosts, `+ N more...` counting rules; `*` for none. */
function formatHosts(rules: readonly IngressRule[]): string {
  const hosts = rules.slice(0, SHOWN_HOSTS).flatMap((rule) => (rule.host ? [rule.host] : []));
  if (hosts.length === 0) return '*';
  const shown = hosts.join(',');
  return rules.length > SHOWN_HOSTS ? `${shown} + ${rules.length - SHOWN_HOSTS} more...` : shown;
}

function formatAddresses(ingress: Ingress): string {
  return (ingress.status?.loadBalancer?.ingress ?? []).flatMap((entry) => [entry.ip, entry.hostname].filter((a): a is string => !!a)).join(',');
}

export const ingressPrinter: KindPrinter<Ingress> = {
  columns: [{ name: 'Name' }, { name: 'Class' }, { name: 'Hosts' }, { name: 'Address' }, { name: 'Ports' }, { name: 'Age' }],
  cells(ingress: Ingress, { now }: RowContext): string[] {
    return [
      ingress.metadata?.name ?? '',
      ingress.spec?.ingressClassName ?? '<none>',
      formatHosts(ingress.spec?.rules ?? []),
      formatAddresses(ingress),
      (ingress.spec?.tls ?? []).length > 0 ? '80, 443' : '80',
      age(ingress.metadata?.creationTimestamp, now),
    ];
  },
};

/** PARAMETERS as kubectl shows it: `Kind.apiGroup/name`, or `<none>`. */
function formatParameters(ingressClass: IngressClass): string {
  const parameters = ingressClass.spec?.parameters;
  if (!parameters) return '<none>';
  const kind = parameters.apiGroup !== undefined ? `${parameters.kind ?? ''}.${parameters.apiGroup}` : (parameters.kind ?? '');
  return `${kind}/${parameters.name ?? ''}`;
}

export const ingressClassPrinter: KindPrinter<IngressClass> = {
  columns: [{ name: 'Name' }, { name: 'Controller' }, { name: 'Parameters' }, { name: 'Age' }],
  cells(ingressClass: IngressClass, { now }: RowContext): string[] {
    return [
      ingressClass.metadata?.name ?? '',
      ingressClass.spec?.controller ?? '',
      formatParameters(ingressClass),
      age(ingressClass.metadata?.creationTimestamp, now),
    ];
  },
};

export const networkPolicyPrinter: KindPrinter<NetworkPolicy> = {
  columns: [{ name: 'Name' }, { name: 'Pod-Selector' }, { name: 'Age' }],
  cells(policy: NetworkPolicy, { now }: RowContext): string[] {
    return [policy.metadata?.name ?? '', formatLabelSelector(policy.spec?.podSelector), age(policy.metadata?.creationTimestamp, now)];
  },
};
