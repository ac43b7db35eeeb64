import type * as t from '../../lib/api/generated/index.js';
import { lookupMessage } from '../../lib/api/proto.js';
import { isStoredVersion, type ResourceInfo } from '../../lib/api/resources.js';
import { encodeMessage } from './grpc-service.js';
import type { ListedObject } from './operations.js';
import { wireEnvelopeFromStored } from './storage/codec.js';
import { bytesFieldSize, Writer } from './storage/proto-wire.js';
import { decodesWhole } from './watch-event-encoding.js';
import { wireObject } from './wire-object.js';

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
    const meta = encodeMessage('kubets.v1.ListMeta', metadata);
    const envelopes = items.map((item) => this.envelope(item));
    let size = bytesFieldSize(fields.metadata!.id, meta.length);
    for (const envelope of envelopes) size += bytesFieldSize(fields.items!.id, envelope.length);
    // One buffer sized beforehand, as a watch event's: no growing writer and no copy at the end.
    const writer = new Writer(size);
    writer.bytesField(fields.metadata!.id, meta);
    for (const envelope of envelopes) writer.bytesField(fields.items!.id, envelope);
    return writer.buf;
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
