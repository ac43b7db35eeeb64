import { describe, expect, it } from 'vitest';
import protobuf from 'protobufjs';
import { join, messageOf, stringField, stringOf, wireFields, withFields } from './wire-fields.js';

// A message with a string (1), a varint (2), a fixed64 (3), a repeated string (4) and a fixed32 (6).
function sample(): Buffer {
  const w = protobuf.Writer.create();
  w.uint32((1 << 3) | 2).string('one');
  w.uint32(2 << 3).int64(-5);
  w.uint32((3 << 3) | 1).fixed64(7);
  w.uint32((4 << 3) | 2).string('a');
  w.uint32((4 << 3) | 2).string('b');
  w.uint32((6 << 3) | 5).fixed32(9);
  return Buffer.from(w.finish());
}

const ids = (bytes: Buffer): number[] => wireFields(bytes).map((f) => f.id);

describe('wire fields', () => {
  it('reads every wire type, a negative varint included', () => {
    expect(ids(sample())).toEqual([1, 2, 3, 4, 4, 6]);
    expect(stringOf(sample(), wireFields(sample()), 1)).toBe('one');
    expect(stringOf(sample(), wireFields(sample()), 4)).toBe('b');
    expect(stringOf(sample(), wireFields(sample()), 5)).toBe('');
  });

  it('puts a new field before the first of a higher number, or last', () => {
    const bytes = sample();
    expect(ids(join(withFields(bytes, wireFields(bytes), [{ id: 5, encoded: stringField(5, 'five') }])))).toEqual([1, 2, 3, 4, 4, 5, 6]);
    expect(ids(join(withFields(bytes, wireFields(bytes), [{ id: 9, encoded: stringField(9, 'nine') }])))).toEqual([1, 2, 3, 4, 4, 6, 9]);
  });

  it('replaces every occurrence of a field where the first was, and edits several fields at once', () => {
    const bytes = sample();
    const edited = join(withFields(bytes, wireFields(bytes), [
      { id: 4, encoded: stringField(4, 'c') },
      { id: 1, encoded: stringField(1, 'uno') },
      { id: 5, encoded: stringField(5, 'five') },
    ]));
    expect(ids(edited)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(stringOf(edited, wireFields(edited), 1)).toBe('uno');
    expect(stringOf(edited, wireFields(edited), 4)).toBe('c');
  });

  it('reads a message field written twice as the concatenation of both, which decodes as their merge', () => {
    const outer = join([...stringField(7, 'x'), ...stringField(8, 'skip'), ...stringField(7, 'y')]);
    expect(messageOf(outer, wireFields(outer), 7).toString()).toBe('xy');
  });

  it('refuses truncated bytes', () => {
    expect(() => wireFields(sample().subarray(0, 4))).toThrow('truncated');
  });
});
