import protobuf from 'protobufjs';
import type * as t from '../../lib/api/generated/index.js';
import { lookupMessage } from '../../lib/api/proto.js';
import { isStoredVersion, type ResourceInfo } from '../../lib/api/resources.js';
import { encodeMessage } from './grpc-service.js';
import type { ListedObject } from './operations.js';
import { wireEnvelopeFromStored } from './storage/codec.js';
import { decodesWhole } from './watch-event-encoding.js';
import { wireObject } from './wire-object.js';

const LENGTH_DELIMITED = 2;

/**
 * The gRPC ListResponse of one list, encoded here rather than by protobufjs: an item whose
 * stored bytes are known, asked for in the stored version, is those bytes spliced (resourceVersion,
 * apiVersion and kind added), as a watch sends them, so a list of thousands of pods decodes and
 * re-encodes none of them. Bytes that do not decode whole are not spliced: reading the item's
 * object then fails the list with the error that names its key, as decoding it always did.
 * One per response: it keeps each item's envelope from sizeOf (the response's byte budget) until
 * encode, and nothing after.
 */
export class ListResponseEncoder {
  private readonly envelopes = new Map<ListedObject, Buffer>();
  private readonly splice: boolean;

  constructor(private readonly info: ResourceInfo) {
    this.splice = isStoredVersion(info);
  }

  /** The bytes the item takes in the response (its envelope, which encode then reuses). */
  readonly sizeOf = (_info: ResourceInfo, item: ListedObject): number => this.envelope(item).length;

  encode(metadata: t.ListMeta, items: readonly ListedObject[]): Buffer {
    const fields = lookupMessage('ListResponse').fields;
    const itemTag = (fields.items!.id << 3) | LENGTH_DELIMITED;
    const writer = protobuf.Writer.create();
    writer.uint32((fields.metadata!.id << 3) | LENGTH_DELIMITED).bytes(encodeMessage('kubets.v1.ListMeta', metadata));
    for (const item of items) writer.uint32(itemTag).bytes(this.envelope(item));
    const bytes = writer.finish();
    return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes);
  }

  private envelope(item: ListedObject): Buffer {
    let bytes = this.envelopes.get(item);
    if (!bytes) {
      const { stored, revision } = item;
      bytes =
        this.splice && stored && revision !== undefined && decodesWhole(stored)
          ? wireEnvelopeFromStored(this.info, String(revision), stored)
          : encodeMessage('kubets.v1.Object', wireObject(this.info, item.object));
      this.envelopes.set(item, bytes);
    }
    return bytes;
  }
}
