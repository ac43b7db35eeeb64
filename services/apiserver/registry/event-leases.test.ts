import { describe, expect, it } from 'vitest';
import { EventLeases, MAX_OBJECTS_PER_LEASE } from './event-leases.js';

/** A lease source whose grants answer when the test says so, and a clock the test moves. */
function setup(ttlSeconds: number) {
  const grants: { ttlSeconds: number; answer: (id: string) => void; fail: (err: Error) => void }[] = [];
  let clock = 1_000_000;
  const leases = new EventLeases(
    (ttl) => new Promise<string>((answer, fail) => grants.push({ ttlSeconds: ttl, answer, fail })),
    () => clock,
  );
  leases.ttlSeconds = ttlSeconds;
  const settle = () => new Promise((r) => setImmediate(r));
  return { leases, grants, settle, advance: (ms: number) => (clock += ms) };
}

describe('EventLeases', () => {
  it('grants one lease for the Events that ask while it is being granted', async () => {
    const { leases, grants, settle } = setup(3600);
    const asked = Array.from({ length: 50 }, () => leases.lease());
    await settle();
    expect(grants).toHaveLength(1);
    grants[0]!.answer('7');
    expect(await Promise.all(asked)).toEqual(Array(50).fill('7'));
  });

  it('asks for the TTL plus the reuse window: a minute, or a twentieth of a short TTL', async () => {
    for (const [ttl, window] of [[3600, 60], [600, 30], [10, 0]] as const) {
      const { leases, grants, settle } = setup(ttl);
      void leases.lease();
      await settle();
      expect(grants[0]!.ttlSeconds).toBe(ttl + window);
    }
  });

  it('reuses a lease within its window and grants a new one after it', async () => {
    const { leases, grants, settle, advance } = setup(3600);
    const first = leases.lease();
    await settle();
    grants[0]!.answer('1');
    await first;
    advance(59_000);
    expect(await leases.lease()).toBe('1');
    advance(2_000);
    const later = leases.lease();
    await settle();
    expect(grants).toHaveLength(2);
    grants[1]!.answer('2');
    expect(await later).toBe('2');
  });

  it('never attaches an Event to a lease granted before its TTL could fit (window 0)', async () => {
    const { leases, grants, settle, advance } = setup(10);
    const first = leases.lease();
    await settle();
    advance(5);
    // Asked after the grant was sent: that lease could end before this Event's 10 s.
    const second = leases.lease();
    grants[0]!.answer('1');
    expect(await first).toBe('1');
    await settle();
    expect(grants).toHaveLength(2);
    grants[1]!.answer('2');
    expect(await second).toBe('2');
  });

  it('attaches at most 1,000 objects to a lease', async () => {
    const { leases, grants, settle } = setup(3600);
    const asked = Array.from({ length: MAX_OBJECTS_PER_LEASE + 1 }, () => leases.lease());
    await settle();
    grants[0]!.answer('1');
    await settle();
    expect(grants).toHaveLength(2);
    grants[1]!.answer('2');
    const ids = await Promise.all(asked);
    expect(ids.filter((id) => id === '1')).toHaveLength(MAX_OBJECTS_PER_LEASE);
    expect(ids.at(-1)).toBe('2');
  });

  it('fails the Events waiting on a failed grant, and the next Event grants again', async () => {
    const { leases, grants, settle } = setup(3600);
    const failed = leases.lease();
    await settle();
    grants[0]!.fail(new Error('etcd unavailable'));
    await expect(failed).rejects.toThrow('etcd unavailable');
    const next = leases.lease();
    await settle();
    expect(grants).toHaveLength(2);
    grants[1]!.answer('3');
    expect(await next).toBe('3');
  });
});
