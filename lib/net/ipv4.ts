import { isIPv4 } from 'node:net';

export function ipToNumber(ip: string): number {
  return ip.split('.').reduce((n, part) => n * 256 + Number(part), 0);
}

export function numberToIp(n: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(n / 2 ** shift) % 256).join('.');
}

/** An IPv4 network: its first address as a number and its prefix length. */
export interface Ipv4Cidr {
  base: number;
  bits: number;
}

/** Parses `a.b.c.d/n`; the address is masked to the network's start. Undefined when it is no IPv4 CIDR. */
export function parseIpv4Cidr(text: string): Ipv4Cidr | undefined {
  const [addr, bitsText, extra] = text.split('/');
  const bits = Number(bitsText);
  if (extra !== undefined || !addr || !isIPv4(addr) || !/^\d+$/.test(bitsText ?? '') || bits > 32) return undefined;
  const size = 2 ** (32 - bits);
  return { base: Math.floor(ipToNumber(addr) / size) * size, bits };
}

export function formatIpv4Cidr(cidr: Ipv4Cidr): string {
  return `${numberToIp(cidr.base)}/${cidr.bits}`;
}

/** Whether `inner` lies wholly inside `outer` (both IPv4 CIDRs; false when either is not one). */
export function cidrContains(outer: string, inner: string): boolean {
  const o = parseIpv4Cidr(outer);
  const i = parseIpv4Cidr(inner);
  return o !== undefined && i !== undefined && i.bits >= o.bits && Math.floor(i.base / 2 ** (32 - o.bits)) * 2 ** (32 - o.bits) === o.base;
}
