import { readFile } from 'node:fs/promises';
import { PassThrough } from 'node:stream';
import { createInterface } from 'node:readline';
import type Docker from 'dockerode';
import type { Logger } from 'pino';
import writeFileAtomic from 'write-file-atomic';
import { LABEL_CONTAINER_NAME, LABEL_CONTAINER_TYPE, LABEL_NODE, LABEL_POD_NAME, LABEL_POD_NAMESPACE, LABEL_POD_UID } from '../../lib/container-labels.js';
import { encodeEntries, type JournalFields } from './journal-export.js';
import { journalEntry, parseTimedLine, type ContainerSource, type Stream } from './log-line.js';

export interface LogShipperOptions {
  docker: Docker;
  nodeName: string;
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

/** Lines kept while the store does not answer; beyond this the oldest are dropped (and counted in the log). */
const MAX_PENDING = 50_000;
const BATCH = 2_000;

interface Pending {
  id: string;
  ns: bigint;
  entry: JournalFields;
}

/**
 * Ships the log lines of every pod container of one node to systemd-journal-remote. The node's
 * containers are found by the kubelet's labels through the engine API, listed every second (a
 * container that lived for a moment is still listed, exited, and its lines are read); each one's
 * log is followed through the engine (`logs?follow=1&timestamps=1`), so rotation by the engine is
 * invisible here. Lines are sent in batches; a container's position (the time of its last line
 * the store accepted) is kept in a state file and a stream resumes after it.
 */
export class LogShipper {
  readonly #o: Required<Omit<LogShipperOptions, 'log'>> & { log: Logger };
  readonly #following = new Set<string>();
  /** Exited containers whose log was read to its end. */
  readonly #finished = new Set<string>();
  #positions = new Map<string, bigint>();
  #pending: Pending[] = [];
  #timers: NodeJS.Timeout[] = [];
  #flushing?: Promise<void>;
  readonly #stop = new AbortController();

  constructor(options: LogShipperOptions) {
    this.#o = { relistIntervalMs: 1_000, flushIntervalMs: 250, ...options };
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
    await this.#flushing;
    await this.flush();
  }

  async #relist(): Promise<void> {
    const listing = await this.#o.docker.listContainers({ all: true, filters: { label: [`${LABEL_NODE}=${this.#o.nodeName}`] } });
    const present = new Set(listing.map((c) => c.Id));
    for (const c of listing) {
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
    const container = this.#o.docker.getContainer(source.id);
    const stream = (await container.logs({
      follow: true,
      stdout: true,
      stderr: true,
      timestamps: true,
      // Whole seconds: the engine's `since` is inclusive, lines at or before the position are skipped below.
      since: Number(after / 1_000_000_000n),
      abortSignal: this.#stop.signal,
    } as Docker.ContainerLogsOptions & { follow: true })) as NodeJS.ReadableStream;
    const outputs: Record<Stream, PassThrough> = { stdout: new PassThrough(), stderr: new PassThrough() };
    this.#o.docker.modem.demuxStream(stream, outputs.stdout, outputs.stderr);
    const done = new Promise<void>((resolve) => {
      stream.on('end', resolve);
      stream.on('close', resolve);
      stream.on('error', resolve);
    });
    const readers = (Object.keys(outputs) as Stream[]).map(async (name) => {
      for await (const raw of createInterface({ input: outputs[name], crlfDelay: Infinity })) {
        const line = parseTimedLine(raw);
        if (!line || line.ns <= after) continue;
        this.#enqueue({ id: source.id, ns: line.ns, entry: journalEntry(source, name, line) });
      }
    });
    await done;
    outputs.stdout.end();
    outputs.stderr.end();
    await Promise.all(readers);
    if (exited || !(await container.inspect().then((i) => i.State.Running, () => false))) this.#finished.add(source.id);
  }

  #enqueue(p: Pending): void {
    this.#pending.push(p);
    if (this.#pending.length > MAX_PENDING) {
      const dropped = this.#pending.length - MAX_PENDING;
      this.#pending.splice(0, dropped);
      this.#o.log.warn({ dropped }, 'the log store does not keep up: oldest lines dropped');
    }
  }

  /** Sends what is waiting, a batch at a time; a failed batch stays for the next flush. */
  async flush(): Promise<void> {
    while (this.#pending.length > 0) {
      const batch = this.#pending.slice(0, BATCH);
      try {
        const res = await fetch(this.#o.url, { method: 'POST', headers: { 'Content-Type': 'application/vnd.fdo.journal' }, body: new Uint8Array(encodeEntries(batch.map((p) => p.entry))) });
        await res.text();
        if (!res.ok) throw new Error(`${res.status} ${res.statusText}`);
      } catch (err) {
        this.#o.log.warn({ url: this.#o.url, lines: batch.length, err: (err as Error).message }, 'shipping log lines failed; retrying');
        return;
      }
      this.#pending.splice(0, batch.length);
      for (const p of batch) if ((this.#positions.get(p.id) ?? 0n) < p.ns) this.#positions.set(p.id, p.ns);
      await this.#savePositions();
    }
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
