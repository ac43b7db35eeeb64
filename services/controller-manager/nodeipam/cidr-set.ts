import { formatIpv4Cidr, parseIpv4Cidr, type Ipv4Cidr } from '../../../lib/net/ipv4.js';

export class InvalidClusterCidrError extends Error {
  override readonly name = 'InvalidClusterCidrError';
}

/**
 * The pod subnets a cluster CIDR splits into (10.244.0.0/16 into /24s), numbered from 0: which
 * subnet a node's podCIDR is, and which one to hand out next. Holds no allocation state of its
 * own; the caller says what is taken, so the nodes as stored stay the only record.
 */
export class CidrSet {
  readonly cluster: Ipv4Cidr;
  readonly count: number;

  constructor(
    clusterCidr: string,
    readonly maskSize: number,
  ) {
    const cidr = parseIpv4Cidr(clusterCidr);
    if (!cidr) throw new InvalidClusterCidrError(`invalid --cluster-cidr "${clusterCidr}": expected an IPv4 CIDR such as 10.244.0.0/16`);
    if (!Number.isInteger(maskSize) || maskSize < cidr.bits || maskSize > 30) {
      throw new InvalidClusterCidrError(`invalid --node-cidr-mask-size ${maskSize}: expected ${cidr.bits}-30 for cluster CIDR ${formatIpv4Cidr(cidr)}`);
    }
    // Kubernetes refuses more than 2^16 node subnets; so do we, which keeps the scan cheap.
    if (maskSize - cidr.bits > 16) {
      throw new InvalidClusterCidrError(`--node-cidr-mask-size ${maskSize} splits ${formatIpv4Cidr(cidr)} into more than 65536 node subnets`);
    }
    this.cluster = cidr;
    this.count = 2 ** (maskSize - cidr.bits);
  }

  cidrAt(index: number): string {
    return formatIpv4Cidr({ base: this.cluster.base + index * 2 ** (32 - this.maskSize), bits: this.maskSize });
  }

  /** The subnet number of a node's podCIDR; undefined when it is not one of ours (another range, another size). */
  indexOf(podCidr: string): number | undefined {
    const cidr = parseIpv4Cidr(podCidr);
    if (!cidr || cidr.bits !== this.maskSize) return undefined;
    const index = (cidr.base - this.cluster.base) / 2 ** (32 - this.maskSize);
    return Number.isInteger(index) && index >= 0 && index < this.count ? index : undefined;
  }

  /**
   * The first free subnet at or after `from`, wrapping around, so a subnet just released is the last
   * to be handed out again (a new node does not inherit routes to a gone node's pods).
   */
  nextFree(taken: ReadonlySet<number>, from: number): number | undefined {
    for (let i = 0; i < this.count; i++) {
      const index = (from + i) % this.count;
      if (!taken.has(index)) return index;
    }
    return undefined;
  }
}
