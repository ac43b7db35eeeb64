import type { IntOrString, LabelSelector, NetworkPolicy, NetworkPolicyPeer, NetworkPolicyPort } from '../../../lib/api/generated/index.js';
import { formatLabelSelector } from '../../../lib/printers/labels.js';
import { writeAnnotations, writeLabels } from './sections.js';
import { DescribeWriter } from './writer.js';

// `kubectl describe networkpolicy`: the selector, then each rule's ports and peers in words.

const pad2 = (n: number): string => String(n).padStart(2, '0');

/** A time as Go's time.Time String() prints it in local time: `2024-05-10 14:00:00 +0200 CEST`. */
function goTimeString(timestamp: string | undefined): string {
  const d = new Date(timestamp ? Date.parse(timestamp) : 0);
  const offset = -d.getTimezoneOffset();
  const zone = `${offset < 0 ? '-' : '+'}${pad2(Math.floor(Math.abs(offset) / 60))}${pad2(Math.abs(offset) % 60)}`;
  const name = offset === 0 ? 'UTC' : (new Intl.DateTimeFormat('en-US', { timeZoneName: 'short' }).formatToParts(d).find((p) => p.type === 'timeZoneName')?.value ?? zone);
  const date = `${d.getFullYear()}-${pad2(d.getMonth() + 1)}-${pad2(d.getDate())}`;
  return `${date} ${pad2(d.getHours())}:${pad2(d.getMinutes())}:${pad2(d.getSeconds())} ${zone} ${name}`;
}

function portText(port: IntOrString | undefined): string {
  if (port?.intVal !== undefined) return String(port.intVal);
  return port?.strVal ?? '<nil>';
}

function writePorts(w: DescribeWriter, ports: readonly NetworkPolicyPort[], indent: string): void {
  if (ports.length === 0) w.write(0, `${indent}To Port: <any> (traffic allowed to all ports)\n`);
  for (const port of ports) w.write(0, `${indent}To Port: ${portText(port.port)}/${port.protocol ?? 'TCP'}\n`);
}

const selector = (s: LabelSelector): string => formatLabelSelector(s);

function writePeer(w: DescribeWriter, peer: NetworkPolicyPeer, heading: string, indent: string): void {
  w.write(0, `${indent}${heading}:\n`);
  if (peer.namespaceSelector) w.write(1, `${indent}NamespaceSelector: ${selector(peer.namespaceSelector)}\n`);
  if (peer.podSelector) w.write(1, `${indent}PodSelector: ${selector(peer.podSelector)}\n`);
  if (!peer.namespaceSelector && !peer.podSelector && peer.ipBlock) {
    w.write(1, `${indent}IPBlock:\n`);
    w.write(2, `${indent}CIDR: ${peer.ipBlock.cidr ?? ''}\n`);
    w.write(2, `${indent}Except: ${(peer.ipBlock.except ?? []).join(', ')}\n`);
  }
}

interface DirectionText {
  heading: 'From' | 'To';
  isolated: string;
  unrestricted: string;
}

function writeRules(w: DescribeWriter, rules: readonly { ports?: NetworkPolicyPort[]; peers: NetworkPolicyPeer[] }[], text: DirectionText): void {
  const indent = '    ';
  if (rules.length === 0) w.write(0, `${indent}${text.isolated}\n`);
  rules.forEach((rule, i) => {
    writePorts(w, rule.ports ?? [], indent);
    if (rule.peers.length === 0) w.write(0, `${indent}${text.heading}: ${text.unrestricted}\n`);
    for (const peer of rule.peers) writePeer(w, peer, text.heading, indent);
    if (i !== rules.length - 1) w.write(0, `${indent}----------\n`);
  });
}

export function describeNetworkPolicy(policy: NetworkPolicy): string {
  const w = new DescribeWriter();
  const spec = policy.spec ?? {};
  w.write(0, `Name:\t${policy.metadata?.name ?? ''}\n`);
  w.write(0, `Namespace:\t${policy.metadata?.namespace ?? ''}\n`);
  w.write(0, `Created on:\t${goTimeString(policy.metadata?.creationTimestamp)}\n`);
  writeLabels(w, 'Labels', policy.metadata?.labels);
  writeAnnotations(w, 'Annotations', policy.metadata?.annotations);
  w.write(0, 'Spec:\n');
  w.write(1, 'PodSelector: ');
  const podSelector = spec.podSelector ?? {};
  const selectsAll = Object.keys(podSelector.matchLabels ?? {}).length === 0 && (podSelector.matchExpressions ?? []).length === 0;
  w.write(2, selectsAll ? '<none> (Allowing the specific traffic to all pods in this namespace)\n' : `${selector(podSelector)}\n`);
  const types = spec.policyTypes ?? [];
  if (types.includes('Ingress')) {
    w.write(1, 'Allowing ingress traffic:\n');
    writeRules(w, (spec.ingress ?? []).map((r) => ({ ports: r.ports ?? [], peers: r.from ?? [] })), {
      heading: 'From',
      isolated: '<none> (Selected pods are isolated for ingress connectivity)',
      unrestricted: '<any> (traffic not restricted by source)',
    });
  } else w.write(1, 'Not affecting ingress traffic\n');
  if (types.includes('Egress')) {
    w.write(1, 'Allowing egress traffic:\n');
    writeRules(w, (spec.egress ?? []).map((r) => ({ ports: r.ports ?? [], peers: r.to ?? [] })), {
      heading: 'To',
      isolated: '<none> (Selected pods are isolated for egress connectivity)',
      unrestricted: '<any> (traffic not restricted by destination)',
    });
  } else w.write(1, 'Not affecting egress traffic\n');
  w.write(1, `Policy Types: ${types.join(', ')}\n`);
  return w.toString();
}
