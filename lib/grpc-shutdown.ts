import type * as grpc from '@grpc/grpc-js';

/**
 * Stops a gRPC server the way our servers stop: no new calls, the calls in flight get graceMs
 * to finish, then whatever is left (a long stream, a stuck peer) is cut off.
 */
export function shutdownGracefully(server: grpc.Server, graceMs: number): Promise<void> {
  return new Promise<void>((resolve) => {
    const force = setTimeout(() => {
      server.forceShutdown();
      resolve();
    }, graceMs);
    server.tryShutdown(() => {
      clearTimeout(force);
      resolve();
    });
  });
}
