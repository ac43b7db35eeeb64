import { constants, createInflate, deflateRawSync, type Inflate } from 'node:zlib';
import { SPDY_DICTIONARY } from './dictionary.js';

// SPDY/3.1 framing (SPDY draft 3.1, section 2.2), the server's side of what kubectl's port-forward
// speaks: control frames (a version, a type, flags and a length) and data frames (a stream id,
// flags and a length). Header blocks are name/value pairs compressed by one zlib stream per
// direction that runs for the whole connection.

export const VERSION = 3;
export const FLAG_FIN = 0x01;

export const SYN_STREAM = 1;
export const SYN_REPLY = 2;
export const RST_STREAM = 3;
export const PING = 6;
export const GOAWAY = 7;
export const WINDOW_UPDATE = 9;

/** RST_STREAM status codes used here. */
export const PROTOCOL_ERROR = 1;
export const CANCEL = 5;

const HEADER_BYTES = 8;

export type Frame =
  | { control: true; type: number; flags: number; payload: Buffer }
  | { control: false; streamId: number; flags: number; payload: Buffer };

/** Splits a byte stream into frames, whatever the chunks it arrives in. */
export class FrameReader {
  private buffered: Buffer = Buffer.alloc(0);

  push(chunk: Buffer): Frame[] {
    this.buffered = this.buffered.length === 0 ? chunk : Buffer.concat([this.buffered, chunk]);
    const frames: Frame[] = [];
    while (this.buffered.length >= HEADER_BYTES) {
      const length = this.buffered.readUIntBE(5, 3);
      if (this.buffered.length < HEADER_BYTES + length) break;
      const head = this.buffered;
      const payload = head.subarray(HEADER_BYTES, HEADER_BYTES + length);
      const flags = head[4]!;
      if (head[0]! & 0x80) frames.push({ control: true, type: head.readUInt16BE(2), flags, payload });
      else frames.push({ control: false, streamId: head.readUInt32BE(0) & 0x7fffffff, flags, payload });
      this.buffered = head.subarray(HEADER_BYTES + length);
    }
    return frames;
  }
}

function withHeader(first: number, second: number, flags: number, payload: Buffer): Buffer {
  const head = Buffer.alloc(HEADER_BYTES);
  head.writeUInt32BE(first * 0x10000 + second);
  head[4] = flags;
  head.writeUIntBE(payload.length, 5, 3);
  return Buffer.concat([head, payload]);
}

export function controlFrame(type: number, flags: number, payload: Buffer): Buffer {
  return withHeader(0x8000 | VERSION, type, flags, payload);
}

export function dataFrame(streamId: number, flags: number, data: Buffer): Buffer {
  return withHeader(Math.floor(streamId / 0x10000) & 0x7fff, streamId & 0xffff, flags, data);
}

function words(...values: number[]): Buffer {
  const out = Buffer.alloc(values.length * 4);
  values.forEach((v, i) => out.writeUInt32BE(v >>> 0, i * 4));
  return out;
}

export function rstStream(streamId: number, status: number): Buffer {
  return controlFrame(RST_STREAM, 0, words(streamId, status));
}

export function windowUpdate(streamId: number, delta: number): Buffer {
  return controlFrame(WINDOW_UPDATE, 0, words(streamId, delta));
}

export function goAway(lastStreamId: number): Buffer {
  return controlFrame(GOAWAY, 0, words(lastStreamId, 0));
}

/** The stream id a control frame's payload starts with (SYN_STREAM, SYN_REPLY, RST_STREAM, ...). */
export function streamIdOf(payload: Buffer): number {
  return payload.readUInt32BE(0) & 0x7fffffff;
}

/** Header names are lowercase on the wire; a value holding several values separates them with NUL. */
export type Headers = Map<string, string>;

function encodeHeaders(headers: Headers): Buffer {
  const parts: Buffer[] = [words(headers.size)];
  for (const [name, value] of headers) {
    const n = Buffer.from(name.toLowerCase());
    const v = Buffer.from(value);
    parts.push(words(n.length), n, words(v.length), v);
  }
  return Buffer.concat(parts);
}

function decodeHeaders(block: Buffer): Headers {
  const headers: Headers = new Map();
  let at = 0;
  const take = (): Buffer => {
    const length = block.readUInt32BE(at);
    const bytes = block.subarray(at + 4, at + 4 + length);
    if (bytes.length !== length) throw new Error('header block ends inside a name or value');
    at += 4 + length;
    return bytes;
  };
  const count = block.readUInt32BE(0);
  at = 4;
  for (let i = 0; i < count; i++) {
    const name = take().toString().toLowerCase();
    headers.set(name, take().toString());
  }
  return headers;
}

/**
 * The server's header compression. Each block is deflated on its own and sync-flushed, after a
 * zlib header sent once: to the peer that is one continuous zlib stream (a deflate block need not
 * refer back to earlier ones), and it keeps writing synchronous, so a reply is never reordered
 * after the data that follows it. Without the dictionary flag, the peer inflates without it.
 */
export class HeaderWriter {
  private started = false;

  block(headers: Headers): Buffer {
    const deflated = deflateRawSync(encodeHeaders(headers), { finishFlush: constants.Z_SYNC_FLUSH });
    if (this.started) return deflated;
    this.started = true;
    return Buffer.concat([Buffer.from([0x78, 0x01]), deflated]);
  }

  synReply(streamId: number, headers: Headers, flags = 0): Buffer {
    return controlFrame(SYN_REPLY, flags, Buffer.concat([words(streamId), this.block(headers)]));
  }
}

/** The client's header blocks: one zlib stream with the SPDY dictionary, inflated block by block in order. */
export class HeaderReader {
  private readonly inflate: Inflate = createInflate({ dictionary: SPDY_DICTIONARY });
  private output: Buffer[] = [];
  private failure: Error | undefined;

  constructor() {
    this.inflate.on('data', (chunk: Buffer) => this.output.push(chunk));
    this.inflate.on('error', (err: Error) => (this.failure = err));
  }

  /** The headers of one block; blocks must be given in the order they arrived. */
  async read(block: Buffer): Promise<Headers> {
    this.inflate.write(block);
    await new Promise<void>((resolve) => this.inflate.flush(constants.Z_SYNC_FLUSH, () => resolve()));
    if (this.failure) throw this.failure;
    return decodeHeaders(Buffer.concat(this.output.splice(0)));
  }

  close(): void {
    this.inflate.destroy();
  }
}
