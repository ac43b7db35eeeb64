import { constants, createDeflate, inflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { SPDY_DICTIONARY } from './dictionary.js';
import { controlFrame, dataFrame, FLAG_FIN, FrameReader, HeaderReader, HeaderWriter, SYN_REPLY, SYN_STREAM } from './frames.js';

/** A client's header compressor: one zlib stream with the SPDY dictionary, flushed per block. */
function clientCompressor(): (block: Buffer) => Promise<Buffer> {
  const deflate = createDeflate({ dictionary: SPDY_DICTIONARY });
  const out: Buffer[] = [];
  deflate.on('data', (c: Buffer) => out.push(c));
  return async (block) => {
    deflate.write(block);
    await new Promise<void>((resolve) => deflate.flush(constants.Z_SYNC_FLUSH, () => resolve()));
    return Buffer.concat(out.splice(0));
  };
}

function rawHeaders(pairs: [string, string][]): Buffer {
  const parts = [Buffer.alloc(4)];
  parts[0]!.writeUInt32BE(pairs.length);
  for (const [n, v] of pairs) {
    for (const s of [n, v]) {
      const len = Buffer.alloc(4);
      len.writeUInt32BE(Buffer.byteLength(s));
      parts.push(len, Buffer.from(s));
    }
  }
  return Buffer.concat(parts);
}

describe('SPDY/3.1 frames', () => {
  it('is the 1423-byte dictionary of SPDY draft 3', () => {
    expect(SPDY_DICTIONARY.length).toBe(1423);
    expect(SPDY_DICTIONARY.subarray(0, 11)).toEqual(Buffer.from('\0\0\0\x07options', 'latin1'));
  });

  it('splits frames whatever the chunks they arrive in', () => {
    const bytes = Buffer.concat([dataFrame(3, 0, Buffer.from('hello')), controlFrame(SYN_STREAM, FLAG_FIN, Buffer.alloc(12)), dataFrame(0x12345, FLAG_FIN, Buffer.alloc(0))]);
    const reader = new FrameReader();
    const frames = [...bytes].flatMap((b) => reader.push(Buffer.from([b])));
    expect(frames).toEqual([
      { control: false, streamId: 3, flags: 0, payload: Buffer.from('hello') },
      { control: true, type: SYN_STREAM, flags: FLAG_FIN, payload: Buffer.alloc(12) },
      { control: false, streamId: 0x12345, flags: FLAG_FIN, payload: Buffer.alloc(0) },
    ]);
  });

  it("reads a client's header blocks from one dictionary zlib stream, block after block", async () => {
    const compress = clientCompressor();
    const reader = new HeaderReader();
    const first = await reader.read(await compress(rawHeaders([['streamtype', 'error'], ['port', '80'], ['requestid', '0']])));
    const second = await reader.read(await compress(rawHeaders([['streamtype', 'data'], ['port', '80'], ['requestid', '0']])));
    expect(Object.fromEntries(first)).toEqual({ streamtype: 'error', port: '80', requestid: '0' });
    expect(Object.fromEntries(second)).toEqual({ streamtype: 'data', port: '80', requestid: '0' });
    reader.close();
  });

  it('writes header blocks that continue one zlib stream', () => {
    const writer = new HeaderWriter();
    const reply = writer.synReply(1, new Map());
    const next = writer.block(new Map([['a', 'b']]));
    expect(reply.readUInt16BE(2)).toBe(SYN_REPLY);
    const stream = Buffer.concat([reply.subarray(12), next]);
    const inflated = inflateSync(stream, { finishFlush: constants.Z_SYNC_FLUSH });
    expect(inflated).toEqual(Buffer.concat([rawHeaders([]), rawHeaders([['a', 'b']])]));
  });
});
