import type { WriteResult } from './store.js';

// Group commit of plain creates. Each etcd transaction costs the apiserver a gRPC call and etcd a
// raft entry and an fsync'd WAL record, whatever its size; under load those per-transaction costs,
// not the bytes, bound creates/s. So while earlier creates are in flight, new ones wait in a queue
// and the next transaction takes the whole queue: one guard per key (version 0), one put per key.
// Creates are sent once the event loop turn they came in is over (setImmediate), so the requests of
// one socket read go together: sent at once, the first of them went alone and the rest waited for
// it, which made every other transaction a single create. No timer: an idle create waits for
// nothing but the end of its turn.
//
// A committed transaction's creates are answered in two halves, one per event-loop turn. Answered
// all in one turn, their replies reached the callers in one write, every caller sent its next
// request in the same moment, and the next transaction carried them all again: callers and
// apiserver took turns, each idle while the other worked. The first half's replies now go out while
// the second half is being answered, so those callers' next requests are read while the rest are
// still on their way. A half is never smaller than minAnswersPerTurn: halves of halves would split
// the callers into ever smaller groups and etcd into ever more transactions.

export interface PlainCreate {
  key: string;
  value: Buffer;
  /** The etcd lease the key is attached to, if any. */
  lease?: string;
}

export interface CreateBatcherOptions {
  /** Commits one create alone, with every answer a create can get (AlreadyExists, its own earlier write). */
  commitOne(create: PlainCreate): Promise<WriteResult>;
  /** Commits creates in one transaction: all of them (ok, at the revision) or none (some key exists, or etcd refused the size); then each is committed alone. */
  commitAll(creates: PlainCreate[]): Promise<{ ok: true; revision: number } | { ok: false }>;
  /** Transactions of this batcher in flight before creates queue up. */
  maxInFlight: number;
  /** Creates in one transaction (etcd refuses more than --max-txn-ops operations, 128 by default). */
  maxCreates: number;
  /** Bytes of keys and values in one transaction, well under etcd's request limit (1.5 MiB by default). */
  maxBytes: number;
  /** The fewest creates of a committed transaction answered in one event-loop turn. */
  minAnswersPerTurn: number;
}

interface Waiting {
  create: PlainCreate;
  resolve: (result: WriteResult) => void;
  reject: (err: unknown) => void;
}

/** Framing of a create's compare and put beside its key and value (tags, lengths, a lease). */
const PER_CREATE_OVERHEAD = 40;

function sizeOf(create: PlainCreate): number {
  return 2 * create.key.length + create.value.length + PER_CREATE_OVERHEAD;
}

export class CreateBatcher {
  private queue: Waiting[] = [];
  private inFlight = 0;
  private sendScheduled = false;

  constructor(private readonly opts: CreateBatcherOptions) {}

  create(create: PlainCreate): Promise<WriteResult> {
    return new Promise((resolve, reject) => {
      this.queue.push({ create, resolve, reject });
      if (this.sendScheduled) return;
      this.sendScheduled = true;
      setImmediate(() => {
        this.sendScheduled = false;
        this.sendWhileRoom();
      });
    });
  }

  private sendWhileRoom(): void {
    while (this.inFlight < this.opts.maxInFlight && this.queue.length > 0) {
      const batch = this.takeBatch();
      this.inFlight++;
      void this.send(batch).finally(() => {
        this.inFlight--;
        this.sendWhileRoom();
      });
    }
  }

  /**
   * The oldest creates that fit one transaction, in order. A second create of a key already in the
   * batch ends it (etcd refuses a transaction that puts one key twice); a create too large to share
   * a transaction goes alone.
   */
  private takeBatch(): Waiting[] {
    const keys = new Set<string>();
    let bytes = 0;
    let n = 0;
    for (const w of this.queue) {
      const size = sizeOf(w.create);
      if (n > 0 && (n === this.opts.maxCreates || bytes + size > this.opts.maxBytes || keys.has(w.create.key))) break;
      keys.add(w.create.key);
      bytes += size;
      n++;
    }
    return this.queue.splice(0, n);
  }

  private async send(batch: Waiting[]): Promise<void> {
    if (batch.length === 1) return settle(batch[0]!, this.opts.commitOne(batch[0]!.create));
    let result: { ok: true; revision: number } | { ok: false };
    try {
      result = await this.opts.commitAll(batch.map((w) => w.create));
    } catch (err) {
      // A transaction is atomic: none of them was written, and each fails as it would have alone.
      for (const w of batch) w.reject(err);
      return;
    }
    if (result.ok) {
      this.answer(batch, result.revision);
      return;
    }
    // Some key exists, or an earlier attempt of this very transaction was applied and its answer
    // lost: each create alone gets its own answer (AlreadyExists, or its own earlier write).
    await Promise.all(batch.map((w) => settle(w, this.opts.commitOne(w.create))));
  }

  /** Answers the committed creates: the first half (at least minAnswersPerTurn) now, the rest in the next turn. */
  private answer(batch: Waiting[], revision: number): void {
    const now = Math.min(batch.length, Math.max(this.opts.minAnswersPerTurn, Math.ceil(batch.length / 2)));
    for (let i = 0; i < now; i++) batch[i]!.resolve({ ok: true, revision });
    if (now < batch.length) setImmediate(() => {
      for (let i = now; i < batch.length; i++) batch[i]!.resolve({ ok: true, revision });
    });
  }
}

async function settle(w: Waiting, result: Promise<WriteResult>): Promise<void> {
  try {
    w.resolve(await result);
  } catch (err) {
    w.reject(err);
  }
}
