import { describe, expect, it } from 'vitest';
import { logLines } from './engine.js';

function frame(stream: 1 | 2, text: string): Buffer {
  const header = Buffer.alloc(8);
  header[0] = stream;
  header.writeUInt32BE(Buffer.byteLength(text), 4);
  return Buffer.concat([header, Buffer.from(text)]);
}

async function lines(chunks: Buffer[], tty = false): Promise<string[]> {
  const out: string[] = [];
  for await (const { stream, line } of logLines((async function* () { yield* chunks; })(), tty)) out.push(`${stream}:${line}`);
  return out;
}

describe("the engine's log stream", () => {
  it('splits framed output into lines by stream, a line spanning frames and chunks included', async () => {
    const bytes = Buffer.concat([frame(1, 'one\ntw'), frame(2, 'err\n'), frame(1, 'o\nthree'), frame(1, ' end\n')]);
    // Cut mid-header and mid-payload: frames reach the shipper in any pieces.
    expect(await lines([bytes.subarray(0, 5), bytes.subarray(5, 17), bytes.subarray(17)])).toEqual(['stdout:one', 'stderr:err', 'stdout:two', 'stdout:three end']);
  });

  it('keeps a character whose bytes are split between frames whole', async () => {
    const euro = Buffer.from('€\n');
    const split = (part: Buffer): Buffer => Buffer.concat([Buffer.from([1, 0, 0, 0, 0, 0, 0, part.length]), part]);
    expect(await lines([split(euro.subarray(0, 1)), split(euro.subarray(1))])).toEqual(['stdout:€']);
  });

  it('reads a TTY container as one unframed stream, and gives a last line without its newline', async () => {
    expect(await lines([Buffer.from('a\r\nb'), Buffer.from('c')], true)).toEqual(['stdout:a', 'stdout:bc']);
  });
});
