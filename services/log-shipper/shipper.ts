import { readFile } from 'node:fs/promises';
import { Agent, request } from 'node:http';
import type { Logger } from 'pino';
import writeFileAtomic from 'write-file-atomic';
import {
  LABEL_CONTAINER_NAME, LABEL_CONTAINER_TYPE, LABEL_POD_NAME, LABEL_POD_NAMESPACE, LABEL_POD_UID, isOwnedBy, ownerFilters, type ContainerOwner,
} from '../../lib/container-labels.js';
import { logLines, type Engine } from './engine.js';
import { encodeEntry } from './journal-export.js';
import { journalEntry, parseTimedLine, type ContainerSource } from './log-line.js';

export interface LogShipperOptions {
  engine: Engine;
  nodeName: string;
  /** The cluster whose containers are shipped (the kubelet's `--cluster-id`): another cluster's node of the same name on the engine is not. */
  clusterId?: string;
  /** systemd-journal-remote's upload URL (http://host:port/upload). */
  url: string;
  /** Where the last shipped line of each container is kept, so a restarted shipper neither loses nor repeats lines. */
  stateFile: string;
  /** How often the node's containers are listed. */
  relistIntervalMs?: number;
  /** How long lines wait to be sent together. */
  flushIntervalMs?: number;
  log: Logger;
}

const BATCH = 2_000;
/** Lines held in memory at most: beyond this the log streams wait (the lines stay in the engine's files). */
const HIGH_WATER = 4 * BATCH;

interface Pending {
  id: string;
  ns: bigint;
  /** The entry in the journal export format, encoded once. */
  data: Buffer;
}

/**
 * Ships the log lines of every pod container of one node of one cluster to
 * systemd-journal-remote. The containers are found by the kubelet's node and cluster labels
 * through the engine API, listed every second (a container that lived for a moment is still
 * listed, exited, and its lines are read); each one's log is followed through the engine
 * (`logs?follow=1&timestamps=1`), so rotation by the engine is invisible here. Lines are sent in
 * batches; while the store is slow or away the streams stop being read, so memory stays bounded
 * and nothing is dropped. A container's position (the time of its last line the store accepted)
 * is kept in a state file and a stream resumes after it.
 */
export class LogShipper {
  readonly #o: Required<Omit<LogShipperOptions, 'log' | 'clusterId'>> & { log: Logger };
  readonly #owner: ContainerOwner;
  readonly #following = new Set<string>();
  /** Exited containers whose log was read to its end. */
  readonly #finished = new Set<string>();
  #positions = new Map<string, bigint>();
  #pending: Pending[] = [];
  /** Streams waiting for room in #pending. */
  #waiting: (() => void)[] = [];
  #timers: NodeJS.Timeout[] = [];
  #flushing?: Promise<void>;
  readonly #stop = new AbortController();
  readonly #agent = new Agent({ keepAlive: true, maxSockets: 1 });

  constructor(options: LogShipperOptions) {
    const { clusterId, ...rest } = options;
    this.#o = { relistIntervalMs: 1_000, flushIntervalMs: 250, ...rest };
    this.#owner = { nodeName: options.nodeName, ...(clusterId !== undefined && { clusterId }) };
  }

  async start(): Promise<void> {
    this.#positions = await this.#loadPositions();
    const relist = (): void => void this.#relist().catch((err: unknown) => this.#o.log.warn({ err: (err as Error).message }, 'listing containers failed'));
    const flush = (): void => {
      this.#flushing ??= this.flush().finally(() => (this.#flushing = undefined));
    };
    relist();
    this.#timers = [setInterval(relist, this.#o.relistIntervalMs), setInterval(flush, this.#o.flushIntervalMs)];
  }

