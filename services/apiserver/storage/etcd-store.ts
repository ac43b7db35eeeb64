import { Etcd3, EtcdError, type IKeyValue, type IRequestOp, type IOperation } from 'etcd3';

// The only code that talks to etcd. Every write is a transaction guarded by a compare on the
// key's version or mod_revision (ARCHITECTURE.md: never read-modify-write without the compare);
// the etcd revision is the resourceVersion.

export interface StoredValue {
  key: string;
  value: Buffer;
  modRevision: number;
  createRevision: number;
}

/** A compare that must also hold for a write to happen, with the op(s) that go with it (allocator bitmaps). */
export interface TxnExtra {
  compares: { key: string; modRevision: number }[];
  ops: (IRequestOp | IOperation)[];
}

export type WriteResult = { ok: true; revision: number } | { ok: false; current: StoredValue | undefined };

export interface ListPage {
  items: StoredValue[];
  revision: number;
  more: boolean;
  remaining: number;
}

/** Outside /registry/, so no watch cache sees it. */
const COMPACTED_REVISION_KEY = '/kubets/compacted-revision';

export class CompactedError extends Error {
  constructor(readonly compactRevision: number) {
    super(`required revision has been compacted (oldest available is ${compactRevision + 1})`);
  }
}

export function toStored(kv: IKeyValue): StoredValue {
  return {
    key: kv.key.toString(),
    value: kv.value,
    modRevision: Number(kv.mod_revision),
    createRevision: Number(kv.create_revision),
  };
}

function prefixEnd(prefix: string): Buffer {
  const end = Buffer.from(prefix);
  end[end.length - 1]! += 1;
  return end;
}

export class EtcdStore {
  constructor(readonly etcd: Etcd3) {}

  async get(key: string): Promise<StoredValue | undefined> {
    const res = await this.etcd.get(key).exec();
    const kv = res.kvs[0];
    return kv ? toStored(kv) : undefined;
  }

  /** Creates key only if it does not exist. */
  async create(key: string, value: Buffer, extra?: TxnExtra, lease?: string): Promise<WriteResult> {
    return this.write(key, value, 'Version', 0, extra, lease);
  }

  /** Replaces key only if its mod_revision is still expectedRevision. */
  async update(key: string, value: Buffer, expectedRevision: number, extra?: TxnExtra): Promise<WriteResult> {
    return this.write(key, value, 'Mod', expectedRevision, extra);
  }

  private async write(
    key: string,
    value: Buffer,
    column: 'Version' | 'Mod',
    expected: number,
    extra?: TxnExtra,
    lease?: string,
  ): Promise<WriteResult> {
    let txn = this.etcd.if(key, column, '==', expected);
    for (const c of extra?.compares ?? []) txn = txn.and(c.key, 'Mod', '==', c.modRevision);
    const put = this.etcd.put(key).value(value);
    if (lease) put.lease(lease);
    const res = await txn.then(put, ...(extra?.ops ?? [])).else(this.etcd.get(key)).commit();
    if (res.succeeded) return { ok: true, revision: Number(res.header.revision) };
    const kv = res.responses[0]?.response_range?.kvs[0];
    return { ok: false, current: kv ? toStored(kv) : undefined };
  }

  /** Deletes key if its mod_revision is still expectedRevision. */
  async delete(key: string, expectedRevision: number, extra?: TxnExtra): Promise<WriteResult> {
    let txn = this.etcd.if(key, 'Mod', '==', expectedRevision);
    for (const c of extra?.compares ?? []) txn = txn.and(c.key, 'Mod', '==', c.modRevision);
    const res = await txn.then(this.etcd.delete().key(key), ...(extra?.ops ?? [])).else(this.etcd.get(key)).commit();
    if (res.succeeded) return { ok: true, revision: Number(res.header.revision) };
    const kv = res.responses[0]?.response_range?.kvs[0];
    return { ok: false, current: kv ? toStored(kv) : undefined };
  }

  /**
   * One page of keys under prefix, starting after startAfter, read at revision (0 = now). A
   * compacted revision throws CompactedError so callers can answer Gone.
   */
  async list(prefix: string, opts: { limit?: number; startAfter?: string; revision?: number } = {}): Promise<ListPage> {
    const from = opts.startAfter ? Buffer.concat([Buffer.from(opts.startAfter), Buffer.from([0])]) : Buffer.from(prefix);
    let range = this.etcd.getAll().inRange({ start: from, end: prefixEnd(prefix) }).sort('Key', 'Ascend');
    if (opts.limit) range = range.limit(opts.limit);
    if (opts.revision) range = range.revision(opts.revision);
    try {
      const res = await range.exec();
      const remaining = Number(res.count) - res.kvs.length;
      // etcd's header carries its current revision even for a read at an older one.
      const revision = opts.revision || Number(res.header.revision);
      return { items: res.kvs.map(toStored), revision, more: Boolean(res.more), remaining };
    } catch (err) {
      throw asCompacted(err) ?? err;
    }
  }

  async count(prefix: string): Promise<number> {
    return this.etcd.getAll().prefix(prefix).count();
  }

  async currentRevision(): Promise<number> {
    const res = await this.etcd.get('/registry-revision-probe').exec();
    return Number(res.header.revision);
  }

  /**
   * Compacts etcd's history up to revision and records it (etcd offers no way to ask). A record
   * that is too low (two apiservers racing) only costs a reader one failed read of old history.
   */
  async compact(revision: number): Promise<void> {
    await this.etcd.kv.compact({ revision: String(revision), physical: false });
    await this.etcd.put(COMPACTED_REVISION_KEY).value(String(revision));
  }

  /** The last revision compacted through compact() (by any apiserver), 0 if none. */
  async compactedRevision(): Promise<number> {
    const value = await this.etcd.get(COMPACTED_REVISION_KEY).string();
    return value ? Number(value) : 0;
  }

  async grantLease(ttlSeconds: number): Promise<string> {
    const res = await this.etcd.leaseClient.leaseGrant({ TTL: ttlSeconds, ID: '0' });
    return String(res.ID);
  }

  async close(): Promise<void> {
    this.etcd.close();
  }
}

/** Recognises etcd's "required revision has been compacted" error. */
export function asCompacted(err: unknown): CompactedError | undefined {
  if (err instanceof EtcdError && /compacted/.test(err.message)) return new CompactedError(0);
  if (err instanceof Error && /required revision has been compacted/.test(err.message)) return new CompactedError(0);
  return undefined;
}
