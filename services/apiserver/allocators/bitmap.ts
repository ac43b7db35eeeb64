/** A fixed-size set of small integers, stored compactly as bytes. */
export class Bitmap {
  constructor(
    readonly size: number,
    private readonly bits: Buffer = Buffer.alloc(Math.ceil(size / 8)),
  ) {}

  static from(size: number, bytes: Buffer | undefined): Bitmap {
    const bits = Buffer.alloc(Math.ceil(size / 8));
    bytes?.copy(bits, 0, 0, Math.min(bytes.length, bits.length));
    return new Bitmap(size, bits);
  }

  has(i: number): boolean {
    return (this.bits[i >> 3]! & (1 << (i & 7))) !== 0;
  }

  set(i: number): void {
    this.bits[i >> 3]! |= 1 << (i & 7);
  }

  clear(i: number): void {
    this.bits[i >> 3]! &= ~(1 << (i & 7));
  }

  /** The first free index of [from, to) at or after start, wrapping around within it; undefined when full. */
  findFree(from: number, to: number, start: number, isReserved: (i: number) => boolean): number | undefined {
    const width = to - from;
    for (let n = 0; n < width; n++) {
      const i = from + ((start - from + n) % width);
      if (!this.has(i) && !isReserved(i)) return i;
    }
    return undefined;
  }

  /**
   * A free index for a dynamic allocation, as Kubernetes allocates ClusterIPs and NodePorts: the
   * first `staticBand` indexes are left to explicit requests while anything above is free, so a
   * value a user picks from that band is not taken by chance. Starts at a random place.
   */
  findFreeDynamic(staticBand: number, random: (n: number) => number, isReserved: (i: number) => boolean): number | undefined {
    const band = Math.min(staticBand, this.size);
    const upper = band < this.size ? this.findFree(band, this.size, band + random(this.size - band), isReserved) : undefined;
    return upper ?? (band > 0 ? this.findFree(0, band, random(band), isReserved) : undefined);
  }

  bytes(): Buffer {
    return Buffer.from(this.bits);
  }
}
