import type { Logger } from 'pino';
import {
  controlFrame,
  dataFrame,
  FLAG_FIN,
  FrameReader,
  goAway,
  HeaderReader,
  HeaderWriter,
  PING,
  PROTOCOL_ERROR,
  RST_STREAM,
  rstStream,
  streamIdOf,
  SYN_STREAM,
  windowUpdate,
  type Frame,
  type Headers,
} from './frames.js';

// The server's end of a SPDY/3.1 connection, over any byte transport (an upgraded socket, or
// WebSocket binary messages when tunnelled). The client opens streams; the session replies to
// each, hands it to the handler and carries data both ways. Pings are echoed; SPDY's flow control
// is answered with a window update per data frame received, and windows the client grants are not
// waited for: backpressure comes from the transport instead (send() says when the client is
// behind; reading pauses while an upstream is).

/** How the session writes bytes, holds back the client, and ends the connection. */
export interface Transport {
  /** Writes bytes; `written` is called once they have left for the client. */
  write(bytes: Buffer, written: () => void): void;
  /** Stops and restarts reading from the client (backpressure from a slow upstream). */
  pauseReading(): void;
  resumeReading(): void;
  close(): void;
}

/** Bytes written but not yet gone to the client above which senders are asked to wait. */
const HIGH_WATER_BYTES = 1 << 20;

export interface StreamHandler {
  /** A stream the client opened, already answered with SYN_REPLY. */
  opened(id: number, headers: Headers): void;
  data(id: number, chunk: Buffer): void;
  /** The client sent its last byte on the stream (FIN). */
  finished(id: number): void;
  /** The client reset the stream, or the connection went away. */
  reset(id: number): void;
}

export class SpdySession {
  private readonly reader = new FrameReader();
  private readonly headersIn = new HeaderReader();
  private readonly headersOut = new HeaderWriter();
  private readonly open = new Set<number>();
  private lastStreamId = 0;
  private closed = false;
  private unsent = 0;
  private drainWaiters: (() => void)[] = [];
  /** Frames are handled one at a time: header blocks inflate asynchronously but strictly in order. */
  private queue: Promise<void> = Promise.resolve();

  constructor(
    private readonly transport: Transport,
    private readonly handler: StreamHandler,
    private readonly log: Logger,
  ) {}

  /** Bytes from the client, in any chunking. */
  receive(chunk: Buffer): void {
    if (this.closed) return;
    let frames: Frame[];
    try {
      frames = this.reader.push(chunk);
    } catch (err) {
      return this.fail(err);
    }
    for (const frame of frames) this.queue = this.queue.then(() => this.handle(frame)).catch((err: unknown) => this.fail(err));
  }

  /** Sends data on a stream; false when the client is behind and the sender should wait for drained(). */
  send(id: number, chunk: Buffer): boolean {
    if (this.closed || !this.open.has(id)) return true;
    this.write(dataFrame(id, 0, chunk));
    return this.unsent < HIGH_WATER_BYTES;
  }

  /** Calls `resume` once what was written has gone out (at once when nothing waits). */
  drained(resume: () => void): void {
    if (this.unsent < HIGH_WATER_BYTES || this.closed) resume();
    else this.drainWaiters.push(resume);
  }

  /** Our last byte on a stream (FIN). */
  finish(id: number): void {
    if (this.closed || !this.open.has(id)) return;
    this.write(dataFrame(id, FLAG_FIN, Buffer.alloc(0)));
  }

  pauseReading(): void {
    this.transport.pauseReading();
  }

  resumeReading(): void {
    this.transport.resumeReading();
  }

  private write(bytes: Buffer): void {
    this.unsent += bytes.length;
    this.transport.write(bytes, () => {
      this.unsent -= bytes.length;
      if (this.unsent < HIGH_WATER_BYTES) for (const resume of this.drainWaiters.splice(0)) resume();
    });
  }

  /** The connection ended (the transport closed): every stream is reset. */
  ended(): void {
    if (this.closed) return;
    this.closed = true;
    this.headersIn.close();
    for (const resume of this.drainWaiters.splice(0)) resume();
    for (const id of this.open) this.handler.reset(id);
    this.open.clear();
  }

  private async handle(frame: Frame): Promise<void> {
    if (this.closed) return;
    if (!frame.control) {
      if (frame.payload.length > 0) {
        this.write(windowUpdate(frame.streamId, frame.payload.length));
        this.handler.data(frame.streamId, frame.payload);
      }
      if (frame.flags & FLAG_FIN) this.handler.finished(frame.streamId);
      return;
    }
    switch (frame.type) {
      case SYN_STREAM: {
        const id = streamIdOf(frame.payload);
        // Stream id, associated stream id, priority and slot come before the header block.
        const headers = await this.headersIn.read(frame.payload.subarray(10));
        this.lastStreamId = Math.max(this.lastStreamId, id);
        this.open.add(id);
        this.write(this.headersOut.synReply(id, new Map()));
        this.handler.opened(id, headers);
        if (frame.flags & FLAG_FIN) this.handler.finished(id);
        return;
      }
      case RST_STREAM: {
        const id = streamIdOf(frame.payload);
        if (this.open.delete(id)) this.handler.reset(id);
        return;
      }
      case PING:
        this.write(controlFrame(PING, 0, frame.payload.subarray(0, 4)));
        return;
      default:
        // SETTINGS, WINDOW_UPDATE, HEADERS and GOAWAY change nothing the session keeps.
        return;
    }
  }

  /** A protocol error ends the whole connection, as SPDY asks. */
  private fail(err: unknown): void {
    if (this.closed) return;
    this.log.warn({ err }, 'SPDY protocol error; closing the connection');
    this.write(goAway(this.lastStreamId));
    for (const id of this.open) this.write(rstStream(id, PROTOCOL_ERROR));
    this.ended();
    this.transport.close();
  }

  /** Forgets a stream both sides are done with. */
  forget(id: number): void {
    this.open.delete(id);
  }
}
