// Journal export format (systemd's "Journal Export Format"), what systemd-journal-remote accepts
// over HTTP at /upload: an entry is `NAME=value` lines ended by an empty line. A value holding a
// newline (or other control bytes) is written in the binary form: the name, a newline, its length
// as a little-endian 64-bit integer, the bytes, and a newline.

export type JournalFields = Record<string, string>;

const NEEDS_BINARY = /[\x00-\x1f\x7f]/;

function encodeField(name: string, value: string): Buffer {
  if (!NEEDS_BINARY.test(value)) return Buffer.from(`${name}=${value}\n`, 'utf8');
  const data = Buffer.from(value, 'utf8');
  const length = Buffer.alloc(8);
  length.writeBigUInt64LE(BigInt(data.length));
  return Buffer.concat([Buffer.from(`${name}\n`, 'utf8'), length, data, Buffer.from('\n')]);
}

/** One entry in the export format, its fields and the empty line that ends it. */
export function encodeEntry(entry: JournalFields): Buffer {
  return Buffer.concat([...Object.entries(entry).map(([name, value]) => encodeField(name, value)), Buffer.from('\n')]);
}
