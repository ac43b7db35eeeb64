import { lookupMessage } from '../../lib/api/proto.js';
import { bytesFieldSize, Writer } from './storage/proto-wire.js';

/**
 * The most bytes of events put into one message; what is left goes in the next one. Each message
 * is copied twice on its way out (here, and by grpc-js into its frame), and ten watches from
 * resourceVersion 0 of 10,000 pods sent 1 MiB messages: their copies, freed at once but reused
 * poorly by the C allocator, left the apiserver some 20 MiB larger (bench/README.md, issue 9).
 */
const MAX_BATCH_BYTES = 256 * 1024;
/**
 * Beyond this many bytes waiting here, the watch stops taking events (and the cache's per-watcher
 * limit applies). Little more than a message: a watch from resourceVersion 0 takes its initial
 * events from the cache as fast as they fit here, and ten watches that queued up to 8 MiB each
 * held tens of MiB of encodings at once.
 */
const MAX_WAITING_BYTES = 1024 * 1024;

/** What a gRPC server stream offers: write with a callback once the message is on its way. */
export interface MessageSink {
  write(message: Buffer, done: (err?: Error | null) => void): boolean;
}

/**
 * One WatchEvent message holding several encoded WatchEvents: the first as it is, the others
 * appended as its `following` field (protobuf allows a message's fields in any order, and a
 * repeated field's entries to follow one another), written into one buffer sized beforehand.
 */
export function batchedWatchEvent(events: readonly Buffer[]): Buffer {
  const [first, ...rest] = events;
  if (rest.length === 0) return first!;
  const following = lookupMessage('WatchEvent').fields.following!.id;
  let size = first!.length;
  for (const event of rest) size += bytesFieldSize(following, event.length);
  const writer = new Writer(size);
  writer.pos += first!.copy(writer.buf);
  for (const event of rest) writer.bytesField(following, event);
  return writer.buf;
}

/**
 * Sends a watch's events over a gRPC stream as fast as the stream takes them. grpc-js hands a
 * stream's messages to HTTP/2 one at a time, the next only once the previous one's write has
 * completed: about one message per turn of the event loop. An apiserver busy with a burst of
 * writes takes many milliseconds per turn and emits thousands of events a second, so a watch that
 * sent one event per message fell seconds behind. Events that arrive while a message is in flight
 * wait here and leave together in the next message, for clients that read `following`.
 */
export class WatchBatcher {
  private waiting: Buffer[] = [];
  private waitingBytes = 0;
  private inFlight = false;
  private roomWaiters: Array<() => void> = [];

  constructor(
    private readonly sink: MessageSink,
    private readonly signal: AbortSignal,
  ) {
    signal.addEventListener('abort', () => this.wakeAll(), { once: true });
  }

  /** Queues one encoded WatchEvent; waits only while too many bytes are waiting for the stream. */
  async send(event: Buffer): Promise<void> {
    this.waiting.push(event);
    this.waitingBytes += event.length;
    if (!this.inFlight) this.writeNext();
    while (this.waitingBytes > MAX_WAITING_BYTES && !this.signal.aborted) {
      await new Promise<void>((resolve) => this.roomWaiters.push(resolve));
    }
  }

  /** Resolves once every queued event has been handed to the stream (or the watch ended). */
  async drained(): Promise<void> {
    while ((this.inFlight || this.waiting.length > 0) && !this.signal.aborted) {
      await new Promise<void>((resolve) => this.roomWaiters.push(resolve));
    }
  }

  private writeNext(): void {
    if (this.waiting.length === 0 || this.signal.aborted) return;
    let count = 0;
    let bytes = 0;
    // At least one event, however large; more while the message stays under the batch size.
    while (count < this.waiting.length && (count === 0 || bytes + this.waiting[count]!.length <= MAX_BATCH_BYTES)) bytes += this.waiting[count++]!.length;
    const batch = this.waiting.splice(0, count);
    this.waitingBytes -= bytes;
    this.inFlight = true;
    this.sink.write(batchedWatchEvent(batch), () => {
      this.inFlight = false;
      this.writeNext();
      this.wakeAll();
    });
  }

  private wakeAll(): void {
    const waiters = this.roomWaiters;
    this.roomWaiters = [];
    for (const wake of waiters) wake();
  }
}
