import * as grpc from '@grpc/grpc-js';
import { expect, it } from 'vitest';
import type { Event } from '../api/generated/index.js';
import { resourcesService as service, useBareResourcesServer } from './testing/bare-resources-server.js';

const { serve } = useBareResourcesServer();

it('createIgnoringResult resolves on the server OK without decoding the answer, which create must decode', async () => {
  // An answer no Object decodes from (a length-delimited field running past the end).
  const undecodable = { ...service.Create!, responseSerialize: () => Buffer.from([0x0a, 0x7f]) };
  const client = await serve({ Create: (_call: unknown, callback: grpc.sendUnaryData<object>) => callback(null, {}) }, { ...service, Create: undecodable });
  const event: Event = { metadata: { name: 'p.1', namespace: 'default' }, reason: 'Scheduled', count: 1 };
  await expect(client.resource('event').create(event)).rejects.toThrow(/parsing error/);
  await expect(client.resource('event').createIgnoringResult(event)).resolves.toBeUndefined();
});

it('bind and evict resolve on the server OK without decoding the Status it answers with', async () => {
  // A Status no decoder reads (a message field, details, running past the end).
  const undecodable = (def: grpc.MethodDefinition<object, object>): grpc.MethodDefinition<object, object> => ({ ...def, responseSerialize: () => Buffer.from([0x22, 0x7f]) });
  const ok = (_call: unknown, callback: grpc.sendUnaryData<object>): void => callback(null, {});
  const client = await serve({ Bind: ok, Evict: ok }, { ...service, Bind: undecodable(service.Bind!), Evict: undecodable(service.Evict!) });
  await expect(client.bind('default', { metadata: { name: 'p' }, target: { kind: 'Node', name: 'node-1' } })).resolves.toBeUndefined();
  await expect(client.evict('default', 'p')).resolves.toBeUndefined();
});
