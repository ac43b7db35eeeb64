import { mkdtemp, readdir, readFile, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { AuditLogWriter } from './log-writer.js';

const log = pino({ level: 'silent' });

async function writer(over: Partial<ConstructorParameters<typeof AuditLogWriter>[0]> = {}) {
  const dir = await mkdtemp(join(tmpdir(), 'audit-'));
  const path = join(dir, 'audit.log');
  const w = new AuditLogWriter({ path, maxSizeMB: 0, maxBackups: 0, maxBufferedEvents: 1000, log, ...over });
  await w.open();
  return { dir, path, w };
}

const lines = async (path: string) => (await readFile(path, 'utf8')).split('\n').filter(Boolean).map((l) => JSON.parse(l) as { n: number });

describe('AuditLogWriter', () => {
  it('appends events as JSON lines in order, without the caller waiting, to a file only its owner reads', async () => {
    const { path, w } = await writer();
    for (let n = 0; n < 100; n++) w.write({ n });
    await w.close();
    expect((await lines(path)).map((e) => e.n)).toEqual([...Array(100).keys()]);
    expect((await stat(path)).mode & 0o777).toBe(0o600);
  });

  it('drops events beyond its buffer instead of growing without bound', async () => {
    const { path, w } = await writer({ maxBufferedEvents: 10 });
    // The first event starts a write at once; the next ten fill the buffer; the rest are dropped.
    for (let n = 0; n < 50; n++) w.write({ n });
    await w.close();
    expect((await lines(path)).length).toBeLessThanOrEqual(11);
  });

  it('rotates at the size limit and keeps the newest backups', async () => {
    const { dir, path, w } = await writer({ maxSizeMB: 0.001, maxBackups: 2 });
    const padding = 'x'.repeat(400);
    for (let n = 0; n < 12; n++) {
      w.write({ n, padding });
      // One write per event, so that each rotation gets its own timestamp.
      await w.close();
      await w.open();
      await new Promise((r) => setTimeout(r, 2));
    }
    await w.close();
    const files = (await readdir(dir)).sort();
    expect(files.filter((f) => f.startsWith('audit-'))).toHaveLength(2);
    expect(files).toContain('audit.log');
    expect((await stat(path)).size).toBeLessThanOrEqual(1024 + 500);
  });
});
