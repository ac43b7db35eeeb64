import { mkdir, open, readdir, rename, rm, stat, type FileHandle } from 'node:fs/promises';
import { basename, dirname, extname, join } from 'node:path';
import type { Logger } from 'pino';

export interface AuditLogOptions {
  path: string;
  /** Rotate when the file would grow past this many megabytes; 0: never. */
  maxSizeMB: number;
  /** Rotated files kept; 0: all of them. */
  maxBackups: number;
  /** Events held in memory while the disk is slow; beyond this, new events are dropped (and counted). */
  maxBufferedEvents: number;
  log: Logger;
}

/**
 * The audit log as JSON lines. A request hands its event over and goes on: events wait in memory
 * and one write at a time appends everything that gathered meanwhile, so no request ever waits for
 * the disk. When the disk cannot keep up the buffer is bounded: events beyond it are dropped and
 * the loss is logged, as kube-apiserver's batching backend does. Rotation renames the file with
 * its time (`audit-2026-01-02T03-04-05.678.log`) and keeps the newest maxBackups.
 */
export class AuditLogWriter {
  private pending: string[] = [];
  private writing: Promise<void> | undefined;
  private file: FileHandle | undefined;
  private size = 0;
  private dropped = 0;

  constructor(private readonly opts: AuditLogOptions) {}

  async open(): Promise<void> {
    await mkdir(dirname(this.opts.path), { recursive: true });
    this.file = await open(this.opts.path, 'a', 0o600);
    this.size = (await stat(this.opts.path)).size;
  }

  write(event: object): void {
    if (this.pending.length >= this.opts.maxBufferedEvents) {
      this.dropped++;
      return;
    }
    this.pending.push(`${JSON.stringify(event)}\n`);
    this.writing ??= this.drain();
  }

  /** Writes what is buffered, then closes the file. */
  async close(): Promise<void> {
    await this.writing;
    await this.file?.close();
    this.file = undefined;
  }

  private async drain(): Promise<void> {
    try {
      while (this.pending.length > 0 && this.file) {
        const text = this.pending.join('');
        this.pending = [];
        const bytes = Buffer.from(text);
        if (this.opts.maxSizeMB > 0 && this.size > 0 && this.size + bytes.length > this.opts.maxSizeMB * 1024 * 1024) await this.rotate();
        await this.file.write(bytes);
        this.size += bytes.length;
        if (this.dropped > 0) {
          this.opts.log.warn({ dropped: this.dropped }, 'audit events dropped: the audit log could not keep up');
          this.dropped = 0;
        }
      }
    } catch (err) {
      this.opts.log.error({ err, path: this.opts.path }, 'writing the audit log failed');
      this.pending = [];
    } finally {
      this.writing = undefined;
    }
  }

  private async rotate(): Promise<void> {
    const { path, maxBackups } = this.opts;
    await this.file?.close();
    const ext = extname(path);
    const base = basename(path, ext);
    const stamp = new Date().toISOString().replace(/:/g, '-').replace(/Z$/, '');
    await rename(path, join(dirname(path), `${base}-${stamp}${ext}`));
    if (maxBackups > 0) {
      const backups = (await readdir(dirname(path))).filter((f) => f.startsWith(`${base}-`) && f.endsWith(ext)).sort();
      for (const old of backups.slice(0, Math.max(0, backups.length - maxBackups))) await rm(join(dirname(path), old), { force: true });
    }
    this.file = await open(path, 'a', 0o600);
    this.size = 0;
  }
}
