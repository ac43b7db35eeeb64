import * as grpc from '@grpc/grpc-js';
import { afterEach, expect, it } from 'vitest';
import { ApiError } from '../api/errors.js';
import { packageDefinition } from '../api/proto.js';
import { ApiClient } from './client.js';

const service = packageDefinition['kubets.v1.Resources'] as grpc.ServiceDefinition;

let server: grpc.Server | undefined;
let client: ApiClient | undefined;
afterEach(() => {
  client?.close();
  server?.forceShutdown();
});

it('ends a unary call at its deadline by cancelling it, without sending the deadline as grpc-timeout', async () => {
  const seen: { serverDeadline: grpc.Deadline; cancelled: Promise<void> }[] = [];
  server = new grpc.Server();
  // A server that never answers Version.
  server.addService(service, {
    Version: (call: grpc.ServerUnaryCall<object, object>) => {
      const cancelled = new Promise<void>((resolve) => call.on('cancelled', () => resolve()));
      seen.push({ serverDeadline: call.getDeadline(), cancelled });
    },
  });
  const port = await new Promise<number>((resolve, reject) => server!.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (err, p) => (err ? reject(err) : resolve(p))));
  client = new ApiClient({ servers: [`127.0.0.1:${port}`], insecure: true });

  const err = await client.version({ deadlineMs: 100 }).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(ApiError);
  expect((err as ApiError).reason).toBe('Timeout');
  expect(seen).toHaveLength(1);
  // The server learns of the deadline by the cancellation, and arms no timer of its own for it.
  await seen[0]!.cancelled;
  expect(seen[0]!.serverDeadline).toBe(Infinity);
});
