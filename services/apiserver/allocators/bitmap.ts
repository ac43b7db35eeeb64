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

  /** The first free index at or after start, wrapping around; undefined when full. */
  findFree(start: number, isReserved: (i: number) => boolean): number | undefined {
    for (let n = 0; n < this.size; n++) {
      const i = (start + n) % this.size;
      if (!this.has(i) && !isReserved(i)) return i;
    }
    return undefined;
  }

  bytes(): Buffer {
    return Buffer.from(this.bits);
  }
}
