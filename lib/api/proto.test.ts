import { describe, expect, it } from 'vitest';
import { resources } from './resources.js';
import { encodeObject, lookupMessage } from './proto.js';
import { sampleOf } from './testing/sample-message.js';

// encodeObject skips protobufjs' fromObject copy; these check that the bytes are those of the
// copy for objects holding every field of every kind, nested messages, maps and lists included.

describe('encodeObject', () => {
  const envelope = lookupMessage('Object');
  for (const info of resources) {
    it(`encodes a full ${info.kind} as protobufjs' fromObject copy would`, () => {
      const object = sampleOf(lookupMessage(info.kind), 4);
      const wrapped = { [info.field]: object };
      const viaCopy = Buffer.from(envelope.encode(envelope.fromObject(wrapped)).finish());
      expect(encodeObject(wrapped)).toEqual(viaCopy);
    });
  }

  it('leaves out fields that are undefined or null, as the copy does', () => {
    const wrapped = { pod: { metadata: { name: 'p', namespace: undefined, uid: null }, spec: undefined } };
    expect(encodeObject(wrapped as never)).toEqual(Buffer.from(envelope.encode(envelope.fromObject(wrapped)).finish()));
  });
});
