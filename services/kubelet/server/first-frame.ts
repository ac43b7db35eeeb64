import type * as grpc from '@grpc/grpc-js';
import { badRequest } from '../../../lib/api/errors.js';

/**
 * Waits for a stream's start frame (exec, port-forward) and leaves the stream paused: later frames
 * wait in it until whatever takes them is there.
 */
export function firstFrame<S, F extends { start?: S | null }>(call: grpc.ServerDuplexStream<F, unknown>, what: string): Promise<S> {
  return new Promise((resolve, reject) => {
    const onData = (frame: F): void => {
      call.pause();
      cleanup();
      if (!frame.start) reject(badRequest(`the first ${what} frame must be start`));
      else resolve(frame.start);
    };
    const onEnd = (): void => {
      cleanup();
      reject(badRequest(`${what} stream ended before its start frame`));
    };
    const cleanup = (): void => {
      call.off('data', onData);
      call.off('end', onEnd);
      call.off('cancelled', onEnd);
    };
    call.on('data', onData);
    call.once('end', onEnd);
    call.once('cancelled', onEnd);
  });
}
