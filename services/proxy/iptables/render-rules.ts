import { servicePortName, type Protocol, type ServicePortInfo } from '../service-ports.js';
import {
  endpointChainName,
  FILTER_EXTERNAL_SERVICES,
  FILTER_FIREWALL,
  FILTER_FORWARD,
  FILTER_SERVICES,
  isPerServiceChain,
  NAT_MARK_MASQ,
  NAT_NODEPORTS,
  NAT_POSTROUTING,
  NAT_SERVICES,
  OWN_FILTER_CHAINS,
  OWN_NAT_CHAINS,
  serviceChainName,
} from './chain-names.js';

/** kube-proxy's default masquerade bit: packets carrying it are SNATed on the way out. */
const MASQUERADE_MARK = '0x4000';

// kube-proxy's affinity window when the Service does not set one (our API has no
// sessionAffinityConfig, so it is always this).
const CLIENT_IP_AFFINITY_SECONDS = 10800;

interface RenderOptions {
  /** Local addresses whose node ports are forwarded: 127.0.0.1 and the node IP. */
  nodePortAddresses: string[];
}

export interface ExistingChains {
  nat: readonly string[];
  filter: readonly string[];
}

function comment(text: string): string {
  return `-m comment --comment "${text}"`;
}

/** `-p tcp` plus the match module iptables needs before `--dport`. */
function protocolMatch(protocol: Protocol): string {
  const p = protocol.toLowerCase();
  return `-p ${p} -m ${p}`;
}

/** 1/n with kube-proxy's ten decimals: the i-th of n endpoints is taken with 1/(n-i) of what is left. */
export function probability(remaining: number): string {
  return (1 / remaining).toFixed(10);
}

interface Table {
  chains: string[];
  rules: string[];
}

function renderNat(ports: readonly ServicePortInfo[], options: RenderOptions): Table {
  const chains: string[] = [...OWN_NAT_CHAINS];
  const rules: string[] = [
    // A 127.0.0.0/8 source leaving through another interface exists only because a loopback
    // node port was DNATed (route_localnet); nobody could answer it without SNAT.
    `-A ${NAT_POSTROUTING} -s 127.0.0.0/8 ! -o lo ${comment('kubernetes loopback node port traffic')} -j MASQUERADE`,
    `-A ${NAT_POSTROUTING} -m mark ! --mark ${MASQUERADE_MARK}/${MASQUERADE_MARK} -j RETURN`,
    // The mark is cleared so that a packet re-entering the stack (e.g. through a tunnel) is not
    // masqueraded twice.
    `-A ${NAT_POSTROUTING} -j MARK --xor-mark ${MASQUERADE_MARK}`,
    `-A ${NAT_POSTROUTING} ${comment('kubernetes service traffic requiring SNAT')} -j MASQUERADE --random-fully`,
    `-A ${NAT_MARK_MASQ} -j MARK --or-mark ${MASQUERADE_MARK}`,
  ];
  const serviceRules: string[] = [];
  const nodePortRules: string[] = [];
  for (const sp of ports) {
    if (sp.endpoints.length === 0) continue;
    const name = servicePortName(sp);
    const svcChain = serviceChainName(sp);
    chains.push(svcChain);
    serviceRules.push(
      `-A ${NAT_SERVICES} -d ${sp.clusterIP}/32 ${comment(`${name} cluster IP`)} ${protocolMatch(sp.protocol)} --dport ${sp.port} -j ${svcChain}`,
    );
    if (sp.nodePort) {
      // Node-port traffic comes from outside the pod network (or from 127.0.0.1, which cannot
      // be routed to a pod at all): masquerade it so replies come back through this host.
      const match = `${protocolMatch(sp.protocol)} --dport ${sp.nodePort}`;
      nodePortRules.push(`-A ${NAT_NODEPORTS} ${comment(name)} ${match} -j ${NAT_MARK_MASQ}`);
      nodePortRules.push(`-A ${NAT_NODEPORTS} ${comment(name)} ${match} -j ${svcChain}`);
    }
    const epChains = sp.endpoints.map((ep) => endpointChainName(sp, ep));
    if (sp.clientIPAffinity) {
      sp.endpoints.forEach((ep, i) => {
        rules.push(
          `-A ${svcChain} ${comment(`${name} -> ${ep.ip}:${ep.port}`)} -m recent --name ${epChains[i]} --rcheck --seconds ${CLIENT_IP_AFFINITY_SECONDS} --reap -j ${epChains[i]}`,
        );
      });
    }
    sp.endpoints.forEach((ep, i) => {
      const remaining = sp.endpoints.length - i;
      const pick = remaining > 1 ? ` -m statistic --mode random --probability ${probability(remaining)}` : '';
      rules.push(`-A ${svcChain} ${comment(`${name} -> ${ep.ip}:${ep.port}`)}${pick} -j ${epChains[i]}`);
    });
    sp.endpoints.forEach((ep, i) => {
      const epChain = epChains[i]!;
      chains.push(epChain);
      // Hairpin: a pod reaching itself through its service must see the reply come from the
      // host, not from its own address, or it would drop it.
      rules.push(`-A ${epChain} -s ${ep.ip}/32 ${comment(name)} -j ${NAT_MARK_MASQ}`);
      const affinity = sp.clientIPAffinity ? ` -m recent --name ${epChain} --set` : '';
      rules.push(`-A ${epChain} ${comment(name)}${affinity} ${protocolMatch(sp.protocol)} -j DNAT --to-destination ${ep.ip}:${ep.port}`);
    });
  }
  for (const address of unique(options.nodePortAddresses)) {
    serviceRules.push(
      `-A ${NAT_SERVICES} -d ${address}/32 ${comment('kubernetes service nodeports; NOTE: this must be the last rule in this chain')} -j ${NAT_NODEPORTS}`,
    );
  }
  return { chains, rules: [...rules, ...serviceRules, ...nodePortRules] };
}

