import { Etcd3, EtcdError } from 'etcd3';
import { timeEtcd } from '../metrics.js';
import { CreateBatcher, type PlainCreate } from './create-batcher.js';
import { connectEtcd, hasEtcdTls, type EtcdClientTls } from './etcd-client.js';
import type { EtcdKv } from './etcd-kv.js';
import type { KvCompare, KvOp } from './etcd-kv-codec.js';
import { openEtcdWatch } from './etcd-watch.js';
import { progressKey } from './progress-key.js';
import {
  CompactedError,
  type ListOptions,
  type ListPage,
  type Store,
  type StoredValue,
  type StoreWatch,
  type TxnExtra,
  type WatchHandlers,
  type WriteResult,
} from './store.js';

// The only code that talks to etcd. Every write is a transaction guarded by a compare on the
// key's version or mod_revision (never read-modify-write without the compare); the etcd revision
// is the resourceVersion. Reads and writes go through EtcdKv (etcd-kv.ts), watches through our own
// streams on its channels (etcd-watch.ts), leases and compaction through the etcd3 client.

/** Outside /registry/, so no watch cache sees it. */
const COMPACTED_REVISION_KEY = '/kubets/compacted-revision';
/**
 * Create transactions in flight before creates queue up for the next one. With one, every create
 * that arrives during a transaction joins the next. With two, each slot that came free took
 * whatever had just arrived, mostly a single create, and at 50 creates in flight the apiserver
 * spent 8–30% more CPU per create (bench/README.md, group commit of creates).
 */
const CREATE_TXNS_IN_FLIGHT = 1;
/**
 * The fewest answers of a committed transaction sent in one event-loop turn (the batcher answers
 * in halves). At 50 creates in flight each transaction carried all 50 and its answers went out in
 * one write; answered 25 and 25, the callers split into two groups whose requests and answers
 * overlap, and creates/s rose by a fifth; smaller halves only made more transactions
 * (bench/README.md, answering a transaction's creates in halves).
 */
const MIN_CREATE_ANSWERS_PER_TURN = 25;
/** etcd's default --max-txn-ops is 128 operations; a create is one put. */
const MAX_CREATES_PER_TXN = 128;
/** Well under etcd's default --max-request-bytes of 1.5 MiB. */
const MAX_BATCH_BYTES = 1024 * 1024;
/** etcd's refusals of a transaction beyond its --max-txn-ops or --max-request-bytes. */
const TXN_TOO_BIG = /too many operations in txn request|request is too large/;

function prefixEnd(prefix: string): Buffer {
  const end = Buffer.from(prefix);
  end[end.length - 1]! += 1;
  return end;
}

/** The apiserver's store: a client for the etcd members at endpoints, over TLS when tls names any file. */
export function openEtcdStore(endpoints: string[], tls: EtcdClientTls = {}): EtcdStore {
  const { etcd, kv } = connectEtcd(endpoints, hasEtcdTls(tls) ? tls : undefined);
  return new EtcdStore(etcd, kv);
}

export class EtcdStore implements Store {
  private readonly creates: CreateBatcher;

  constructor(
    private readonly etcd: Etcd3,
    private readonly kv: EtcdKv,
  ) {
    this.creates = new CreateBatcher({
      commitOne: (c) => this.createAlone(c),
      commitAll: (cs) => this.createAll(cs),
      maxInFlight: CREATE_TXNS_IN_FLIGHT,
      maxCreates: MAX_CREATES_PER_TXN,
      maxBytes: MAX_BATCH_BYTES,
      minAnswersPerTurn: MIN_CREATE_ANSWERS_PER_TURN,
    });
  }

  async get(key: string): Promise<StoredValue | undefined> {
    const res = await timeEtcd('get', key, () => this.kv.range({ key: Buffer.from(key) }));
    return res.kvs[0];
  }

  /** Creates with extra compares and puts (quota, allocators) go alone; plain ones through the batcher. */
  async create(key: string, value: Buffer, extra?: TxnExtra, lease?: string): Promise<WriteResult> {
    return timeEtcd('create', key, () => (extra ? this.createAlone({ key, value, lease }, extra) : this.creates.create({ key, value, lease })));
  }

  private createAlone(c: PlainCreate, extra?: TxnExtra): Promise<WriteResult> {
    const guard = versionZero(c.key);
    return this.txn({ key: c.key, written: c.value }, guard, { put: { key: guard.key, value: c.value, lease: c.lease } }, extra);
  }

  async update(key: string, value: Buffer, expectedRevision: number, extra?: TxnExtra): Promise<WriteResult> {
    const keyBytes = Buffer.from(key);
    return timeEtcd('update', key, () => this.txn({ key, written: value }, { key: keyBytes, target: 'mod', value: expectedRevision }, { put: { key: keyBytes, value } }, extra));
  }

  async delete(key: string, expectedRevision: number, extra?: TxnExtra): Promise<WriteResult> {
    const keyBytes = Buffer.from(key);
    return timeEtcd('delete', key, () => this.txn({ key }, { key: keyBytes, target: 'mod', value: expectedRevision }, { delete: keyBytes }, extra));
  }

