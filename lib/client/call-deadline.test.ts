import * as grpc from '@grpc/grpc-js';
import { expect, it } from 'vitest';
import { ApiError } from '../api/errors.js';
import { useBareResourcesServer } from './testing/bare-resources-server.js';

const { serve } = useBareResourcesServer();

it('ends a unary call at its deadline by cancelling it, without sending the deadline as grpc-timeout', async () => {
  const seen: { serverDeadline: grpc.Deadline; cancelled: Promise<void> }[] = [];
  // A server that never answers Version.
  const client = await serve({
    Version: (call: grpc.ServerUnaryCall<object, object>) => {
      const cancelled = new Promise<void>((resolve) => call.on('cancelled', () => resolve()));
      seen.push({ serverDeadline: call.getDeadline(), cancelled });
    },
  });

  const err = await client.version({ deadlineMs: 100 }).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(ApiError);
  expect((err as ApiError).reason).toBe('Timeout');
  expect(seen).toHaveLength(1);
  // The server learns of the deadline by the cancellation, and arms no timer of its own for it.
  await seen[0]!.cancelled;
  expect(seen[0]!.serverDeadline).toBe(Infinity);
});
