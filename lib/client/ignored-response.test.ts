import * as grpc from '@grpc/grpc-js';
import { afterEach, expect, it } from 'vitest';
import type { Event } from '../api/generated/index.js';
import { packageDefinition } from '../api/proto.js';
import { ApiClient } from './client.js';

const service = packageDefinition['kubets.v1.Resources'] as grpc.ServiceDefinition;

let server: grpc.Server | undefined;
let client: ApiClient | undefined;
afterEach(() => {
  client?.close();
  server?.forceShutdown();
});

it('createIgnoringResult resolves on the server OK without decoding the answer, which create must decode', async () => {
  server = new grpc.Server();
  // An answer no Object decodes from (a length-delimited field running past the end).
  const undecodable = { ...service.Create!, responseSerialize: () => Buffer.from([0x0a, 0x7f]) };
  server.addService({ ...service, Create: undecodable }, { Create: (_call: unknown, callback: grpc.sendUnaryData<object>) => callback(null, {}) });
  const port = await new Promise<number>((resolve, reject) => server!.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (err, p) => (err ? reject(err) : resolve(p))));
  client = new ApiClient({ servers: [`127.0.0.1:${port}`], insecure: true });
  const event: Event = { metadata: { name: 'p.1', namespace: 'default' }, reason: 'Scheduled', count: 1 };
  await expect(client.resource('event').create(event)).rejects.toThrow(/parsing error/);
  await expect(client.resource('event').createIgnoringResult(event)).resolves.toBeUndefined();
});

it('bind and evict resolve on the server OK without decoding the Status it answers with', async () => {
  server = new grpc.Server();
  // A Status no decoder reads (a message field, details, running past the end).
  const undecodable = (def: grpc.MethodDefinition<object, object>): grpc.MethodDefinition<object, object> => ({ ...def, responseSerialize: () => Buffer.from([0x22, 0x7f]) });
  const ok = (_call: unknown, callback: grpc.sendUnaryData<object>): void => callback(null, {});
  server.addService({ ...service, Bind: undecodable(service.Bind!), Evict: undecodable(service.Evict!) }, { Bind: ok, Evict: ok });
  const port = await new Promise<number>((resolve, reject) => server!.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (err, p) => (err ? reject(err) : resolve(p))));
  client = new ApiClient({ servers: [`127.0.0.1:${port}`], insecure: true });
  await expect(client.bind('default', { metadata: { name: 'p' }, target: { kind: 'Node', name: 'node-1' } })).resolves.toBeUndefined();
  await expect(client.evict('default', 'p')).resolves.toBeUndefined();
});
