import { EventEmitter } from 'node:events';
import type { OutgoingHttpHeaders, ServerResponse } from 'node:http';
import { describe, expect, it } from 'vitest';
import type * as t from '../../../lib/api/generated/index.js';
import { resourceByKind, type AnyObject } from '../../../lib/api/resources.js';
import type { ListedObject } from '../operations.js';
import { encodeKubeProtobuf } from './kube-protobuf.js';
import { wholeList, writeJsonList, writeKubeProtobufList, type ListDocument } from './list-response.js';
import { listJSON, objectJSON } from './objects.js';
import { tablePresenter } from './table.js';

const configMaps = resourceByKind('ConfigMap')!;
const LIMITS = { chunkSize: 1024, bufferedBytes: 4096 };

/**
 * A response whose client reads on a later turn, and which fails the test if anything is written
 * while more than the writer's bound is queued.
 */
class SlowResponse extends EventEmitter {
  status = 0;
  headers: OutgoingHttpHeaders = {};
  headersSent = false;
  destroyed = false;
  ended = false;
  writes: (string | Buffer)[] = [];
  writableLength = 0;
  mostQueued = 0;
  writtenWhileFull = false;
  private reading = false;

  writeHead(status: number, headers: OutgoingHttpHeaders): this {
    this.status = status;
    this.headers = headers;
    this.headersSent = true;
    return this;
  }

  write(chunk: string | Buffer): boolean {
    if (this.writableLength > LIMITS.bufferedBytes) this.writtenWhileFull = true;
    this.writes.push(chunk);
    this.writableLength += chunk.length;
    this.mostQueued = Math.max(this.mostQueued, this.writableLength);
    if (!this.reading) {
      this.reading = true;
      setImmediate(() => {
        this.reading = false;
        this.writableLength = 0;
        this.emit('drain');
      });
    }
    return false;
  }

  end(chunk: string | Buffer): void {
    this.writes.push(chunk);
    this.ended = true;
  }

  destroy(): void {
    this.destroyed = true;
    this.emit('close');
  }

  get body(): string {
    return this.writes.join('');
  }

  get bytes(): Buffer {
    return Buffer.concat(this.writes.map((w) => Buffer.from(w)));
  }
}

function configMap(i: number): AnyObject {
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: `cm-${String(i).padStart(4, '0')}`, namespace: 'default', resourceVersion: String(100 + i), uid: `uid-${i}`, labels: { app: 'web', 'ünïcode': 'ü' } },
    data: { key: 'v'.repeat(200) },
  } as AnyObject;
}

const entries = (count: number): ListedObject[] => Array.from({ length: count }, (_, i) => ({ object: configMap(i) }));
const META: t.ListMeta = { resourceVersion: '4242', continue: 'next-page', remainingItemCount: 17 };

async function written(doc: ListDocument): Promise<SlowResponse> {
  const res = new SlowResponse();
  await writeJsonList(res as unknown as ServerResponse, doc, { 'Content-Type': 'application/json' }, LIMITS);
  return res;
}

