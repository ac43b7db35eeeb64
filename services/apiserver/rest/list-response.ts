import type { OutgoingHttpHeaders, ServerResponse } from 'node:http';
import type { ListedObject } from '../operations.js';
import { encodeKubeProtobufList } from './kube-protobuf.js';

// A list response written one item at a time, as Kubernetes streams collections (1.33): the
// list's fields, then each item's JSON as it is made, stopping for 'drain' whenever more than a
// bounded amount is queued for the client, so that a list of 10,000 pods never exists whole in
// memory, neither as objects nor as one string. The bytes are exactly JSON.stringify of the whole
// list. A list whose text fits in one chunk is sent as before, in one write with its
// Content-Length; a longer one goes out chunked. A failure before the first byte is still
// answered with a Status; after it, the connection is cut, as Kubernetes does, so that the client
// sees a broken response rather than a list that looks complete. A protobuf list (for a client
// that takes nothing else) starts with its length: its items are encoded one at a time and only
// their bytes are held until it is written.

/** A list as a presenter lays it out: its array comes last, so it can be written item by item. */
export interface ListDocument {
  /** The list's fields before its array, in order. */
  head: Record<string, unknown>;
  /** The array's name: `items`, or a Table's `rows`. */
  field: string;
  entries: readonly ListedObject[];
  /** What one entry becomes in the array; its object is decoded only now and dropped after. */
  present(entry: ListedObject): unknown;
}

/** The whole list as one value: for YAML, for a list protobuf has no description of (sent as JSON), and for the Table of one object. */
export function wholeList(doc: ListDocument): Record<string, unknown> {
  return { ...doc.head, [doc.field]: doc.entries.map((entry) => doc.present(entry)) };
}

export interface ListWriteLimits {
  /** How much output is gathered before it is written (characters of JSON, bytes of protobuf). */
  chunkSize: number;
  /**
   * How much written output may wait in the response and its socket before the writer stops for
   * 'drain'. Waiting after every chunk made a list of 10,000 pods slower than sending it whole;
   * with a megabyte queued, making the next chunks overlaps with the client reading the last.
   */
  bufferedBytes: number;
}

export const LIST_WRITE_LIMITS: ListWriteLimits = { chunkSize: 64 * 1024, bufferedBytes: 1024 * 1024 };

/** Resolves when the response has drained, or has closed (the client went away). */
function writable(res: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.on('drain', done);
    res.on('close', done);
  });
}

/** Writes a chunk, then waits while more than the bound is queued; false once the client has gone. */
async function sent(res: ServerResponse, chunk: string | Buffer, limits: ListWriteLimits): Promise<boolean> {
  if (!res.write(chunk) && res.writableLength > limits.bufferedBytes) await writable(res);
  return !res.destroyed;
}

/**
 * Writes the list as JSON with status 200 and the given headers (Content-Length added when it is
 * sent whole). Throws what presenting an item throws; once bytes are out, after destroying the
 * response.
 */
export async function writeJsonList(res: ServerResponse, doc: ListDocument, headers: OutgoingHttpHeaders, limits = LIST_WRITE_LIMITS): Promise<void> {
  // The array is the last field, so the text of the list with an empty one ends with its `[]}`.
  const open = JSON.stringify({ ...doc.head, [doc.field]: [] });
  let pending = open.slice(0, -2);
  let streaming = false;
  try {
    for (let i = 0; i < doc.entries.length; i++) {
      pending += (i === 0 ? '' : ',') + (JSON.stringify(doc.present(doc.entries[i]!)) ?? 'null');
      if (pending.length < limits.chunkSize) continue;
      if (!streaming) {
        res.writeHead(200, headers);
        streaming = true;
      }
      const connected = await sent(res, pending, limits);
      pending = '';
      if (!connected) return;
    }
  } catch (err) {
    if (streaming) res.destroy();
    throw err;
  }
  pending += ']}';
  if (!streaming) res.writeHead(200, { ...headers, 'Content-Length': Buffer.byteLength(pending) });
  res.end(pending);
}

function* presented(doc: ListDocument): Iterable<unknown> {
  for (const entry of doc.entries) yield doc.present(entry);
}

/**
 * Writes the list in Kubernetes' protobuf encoding with status 200, the given headers and its
 * Content-Length: the body's length comes first there, so the items are encoded (each object
 * dropped after its encoding) before the first byte, and the encoded list is written in chunks.
 * False, with nothing written, when the list's kind has no protobuf description.
 */
export async function writeKubeProtobufList(res: ServerResponse, doc: ListDocument, headers: OutgoingHttpHeaders, limits = LIST_WRITE_LIMITS): Promise<boolean> {
  const pieces = encodeKubeProtobufList(doc.head, doc.field, presented(doc));
  if (!pieces) return false;
  res.writeHead(200, { ...headers, 'Content-Length': pieces.reduce((size, piece) => size + piece.length, 0) });
  let chunk: Uint8Array[] = [];
  let size = 0;
  for (const piece of pieces) {
    chunk.push(piece);
    size += piece.length;
    if (size < limits.chunkSize) continue;
    if (!(await sent(res, Buffer.concat(chunk), limits))) return true;
    chunk = [];
    size = 0;
  }
  res.end(Buffer.concat(chunk));
  return true;
}
