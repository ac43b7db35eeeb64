import * as grpc from '@grpc/grpc-js';
import { afterEach } from 'vitest';
import { packageDefinition } from '../../api/proto.js';
import { ApiClient } from '../client.js';

/** The Resources service's method definitions, for a test that changes how one is (de)serialised. */
export const resourcesService = packageDefinition['kubets.v1.Resources'] as grpc.ServiceDefinition;

/**
 * For client tests that need a server doing something no apiserver does (never answering, answering
 * bytes no decoder reads, holding a watch back): `serve` starts a bare Resources server on
 * 127.0.0.1 with the given methods and returns a plaintext client of it; both are closed after
 * each test.
 */
export function useBareResourcesServer(): { serve: (handlers: grpc.UntypedServiceImplementation, service?: grpc.ServiceDefinition) => Promise<ApiClient> } {
  let server: grpc.Server | undefined;
  let client: ApiClient | undefined;
  afterEach(() => {
    client?.close();
    server?.forceShutdown();
    [client, server] = [undefined, undefined];
  });
  return {
    serve: async (handlers, service = resourcesService) => {
      const started = new grpc.Server();
      server = started;
      started.addService(service, handlers);
      const port = await new Promise<number>((resolve, reject) => started.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (err, p) => (err ? reject(err) : resolve(p))));
      client = new ApiClient({ servers: [`127.0.0.1:${port}`], insecure: true });
      return client;
    },
  };
}
