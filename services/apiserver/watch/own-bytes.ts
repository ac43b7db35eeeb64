/**
 * Bytes as a buffer of their own when they are a view of a larger one. Values arrive from etcd as
 * views of the received message (a watch response, a page of a list, or the read chunk holding
 * it), which a view kept for as long as the object exists would keep whole: its keys, revisions
 * and every other value in it, long after those have changed. A small copy lands in Node's shared
 * pool of small buffers.
 */
export function ownBytes(bytes: Buffer): Buffer {
  return bytes.byteLength < bytes.buffer.byteLength ? Buffer.from(bytes) : bytes;
}