  /**
   * One transaction: guard and extra's compares, then op and extra's puts; else a read of key
   * (and for a put of extra's keys too, to recognise one that already happened: see ownEarlierWrite).
   */
  private async txn(write: { key: string; written?: Buffer }, guard: KvCompare, op: KvOp, extra?: TxnExtra): Promise<WriteResult> {
    const compare: KvCompare[] = [guard];
    const success: KvOp[] = [op];
    const failure: KvOp[] = [{ range: guard.key }];
    for (const c of extra?.compares ?? []) compare.push({ key: Buffer.from(c.key), target: 'mod', value: c.modRevision });
    for (const p of extra?.puts ?? []) {
      success.push({ put: { key: Buffer.from(p.key), value: p.value } });
      if (write.written) failure.push({ range: Buffer.from(p.key) });
    }
    const res = await this.kv.txn({ compare, success, failure });
    if (res.succeeded) return { ok: true, revision: res.revision };
    const [kv, ...extraKvs] = res.responses.map((r) => r?.kvs[0]);
    const revision = write.written && ownEarlierWrite([{ key: write.key, value: write.written }, ...(extra?.puts ?? [])], [kv, ...extraKvs]);
    if (revision) return { ok: true, revision };
    return { ok: false, current: kv };
  }

  /**
   * Several creates in one transaction, all at one revision. Its failure branch reads nothing: the
   * batcher then commits each create alone, which reads its key. So it does when etcd refuses the
   * transaction for its size (a member run with lower limits than the defaults).
   */
  private async createAll(creates: PlainCreate[]): Promise<{ ok: true; revision: number } | { ok: false }> {
    const compare: KvCompare[] = [];
    const success: KvOp[] = [];
    for (const c of creates) {
      const guard = versionZero(c.key);
      compare.push(guard);
      success.push({ put: { key: guard.key, value: c.value, lease: c.lease } });
    }
    try {
      const res = await this.kv.txn({ compare, success, failure: [] });
      return res.succeeded ? { ok: true, revision: res.revision } : { ok: false };
    } catch (err) {
      if (err instanceof Error && TXN_TOO_BIG.test(err.message)) return { ok: false };
      throw err;
    }
  }

  async list(prefix: string, opts: ListOptions = {}): Promise<ListPage> {
    const from = opts.startAfter ? Buffer.concat([Buffer.from(opts.startAfter), Buffer.from([0])]) : Buffer.from(prefix);
    try {
      const res = await timeEtcd('list', prefix, () => this.kv.range({ key: from, rangeEnd: prefixEnd(prefix), sorted: true, limit: opts.limit, revision: opts.revision }));
      // etcd's header carries its current revision even for a read at an older one.
      const revision = opts.revision || res.revision;
      return { items: res.kvs, revision, more: res.more, remaining: res.count - res.kvs.length };
    } catch (err) {
      throw asCompacted(err) ?? err;
    }
  }

  /** Progress key writes reach the handlers as empty batches at their revision (etcd-watch.ts). */
  watch(prefix: string, fromRevision: number, handlers: WatchHandlers): Promise<StoreWatch> {
    return openEtcdWatch(this.kv.members, prefix, fromRevision, handlers);
  }

  async progress(prefix: string): Promise<void> {
    await this.etcd.put(progressKey(prefix)).value('').exec();
  }

  async currentRevision(): Promise<number> {
    const res = await timeEtcd('currentRevision', '', () => this.kv.range({ key: Buffer.from('/registry-revision-probe') }));
    return res.revision;
  }

  /**
   * Compacts etcd's history up to revision and records it (etcd offers no way to ask). A record
   * that is too low (two apiservers racing) only costs a reader one failed read of old history.
   */
  async compact(revision: number): Promise<void> {
    try {
      await this.etcd.kv.compact({ revision: String(revision), physical: false });
    } catch (err) {
      throw asCompacted(err) ?? err;
    }
    await this.etcd.put(COMPACTED_REVISION_KEY).value(String(revision));
  }

  async compactedRevision(): Promise<number> {
    const value = await this.etcd.get(COMPACTED_REVISION_KEY).string();
    return value ? Number(value) : 0;
  }

  async grantLease(ttlSeconds: number): Promise<string> {
    const res = await this.etcd.leaseClient.leaseGrant({ TTL: ttlSeconds, ID: '0' });
    return String(res.ID);
  }

  async close(): Promise<void> {
    this.kv.close();
    this.etcd.close();
  }
}

/** A create's guard: the key does not exist. */
function versionZero(key: string): KvCompare {
  return { key: Buffer.from(key), target: 'version', value: 0 };
}

/**
 * The revision of this very write when its failed compare shows it already happened: EtcdKv sends
 * a transaction again when an earlier attempt got no answer (a deadline, a dropped connection, the
 * leader lost), and that attempt may have been applied. Then the key, and every key put with it,
 * holds exactly the bytes written, all at one revision. A create's object carries the uid made for
 * it, so no other write can match; an update's bytes carry its managedFields time and the caller's
 * change, and another writer's identical bytes leave the object as this write wanted it anyway.
 * Reported as a conflict instead, an update with the client's resourceVersion (a leader renewing
 * its lease on a slow etcd) failed although it was applied.
 */
function ownEarlierWrite(puts: { key: string; value: Buffer }[], current: (StoredValue | undefined)[]): number | undefined {
  const revision = current[0]?.modRevision;
  const matches = puts.every((p, i) => {
    const kv = current[i];
    return kv !== undefined && kv.modRevision === revision && kv.value.equals(p.value);
  });
  return matches && revision ? revision : undefined;
}

/** Recognises etcd's "required revision has been compacted" error. */
function asCompacted(err: unknown): CompactedError | undefined {
  if (err instanceof EtcdError && /compacted/.test(err.message)) return new CompactedError(0);
  if (err instanceof Error && /required revision has been compacted/.test(err.message)) return new CompactedError(0);
  return undefined;
}
