import protobuf from 'protobufjs';
import { describe, expect, it } from 'vitest';
import { decodeProtobufTokenRequest } from './token-protobuf.js';

/** A TokenRequest as kubectl's typed client encodes it: k8s magic, runtime.Unknown, the TokenRequest. */
function encoded(): Buffer {
  const ref = protobuf.Writer.create().uint32((1 << 3) | 2).string('Pod').uint32((2 << 3) | 2).string('v1').uint32((3 << 3) | 2).string('web').uint32((4 << 3) | 2).string('uid-1').finish();
  const spec = protobuf.Writer.create().uint32((1 << 3) | 2).string('api').uint32((1 << 3) | 2).string('vault').uint32((3 << 3) | 2).bytes(ref).uint32(4 << 3).int64(900).finish();
  const request = protobuf.Writer.create().uint32((1 << 3) | 2).bytes(new Uint8Array()).uint32((2 << 3) | 2).bytes(spec).finish();
  const typeMeta = protobuf.Writer.create().uint32((1 << 3) | 2).string('authentication.k8s.io/v1').uint32((2 << 3) | 2).string('TokenRequest').finish();
  const unknown = protobuf.Writer.create().uint32((1 << 3) | 2).bytes(typeMeta).uint32((2 << 3) | 2).bytes(request).finish();
  return Buffer.concat([Buffer.from('k8s\0', 'latin1'), unknown]);
}

describe('decodeProtobufTokenRequest', () => {
  it('reads the audiences, the duration and the bound object', () => {
    expect(decodeProtobufTokenRequest(encoded())).toEqual({
      spec: { audiences: ['api', 'vault'], expirationSeconds: 900, boundObjectRef: { kind: 'Pod', apiVersion: 'v1', name: 'web', uid: 'uid-1' } },
    });
  });

  it('refuses a body without the magic prefix as a bad request', () => {
    expect(() => decodeProtobufTokenRequest(Buffer.from('{}'))).toThrow('cannot be handled as a TokenRequest: missing the k8s magic prefix');
  });
});