describe('a JSON list written item by item', () => {
  it('writes a long list in several chunks, stopping while more than its bound is queued, and the bytes are the whole list', async () => {
    const objects = entries(100);
    const res = await written(listJSON(configMaps, objects, META));
    // The list as it was built whole before it was streamed: items last, metadata without empty fields.
    const whole = { apiVersion: 'v1', kind: 'ConfigMapList', metadata: { resourceVersion: '4242', continue: 'next-page', remainingItemCount: 17 }, items: objects.map((e) => objectJSON(configMaps, e.object)) };
    expect(res.body).toBe(JSON.stringify(whole));
    expect(res.writes.length).toBeGreaterThan(10);
    expect(res.writtenWhileFull).toBe(false);
    expect(res.ended).toBe(true);
    expect(res.status).toBe(200);
    expect(res.headers['Content-Length']).toBeUndefined();
    // What is held at once is the bound, a chunk and one item, not the list.
    const itemChars = JSON.stringify(objectJSON(configMaps, objects[0]!.object)).length;
    for (const chunk of res.writes) expect(chunk.length).toBeLessThan(LIMITS.chunkSize + itemChars + 2);
    expect(res.mostQueued).toBeLessThan(LIMITS.bufferedBytes + LIMITS.chunkSize + itemChars + 2);
    expect(res.body.length).toBeGreaterThan(4 * res.mostQueued);
  });

  it('writes a Table the same way, rows last', async () => {
    const objects = entries(60);
    const doc = tablePresenter(new URLSearchParams()).list(configMaps, objects, META);
    const res = await written(doc);
    const table = JSON.parse(res.body) as { rows: { cells: unknown[]; object: { metadata: { name: string } } }[] };
    expect(Object.keys(table)).toEqual(['kind', 'apiVersion', 'metadata', 'columnDefinitions', 'rows']);
    expect(table.rows.map((r) => r.object.metadata.name)).toEqual(objects.map((e) => e.object.metadata?.name));
    expect(res.body).toBe(JSON.stringify(wholeList(doc)));
    expect(res.writes.length).toBeGreaterThan(1);
    expect(res.writtenWhileFull).toBe(false);
  });

  it('sends a short list whole, with its Content-Length', async () => {
    const res = await written(listJSON(configMaps, entries(2), { resourceVersion: '7', continue: '' }));
    expect(res.writes).toHaveLength(1);
    expect(res.headers['Content-Length']).toBe(Buffer.byteLength(res.body));
    expect(JSON.parse(res.body)).toMatchObject({ kind: 'ConfigMapList', metadata: { resourceVersion: '7' } });
  });

  it('writes an empty list as an empty array', async () => {
    const res = await written(listJSON(configMaps, [], { resourceVersion: '7' }));
    expect(res.body).toBe('{"apiVersion":"v1","kind":"ConfigMapList","metadata":{"resourceVersion":"7"},"items":[]}');
  });

  const failingAt = (count: number, at: number): ListDocument => {
    const doc = listJSON(configMaps, entries(count), META);
    return {
      ...doc,
      present: (entry) => {
        if (entry.object.metadata?.name === `cm-${String(at).padStart(4, '0')}`) throw new Error('the object cannot be decoded');
        return doc.present(entry);
      },
    };
  };

  it('sends nothing when an item fails before the first chunk is out, so the caller can answer with a Status', async () => {
    const res = new SlowResponse();
    await expect(writeJsonList(res as unknown as ServerResponse, failingAt(100, 2), {}, LIMITS)).rejects.toThrow('cannot be decoded');
    expect(res.headersSent).toBe(false);
    expect(res.writes).toEqual([]);
    expect(res.destroyed).toBe(false);
  });

  it('cuts the connection when an item fails after bytes are out, so the client cannot take a short list for whole', async () => {
    const res = new SlowResponse();
    await expect(writeJsonList(res as unknown as ServerResponse, failingAt(100, 50), {}, LIMITS)).rejects.toThrow('cannot be decoded');
    expect(res.writes.length).toBeGreaterThan(0);
    expect(res.destroyed).toBe(true);
    expect(res.ended).toBe(false);
  });

  it('stops when the client goes away while it waits for the socket', async () => {
    const res = new SlowResponse();
    let presented = 0;
    const doc = listJSON(configMaps, entries(100), META);
    const counting: ListDocument = { ...doc, present: (entry) => (presented++, doc.present(entry)) };
    const writing = writeJsonList(res as unknown as ServerResponse, counting, {}, LIMITS);
    res.destroy();
    await writing;
    expect(presented).toBeLessThan(100);
    expect(res.ended).toBe(false);
  });
});

describe('a protobuf list written from its items\' encodings', () => {
  it('writes the bytes of the list encoded whole, with its Content-Length, in several chunks', async () => {
    const doc = listJSON(configMaps, entries(100), META);
    const res = new SlowResponse();
    expect(await writeKubeProtobufList(res as unknown as ServerResponse, doc, {}, LIMITS)).toBe(true);
    const whole = encodeKubeProtobuf(wholeList(doc));
    expect(res.bytes.equals(whole)).toBe(true);
    expect(res.headers['Content-Length']).toBe(whole.length);
    expect(res.writes.length).toBeGreaterThan(10);
    expect(res.writtenWhileFull).toBe(false);
    expect(res.ended).toBe(true);
  });

  it('writes an empty list as the list encoded whole', async () => {
    const doc = listJSON(configMaps, [], { resourceVersion: '7' });
    const res = new SlowResponse();
    expect(await writeKubeProtobufList(res as unknown as ServerResponse, doc, {}, LIMITS)).toBe(true);
    expect(res.bytes.equals(encodeKubeProtobuf(wholeList(doc)))).toBe(true);
  });

  it('writes nothing for a list protobuf has no description of (a Table), which then goes out as JSON', async () => {
    const res = new SlowResponse();
    expect(await writeKubeProtobufList(res as unknown as ServerResponse, tablePresenter(new URLSearchParams()).list(configMaps, entries(3), META), {}, LIMITS)).toBe(false);
    expect(res.headersSent).toBe(false);
  });
});
