import { isIPv4 } from 'node:net';
import { ipToNumber, numberToIp } from '../../../lib/net/ipv4.js';

/** An IPv4 CIDR block as offsets from its network address. */
export class Ipv4Range {
  readonly base: number;
  readonly size: number;

  constructor(readonly cidr: string) {
    const [addr, bitsText] = cidr.split('/');
    const bits = Number(bitsText);
    if (!addr || !isIPv4(addr) || !Number.isInteger(bits) || bits < 8 || bits > 30) {
      throw new Error(`invalid service IP range "${cidr}": expected an IPv4 CIDR between /8 and /30`);
    }
    this.size = 2 ** (32 - bits);
    this.base = Math.floor(ipToNumber(addr) / this.size) * this.size;
  }

  offsetOf(ip: string): number | undefined {
    if (!isIPv4(ip)) return undefined;
    const offset = ipToNumber(ip) - this.base;
    return offset >= 0 && offset < this.size ? offset : undefined;
  }

  ipAt(offset: number): string {
    return numberToIp(this.base + offset);
  }

  /** The network and broadcast addresses are never handed out. */
  isReserved(offset: number): boolean {
    return offset === 0 || offset === this.size - 1;
  }
}

/** An inclusive port range such as Kubernetes' default 30000-32767. */
export class PortRange {
  readonly base: number;
  readonly size: number;

  constructor(readonly text: string) {
    const m = /^(\d+)-(\d+)$/.exec(text);
    const lo = Number(m?.[1]);
    const hi = Number(m?.[2]);
    if (!m || lo < 1 || hi > 65535 || lo > hi) throw new Error(`invalid node port range "${text}": expected LOW-HIGH within 1-65535`);
    this.base = lo;
    this.size = hi - lo + 1;
  }

  offsetOf(port: number): number | undefined {
    const offset = port - this.base;
    return offset >= 0 && offset < this.size ? offset : undefined;
  }
}
