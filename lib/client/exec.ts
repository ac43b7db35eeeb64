import { PassThrough, type Readable } from 'node:stream';
import type * as grpc from '@grpc/grpc-js';
import { ApiError, fromServiceError } from '../api/errors.js';
import type { ExecFrame as ExecFrameIn } from '../api/generated/kubets/v1/ExecFrame.js';
import type { ExecFrame, ExecStart } from '../api/generated/index.js';

export interface ExecOptions {
  /** Sent to the process; its end closes the process's stdin. */
  stdin?: Readable;
  /** Cancels the session (the exit code promise then rejects with the abort reason). */
  signal?: AbortSignal;
}

export interface ExecSession {
  stdout: Readable;
  stderr: Readable;
  /** Resolves with the process's exit code; rejects if the stream fails before one arrives. */
  exitCode: Promise<number>;
  resize(width: number, height: number): void;
}

/**
 * Drives one Exec stream: the start frame, then stdin frames (a stdinClose frame when stdin ends)
 * and resizes; stdout and stderr frames feed two readables until the exit frame.
 */
export function startExecSession(call: grpc.ClientDuplexStream<ExecFrameIn, ExecFrame>, start: ExecStart, options: ExecOptions): ExecSession {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let finished = false;
  let stopStdin = (): void => {};
  let resolveExit!: (code: number) => void;
  let rejectExit!: (err: unknown) => void;
  const exitCode = new Promise<number>((resolve, reject) => {
    resolveExit = resolve;
    rejectExit = reject;
  });
  // The caller may only look at the output; an unobserved failure must not crash the process.
  exitCode.catch(() => {});

  const finish = (outcome: { code: number } | { error: unknown }): void => {
    if (finished) return;
    finished = true;
    options.signal?.removeEventListener('abort', onAbort);
    stopStdin();
    stdout.end();
    stderr.end();
    if ('code' in outcome) resolveExit(outcome.code);
    else rejectExit(outcome.error);
  };
  const onAbort = (): void => {
    finish({ error: options.signal?.reason ?? new DOMException('The operation was aborted', 'AbortError') });
    call.cancel();
  };

  call.on('data', (frame: ExecFrame) => {
    if (frame.stdout) stdout.write(frame.stdout);
    else if (frame.stderr) stderr.write(frame.stderr);
    else if (frame.exitCode !== undefined) {
      finish({ code: frame.exitCode });
      call.end();
    }
  });
  call.on('error', (err) => finish({ error: fromServiceError(err) }));
  call.on('end', () => finish({ error: new ApiError('InternalError', 'exec stream ended without an exit code') }));

  call.write({ start });
  if (options.stdin) stopStdin = forwardStdin(call, options.stdin);
  if (options.signal?.aborted) onAbort();
  else options.signal?.addEventListener('abort', onAbort, { once: true });

  return {
    stdout,
    stderr,
    exitCode,
    resize(width, height) {
      if (!finished) call.write({ resize: { width, height } });
    },
  };
}

/**
 * Sends stdin as frames with backpressure; its end (or failure) closes the process's stdin. The
 * source is only paused afterwards, never destroyed: it may be the caller's own process.stdin.
 */
function forwardStdin(call: grpc.ClientDuplexStream<ExecFrameIn, ExecFrame>, stdin: Readable): () => void {
  let stopped = false;
  const onData = (chunk: Buffer | string): void => {
    const data = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    if (!call.write({ stdin: data })) {
      stdin.pause();
      call.once('drain', () => {
        if (!stopped) stdin.resume();
      });
    }
  };
  const onEnd = (): void => {
    stop();
    call.write({ stdinClose: true });
  };
  const stop = (): void => {
    stopped = true;
    stdin.off('data', onData);
    stdin.off('end', onEnd);
    stdin.off('error', onEnd);
    stdin.pause();
  };
  stdin.on('data', onData);
  stdin.once('end', onEnd);
  stdin.once('error', onEnd);
  return stop;
}
