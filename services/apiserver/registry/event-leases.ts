// The etcd leases Events expire through. A lease per Event would cost etcd a grant per write and
// a lease to track per Event; as kube-apiserver does, one lease serves the Events of a short
// window, granted for the TTL plus that window, so each Event goes between its TTL and its TTL
// plus the window after its create. The window is at most a minute and at most a twentieth of the
// TTL (a short --event-ttl stays close to exact), and a lease takes at most 1,000 objects, so
// that its expiry never deletes an unbounded number of keys in one etcd transaction.

const REUSE_MAX_SECONDS = 60;
const REUSE_SHARE_OF_TTL = 0.05;
export const MAX_OBJECTS_PER_LEASE = 1000;

interface GrantedLease {
  id: string;
  /** When its grant was sent: it ends no earlier than the TTL plus the window after this. */
  grantedAt: number;
  attached: number;
}

export class EventLeases {
  /** The apiserver's --event-ttl. */
  ttlSeconds = 3600;
  private current: GrantedLease | undefined;
  /** The grant under way: writes that need a lease meanwhile wait for it instead of granting their own. */
  private granting: Promise<void> | undefined;

  constructor(
    private readonly grant: (ttlSeconds: number) => Promise<string>,
    private readonly now: () => number = Date.now,
  ) {}

  /** The window, in seconds, during which one lease serves every new Event. */
  reuseSeconds(): number {
    return Math.min(REUSE_MAX_SECONDS, Math.floor(this.ttlSeconds * REUSE_SHARE_OF_TTL));
  }

  /** A lease that ends no earlier than ttlSeconds from the moment this was called. */
  async lease(): Promise<string> {
    const wanted = this.now();
    for (;;) {
      const lease = this.current;
      // Granted within the window before this write, or after it began (a grant it waited for).
      if (lease && lease.attached < MAX_OBJECTS_PER_LEASE && wanted - lease.grantedAt <= this.reuseSeconds() * 1000) {
        lease.attached++;
        return lease.id;
      }
      await (this.granting ??= this.renew());
    }
  }

  private async renew(): Promise<void> {
    try {
      const grantedAt = this.now();
      const id = await this.grant(this.ttlSeconds + this.reuseSeconds());
      this.current = { id, grantedAt, attached: 0 };
    } finally {
      this.granting = undefined;
    }
  }
}
