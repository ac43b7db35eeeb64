import { describe, expect, it } from 'vitest';
import { lookupMessage } from '../../lib/api/proto.js';
import { encodeMessage } from './grpc-service.js';
import { batchedWatchEvent, WatchBatcher, type MessageSink } from './watch-batching.js';

interface Decoded {
  type: string;
  object?: { namespace?: { metadata?: { name?: string } } };
  following?: Decoded[];
}

const event = (type: string, name: string): Buffer => encodeMessage('kubets.v1.WatchEvent', { type, object: { namespace: { metadata: { name } } } });

function decode(bytes: Buffer): Decoded {
  const type = lookupMessage('WatchEvent');
  return type.toObject(type.decode(bytes)) as Decoded;
}

/** The events a client reads from one message: the message's own, then those that follow it. */
const eventsOf = (message: Buffer): string[] => {
  const decoded = decode(message);
  return [decoded, ...(decoded.following ?? [])].map((e) => `${e.type} ${e.object?.namespace?.metadata?.name ?? ''}`);
};

/** A stream whose writes complete only when the test says so, as a busy HTTP/2 session's do. */
class SlowSink implements MessageSink {
  readonly messages: Buffer[] = [];
  private pending: Array<() => void> = [];
  write(message: Buffer, done: () => void): boolean {
    this.messages.push(message);
    this.pending.push(done);
    return true;
  }
  complete(): void {
    const pending = this.pending;
    this.pending = [];
    for (const done of pending) done();
  }
}

describe('batchedWatchEvent', () => {
  it('is the event itself when there is one', () => {
    const one = event('ADDED', 'a');
    expect(batchedWatchEvent([one])).toBe(one);
  });

  it('decodes as the first event with the others, in order, as following', () => {
    const message = batchedWatchEvent([event('ADDED', 'a'), event('MODIFIED', 'b'), event('DELETED', 'c')]);
    expect(eventsOf(message)).toEqual(['ADDED a', 'MODIFIED b', 'DELETED c']);
  });
});

describe('WatchBatcher', () => {
  it('sends an event at once when the stream is free, and what arrived meanwhile in one message after', async () => {
    const sink = new SlowSink();
    const batcher = new WatchBatcher(sink, new AbortController().signal);
    await batcher.send(event('ADDED', 'a'));
    expect(sink.messages.map(eventsOf)).toEqual([['ADDED a']]);
    for (const name of ['b', 'c', 'd']) await batcher.send(event('ADDED', name));
    expect(sink.messages).toHaveLength(1);
    sink.complete();
    expect(sink.messages.map(eventsOf)).toEqual([['ADDED a'], ['ADDED b', 'ADDED c', 'ADDED d']]);
    const drained = batcher.drained();
    sink.complete();
    await drained;
  });

  it('keeps every event, in order, however the writes interleave', async () => {
    const sink = new SlowSink();
    const batcher = new WatchBatcher(sink, new AbortController().signal);
    const names = Array.from({ length: 50 }, (_, i) => `p${i}`);
    for (const [i, name] of names.entries()) {
      await batcher.send(event('MODIFIED', name));
      if (i % 7 === 0) sink.complete();
    }
    const drained = batcher.drained();
    for (let i = 0; i < 10; i++) sink.complete();
    await drained;
    expect(sink.messages.flatMap(eventsOf)).toEqual(names.map((n) => `MODIFIED ${n}`));
    expect(sink.messages.length).toBeLessThan(names.length);
  });

  it('stops taking events once about a mebibyte waits behind the message in flight', async () => {
    const sink = new SlowSink();
    const abort = new AbortController();
    const batcher = new WatchBatcher(sink, abort.signal);
    const large = encodeMessage('kubets.v1.WatchEvent', { type: 'ADDED', object: { configMap: { metadata: { name: 'large' }, data: { k: 'x'.repeat(200 * 1024) } } } });
    // One in flight and five waiting (just under 1 MiB) are taken at once; the seventh waits.
    for (let i = 0; i < 6; i++) await batcher.send(large);
    let taken = false;
    const seventh = batcher.send(large).then(() => (taken = true));
    await new Promise((r) => setImmediate(r));
    expect(taken).toBe(false);
    sink.complete();
    await seventh;
    expect(sink.messages).toHaveLength(2);
    abort.abort();
  });

  it('makes the watch wait while too much waits for the stream, and lets it go when the watch ends', async () => {
    const sink = new SlowSink();
    const abort = new AbortController();
    const batcher = new WatchBatcher(sink, abort.signal);
    const big = encodeMessage('kubets.v1.WatchEvent', { type: 'ADDED', object: { configMap: { metadata: { name: 'big' }, data: { k: 'x'.repeat(1024 * 1024) } } } });
    let sent = 0;
    const sending = (async () => {
      for (let i = 0; i < 20; i++) {
        await batcher.send(big);
        sent++;
      }
    })();
    await new Promise((r) => setTimeout(r, 20));
    expect(sent).toBeLessThan(20);
    abort.abort();
    await sending;
    expect(sent).toBe(20);
  });
});
