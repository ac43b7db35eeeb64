import { describe, expect, it } from 'vitest';
import { patchDocument } from './apply-patch.js';

describe('patchDocument', () => {
  const original = { metadata: { name: 'x' } };

  // Kubernetes' apiserver: a strategic merge patch's JSON error bare, a merge or JSON patch's
  // after "error decoding patch:" (the words of Go's encoding/json either way).
  it.each([
    ['strategic', '{bad', `invalid character 'b' looking for beginning of object key string`],
    ['strategic', '{"metadata":', 'unexpected end of JSON input'],
    ['merge', '{bad', `error decoding patch: invalid character 'b' looking for beginning of object key string`],
    ['merge', '{"metadata" {}}', `error decoding patch: invalid character '{' after object key`],
    ['json', '[{"op":"add"} {}]', `error decoding patch: invalid character '{' after array element`],
  ])('a %s patch %s is a BadRequest: %s', (type, text, message) => {
    expect(() => patchDocument(original, type, text)).toThrow(expect.objectContaining({ reason: 'BadRequest', message }));
  });

  it('applies a well-formed patch', () => {
    expect(patchDocument(original, 'merge', '{"metadata":{"labels":{"a":"b"}}}')).toEqual({ metadata: { name: 'x', labels: { a: 'b' } } });
  });
});
