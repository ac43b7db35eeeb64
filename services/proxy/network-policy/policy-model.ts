import { BlockList, isIPv4 } from 'node:net';
import type { Namespace, NetworkPolicy, NetworkPolicyPeer, NetworkPolicyPort, Pod } from '../../../lib/api/generated/index.js';
import { selectorFromLabelSelector } from '../../../lib/labels/selector.js';

// What the NetworkPolicies mean for the pods of one node, as plain allow-lists: for each local pod
// a policy isolates, the sources it may accept (ingress) and the destinations it may reach
// (egress), each a set of peer networks and a destination port range. Selectors, namespaces and
// named ports are resolved here, so that rendering rules is a pure translation.

export type PolicyProtocol = 'tcp' | 'udp' | 'sctp';

export interface PortMatch {
  protocol: PolicyProtocol;
  /** Absent: every port of the protocol. */
  port?: number;
  endPort?: number;
}

export interface PeerMatch {
  cidr: string;
  except: string[];
}

/** One allowed kind of connection: from or to any of the peers, on the port; an absent part matches anything. */
export interface AllowRule {
  peers?: PeerMatch[];
  port?: PortMatch;
}

export interface IsolatedPod {
  namespace: string;
  name: string;
  ip: string;
  /** Absent: no policy isolates the pod for ingress, every source is allowed. */
  ingress?: AllowRule[];
  egress?: AllowRule[];
}

export interface PolicyInputs {
  nodeName: string;
  policies: readonly NetworkPolicy[];
  pods: readonly Pod[];
  namespaces: readonly Namespace[];
}

/** Pods that hold an address of the pod network: running or about to, not on the host's network. */
function podIp(pod: Pod): string | undefined {
  const ip = pod.status?.podIP;
  const phase = pod.status?.phase;
  if (!ip || !isIPv4(ip) || pod.spec?.hostNetwork || phase === 'Succeeded' || phase === 'Failed') return undefined;
  return ip;
}

/** What of a pod the policy rules depend on: a pod update that leaves this unchanged needs no sync. */
export function policyRelevantPodState(pod: Pod): string {
  const ports = (pod.spec?.containers ?? []).flatMap((c) => (c.ports ?? []).map((p) => `${p.name ?? ''}/${p.protocol ?? ''}/${p.containerPort ?? 0}`));
  return JSON.stringify([podIp(pod) ?? '', pod.spec?.nodeName ?? '', pod.metadata?.labels ?? {}, ports]);
}

function hostCidr(ip: string): string {
  return `${ip}/32`;
}

class PolicyContext {
  private readonly namespaceLabels = new Map<string, Record<string, string>>();
  readonly addressed: AddressedPod[];

  constructor(readonly inputs: PolicyInputs) {
    for (const ns of inputs.namespaces) this.namespaceLabels.set(ns.metadata?.name ?? '', ns.metadata?.labels ?? {});
    this.addressed = inputs.pods.flatMap((pod) => {
      const ip = podIp(pod);
      return ip ? [{ pod, ip }] : [];
    });
  }

  /** The pods a selector peer names, as Kubernetes reads podSelector and namespaceSelector together. */
  peerPods(peer: NetworkPolicyPeer, policyNamespace: string): AddressedPod[] {
    const podSelector = peer.podSelector ? selectorFromLabelSelector(peer.podSelector) : undefined;
    const namespaceSelector = peer.namespaceSelector ? selectorFromLabelSelector(peer.namespaceSelector) : undefined;
    return this.addressed.filter(({ pod }) => {
      const namespace = pod.metadata?.namespace ?? '';
      const inNamespace = namespaceSelector ? namespaceSelector.matches(this.namespaceLabels.get(namespace) ?? {}) : namespace === policyNamespace;
      return inNamespace && (!podSelector || podSelector.matches(pod.metadata?.labels ?? {}));
    });
  }
}

/** The container port a named policy port stands for on one pod, if the pod has it. */
function namedPort(pod: Pod, name: string, protocol: PolicyProtocol): number | undefined {
  for (const container of pod.spec?.containers ?? []) {
    for (const port of container.ports ?? []) {
      if (port.name === name && (port.protocol ?? 'TCP').toLowerCase() === protocol) return port.containerPort;
    }
  }
  return undefined;
}

function protocolOf(port: NetworkPolicyPort): PolicyProtocol {
  return (port.protocol ?? 'TCP').toLowerCase() as PolicyProtocol;
}

/** A numeric or protocol-only policy port; undefined for a named one (resolved per pod). */
function numericPort(port: NetworkPolicyPort): PortMatch | undefined {
  const protocol = protocolOf(port);
  if (port.port?.strVal !== undefined) return undefined;
  if (port.port?.intVal === undefined) return { protocol };
  return { protocol, port: port.port.intVal, ...(port.endPort !== undefined && { endPort: port.endPort }) };
}

/** Whether an address is inside a peer's network and outside its exceptions; the lists are built once per peer. */
function blockMatcher(peer: PeerMatch): (ip: string) => boolean {
  const block = new BlockList();
  const [address = '', bits] = peer.cidr.split('/');
  if (!isIPv4(address)) return () => false;
  block.addSubnet(address, Number(bits), 'ipv4');
  const excluded = new BlockList();
  for (const except of peer.except) {
    const [exceptAddress = '', exceptBits] = except.split('/');
    if (isIPv4(exceptAddress)) excluded.addSubnet(exceptAddress, Number(exceptBits), 'ipv4');
  }
  return (ip) => block.check(ip, 'ipv4') && !excluded.check(ip, 'ipv4');
}

