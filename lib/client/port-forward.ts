import { Duplex } from 'node:stream';
import * as grpc from '@grpc/grpc-js';
import { fromServiceError } from '../api/errors.js';
import type { PortForwardFrame as PortForwardFrameIn } from '../api/generated/kubets/v1/PortForwardFrame.js';
import type { PortForwardFrame, PortForwardStart } from '../api/generated/index.js';

/**
 * One forwarded TCP connection as a duplex stream: what is written goes to the pod's port, what
 * the pod sends is read; ending the writable side half-closes the connection, as TCP does.
 */
export function portForwardStream(call: grpc.ClientDuplexStream<PortForwardFrameIn, PortForwardFrame>, start: PortForwardStart): Duplex {
  let ended = false;
  const endReadable = (): void => {
    if (ended) return;
    ended = true;
    duplex.push(null);
  };
  const duplex = new Duplex({
    allowHalfOpen: true,
    write(chunk: Buffer, _encoding, done) {
      call.write({ data: chunk }, done);
    },
    final(done) {
      call.write({ close: true });
      call.end();
      done();
    },
    read() {
      call.resume();
    },
    destroy(err, done) {
      if (!ended) call.cancel();
      done(err);
    },
  });
  call.write({ start });
  call.on('data', (frame: PortForwardFrame) => {
    if (frame.data) {
      if (!duplex.push(frame.data)) call.pause();
    } else if (frame.close) endReadable();
  });
  call.on('end', endReadable);
  call.on('error', (err: grpc.ServiceError) => {
    if (err.code !== grpc.status.CANCELLED) duplex.destroy(fromServiceError(err));
  });
  return duplex;
}