function renderFilter(ports: readonly ServicePortInfo[], options: RenderOptions): Table {
  const rules: string[] = [];
  for (const sp of ports) {
    if (sp.endpoints.length > 0) continue;
    const name = servicePortName(sp);
    const reject = '-j REJECT --reject-with icmp-port-unreachable';
    rules.push(`-A ${FILTER_SERVICES} -d ${sp.clusterIP}/32 ${comment(`${name} has no endpoints`)} ${protocolMatch(sp.protocol)} --dport ${sp.port} ${reject}`);
    if (sp.nodePort) {
      for (const address of unique(options.nodePortAddresses)) {
        rules.push(
          `-A ${FILTER_EXTERNAL_SERVICES} -d ${address}/32 ${comment(`${name} has no endpoints`)} ${protocolMatch(sp.protocol)} --dport ${sp.nodePort} ${reject}`,
        );
      }
    }
  }
  // Docker's FORWARD policy is DROP: let through what our DNAT rules sent (marked for
  // masquerade) and its replies.
  rules.push(`-A ${FILTER_FORWARD} ${comment('kubernetes forwarding rules')} -m mark --mark ${MASQUERADE_MARK}/${MASQUERADE_MARK} -j ACCEPT`);
  rules.push(`-A ${FILTER_FORWARD} ${comment('kubernetes forwarding conntrack rule')} -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT`);
  // route_localnet=1 (for node ports on 127.0.0.1) also lets a packet from another host addressed
  // to 127.0.0.0/8 reach local services bound to loopback (CVE-2020-8558): drop such packets
  // unless they belong to a connection we DNATed, as kube-proxy does.
  rules.push(
    `-A ${FILTER_FIREWALL} ! -s 127.0.0.0/8 -d 127.0.0.0/8 ${comment('block incoming localnet connections')} -m conntrack ! --ctstate RELATED,ESTABLISHED,DNAT -j DROP`,
  );
  return { chains: [...OWN_FILTER_CHAINS], rules };
}

/**
 * One table's section of iptables-restore input. Every chain we own is declared (which flushes
 * it under --noflush) and rewritten whole; chains we own that are no longer wanted are declared
 * and deleted in the same transaction, after nothing jumps to them any more.
 */
function section(table: 'nat' | 'filter', wanted: Table, existing: readonly string[]): string {
  const wantedSet = new Set(wanted.chains);
  const stale = existing.filter((c) => isPerServiceChain(c) && !wantedSet.has(c)).sort();
  const lines = [`*${table}`];
  for (const chain of [...wanted.chains, ...stale]) lines.push(`:${chain} - [0:0]`);
  lines.push(...wanted.rules);
  for (const chain of stale) lines.push(`-X ${chain}`);
  lines.push('COMMIT');
  return lines.join('\n');
}

/** The whole ruleset, as iptables-restore --noflush input for the filter and nat tables. */
export function renderRules(ports: readonly ServicePortInfo[], options: RenderOptions, existing: ExistingChains): string {
  return `${section('filter', renderFilter(ports, options), existing.filter)}\n${section('nat', renderNat(ports, options), existing.nat)}\n`;
}

/** iptables-restore input that empties and deletes every chain we own in both tables. */
export function renderCleanup(existing: ExistingChains): string {
  const tableText = (table: 'nat' | 'filter', own: readonly string[], present: readonly string[]): string => {
    const presentSet = new Set(present);
    const chains = [...own.filter((c) => presentSet.has(c)), ...present.filter(isPerServiceChain).sort()];
    return [`*${table}`, ...chains.map((c) => `:${c} - [0:0]`), ...chains.map((c) => `-X ${c}`), 'COMMIT'].join('\n');
  };
  return `${tableText('filter', OWN_FILTER_CHAINS, existing.filter)}\n${tableText('nat', OWN_NAT_CHAINS, existing.nat)}\n`;
}

function unique(values: readonly string[]): string[] {
  return [...new Set(values)];
}