interface Direction {
  /** The pod the policy protects; named ports of ingress rules are its own ports. */
  self: Pod;
  ingress: boolean;
}

interface AddressedPod {
  pod: Pod;
  ip: string;
}

/** What a peer admits: networks to match, and the pods inside them (for named ports). */
function peerTargets(ctx: PolicyContext, peer: NetworkPolicyPeer, namespace: string): { matches: PeerMatch[]; pods: AddressedPod[] } {
  if (peer.ipBlock) {
    const match = { cidr: peer.ipBlock.cidr ?? '', except: [...(peer.ipBlock.except ?? [])] };
    const inside = blockMatcher(match);
    return { matches: [match], pods: ctx.addressed.filter(({ ip }) => inside(ip)) };
  }
  const pods = ctx.peerPods(peer, namespace);
  return { matches: pods.map(({ ip }) => ({ cidr: hostCidr(ip), except: [] })), pods };
}

/** Peers in one canonical order without repeats, so that equal sets render to one shared chain. */
function canonicalPeers(peers: readonly PeerMatch[]): PeerMatch[] {
  const byKey = new Map(peers.map((p) => [`${p.cidr} ${p.except.join(',')}`, p]));
  return [...byKey.keys()].sort().map((k) => byKey.get(k)!);
}

/**
 * One policy rule as allow rules, one per port. Named ports name a port of the destination: for
 * ingress the protected pod's own, for egress each peer pod's, so an egress rule with a named port
 * allows, per port number it stands for, the peer pods that have it under that number.
 */
function allowRules(ctx: PolicyContext, peers: readonly NetworkPolicyPeer[], ports: readonly NetworkPolicyPort[], namespace: string, direction: Direction): AllowRule[] {
  const targets = peers.map((peer) => peerTargets(ctx, peer, namespace));
  // No peers: any address, and for named egress ports any pod.
  const peerMatches = peers.length === 0 ? undefined : canonicalPeers(targets.flatMap((t) => t.matches));
  // Selectors that select no pod allow nothing.
  if (peerMatches?.length === 0) return [];
  const peerPods = peers.length === 0 ? ctx.addressed : targets.flatMap((t) => t.pods);
  const rule = (port: PortMatch | undefined, matches = peerMatches): AllowRule => ({ ...(matches && { peers: matches }), ...(port && { port }) });
  if (ports.length === 0) return [rule(undefined)];
  return ports.flatMap((port): AllowRule[] => {
    const numeric = numericPort(port);
    if (numeric) return [rule(numeric)];
    const name = port.port?.strVal ?? '';
    const protocol = protocolOf(port);
    if (direction.ingress) {
      const resolved = namedPort(direction.self, name, protocol);
      return resolved === undefined ? [] : [rule({ protocol, port: resolved })];
    }
    const byNumber = new Map<number, PeerMatch[]>();
    for (const { pod, ip } of peerPods) {
      const resolved = namedPort(pod, name, protocol);
      if (resolved !== undefined) byNumber.set(resolved, [...(byNumber.get(resolved) ?? []), { cidr: hostCidr(ip), except: [] }]);
    }
    return [...byNumber].map(([number, matches]) => rule({ protocol, port: number }, canonicalPeers(matches)));
  });
}

function uniqueRules(rules: readonly AllowRule[]): AllowRule[] {
  const seen = new Map<string, AllowRule>();
  for (const rule of rules) seen.set(JSON.stringify(rule), rule);
  return [...seen.values()];
}

/** Every local pod that at least one policy isolates, with what it may accept and reach. */
export function isolatedPods(inputs: PolicyInputs): IsolatedPod[] {
  const ctx = new PolicyContext(inputs);
  const result: IsolatedPod[] = [];
  for (const { pod, ip } of ctx.addressed) {
    if (pod.spec?.nodeName !== inputs.nodeName) continue;
    const namespace = pod.metadata?.namespace ?? '';
    const labels = pod.metadata?.labels ?? {};
    const selecting = inputs.policies.filter((p) => p.metadata?.namespace === namespace && selectorFromLabelSelector(p.spec?.podSelector ?? {}).matches(labels));
    if (selecting.length === 0) continue;
    const isolated: IsolatedPod = { namespace, name: pod.metadata?.name ?? '', ip };
    const ingressPolicies = selecting.filter((p) => (p.spec?.policyTypes ?? ['Ingress']).includes('Ingress'));
    const egressPolicies = selecting.filter((p) => (p.spec?.policyTypes ?? []).includes('Egress'));
    if (ingressPolicies.length > 0) {
      isolated.ingress = uniqueRules(
        ingressPolicies.flatMap((p) => (p.spec?.ingress ?? []).flatMap((r) => allowRules(ctx, r.from ?? [], r.ports ?? [], namespace, { self: pod, ingress: true }))),
      );
    }
    if (egressPolicies.length > 0) {
      isolated.egress = uniqueRules(
        egressPolicies.flatMap((p) => (p.spec?.egress ?? []).flatMap((r) => allowRules(ctx, r.to ?? [], r.ports ?? [], namespace, { self: pod, ingress: false }))),
      );
    }
    result.push(isolated);
  }
  return result;
}
