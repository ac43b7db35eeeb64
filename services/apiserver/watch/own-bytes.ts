/**
 * bytes in a buffer of their own. Small buffers are slices of a larger one: Node's shared 8 KiB
 * pool (what the etcd client decodes a response into, an encoded event) or a whole response, so
 * one that is kept keeps all of it, and the garbage around it, alive. For what the watch cache
 * holds as long as it holds an object, that was 1.4 to 2 times the bytes themselves.
 */
export function ownBytes(bytes: Buffer): Buffer {
  if (bytes.byteLength === bytes.buffer.byteLength) return bytes;
  const own = Buffer.allocUnsafeSlow(bytes.byteLength);
  bytes.copy(own);
  return own;
}