  async stop(): Promise<void> {
    this.#stop.abort();
    for (const t of this.#timers) clearInterval(t);
    this.#wakeWaiting();
    await this.#flushing;
    await this.flush();
    this.#agent.destroy();
  }

  async #relist(): Promise<void> {
    const listing = await this.#o.engine.list(ownerFilters(this.#owner).label);
    const present = new Set(listing.map((c) => c.Id));
    for (const c of listing) {
      // The engine cannot filter on a missing label: a shipper without a cluster ID skips clusters' containers here.
      if (!isOwnedBy(c.Labels, this.#owner)) continue;
      if (c.Labels[LABEL_CONTAINER_TYPE] === 'sandbox' || this.#following.has(c.Id) || this.#finished.has(c.Id)) continue;
      const source: ContainerSource = {
        id: c.Id,
        pod: c.Labels[LABEL_POD_NAME] ?? '',
        namespace: c.Labels[LABEL_POD_NAMESPACE] ?? '',
        podUid: c.Labels[LABEL_POD_UID] ?? '',
        container: c.Labels[LABEL_CONTAINER_NAME] ?? '',
        node: this.#o.nodeName,
      };
      this.#following.add(c.Id);
      this.#follow(source, c.State !== 'running' && c.State !== 'created' && c.State !== 'restarting')
        .catch((err: unknown) => this.#o.log.debug({ container: c.Id, err: (err as Error).message }, 'log stream ended'))
        .finally(() => this.#following.delete(c.Id));
    }
    for (const id of [...this.#finished, ...this.#positions.keys()]) {
      if (!present.has(id)) {
        this.#finished.delete(id);
        this.#positions.delete(id);
      }
    }
  }

  /** Reads one container's log from its position on, to the end (an exited container) or as it grows. */
  async #follow(source: ContainerSource, exited: boolean): Promise<void> {
    const after = this.#positions.get(source.id) ?? 0n;
    const { tty } = await this.#o.engine.inspect(source.id);
    // Whole seconds: the engine's `since` is inclusive, lines at or before the position are skipped below.
    const raw = await this.#o.engine.logs(source.id, Number(after / 1_000_000_000n), this.#stop.signal);
    for await (const { stream, line: text } of logLines(raw, tty)) {
      const line = parseTimedLine(text);
      if (!line || line.ns <= after) continue;
      await this.#room();
      this.#pending.push({ id: source.id, ns: line.ns, data: encodeEntry(journalEntry(source, stream, line)) });
    }
    if (exited || !(await this.#o.engine.inspect(source.id).then((i) => i.running, () => false))) this.#finished.add(source.id);
  }

  /** Waits while the lines in memory are at the high-water mark; the stream is not read meanwhile. */
  async #room(): Promise<void> {
    while (this.#pending.length >= HIGH_WATER && !this.#stop.signal.aborted) await new Promise<void>((resolve) => this.#waiting.push(resolve));
  }

  #wakeWaiting(): void {
    const waiting = this.#waiting;
    this.#waiting = [];
    for (const wake of waiting) wake();
  }

  /** Sends what is waiting, a batch at a time; a failed batch stays for the next flush. */
  async flush(): Promise<void> {
    while (this.#pending.length > 0) {
      const batch = this.#pending.slice(0, BATCH);
      try {
        await this.#post(Buffer.concat(batch.map((p) => p.data)));
      } catch (err) {
        this.#o.log.warn({ url: this.#o.url, lines: batch.length, err: (err as Error).message }, 'shipping log lines failed; retrying');
        return;
      }
      this.#pending.splice(0, batch.length);
      this.#wakeWaiting();
      for (const p of batch) if ((this.#positions.get(p.id) ?? 0n) < p.ns) this.#positions.set(p.id, p.ns);
      await this.#savePositions();
    }
  }

  /** One upload; resolves once the store answered with a 2xx. */
  #post(body: Buffer): Promise<void> {
    return new Promise((resolve, reject) => {
      const req = request(this.#o.url, { method: 'POST', agent: this.#agent, headers: { 'Content-Type': 'application/vnd.fdo.journal', 'Content-Length': body.length } }, (res) => {
        let answer = '';
        res.on('data', (chunk: Buffer) => (answer += String(chunk)));
        res.on('error', reject);
        res.on('end', () => ((res.statusCode ?? 500) < 300 ? resolve() : reject(new Error(`${res.statusCode} ${answer.trim()}`))));
      });
      req.on('error', reject);
      req.end(body);
    });
  }

  async #loadPositions(): Promise<Map<string, bigint>> {
    try {
      const saved = JSON.parse(await readFile(this.#o.stateFile, 'utf8')) as Record<string, string>;
      return new Map(Object.entries(saved).map(([id, ns]) => [id, BigInt(ns)]));
    } catch {
      return new Map();
    }
  }

  #savePositions(): Promise<void> {
    return writeFileAtomic(this.#o.stateFile, JSON.stringify(Object.fromEntries([...this.#positions].map(([id, ns]) => [id, String(ns)]))));
  }
}
