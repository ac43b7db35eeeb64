import { describe, expect, it } from 'vitest';
import { encodesAsIs } from './encodable.js';
import { lookupMessage, protoRoot } from './proto.js';
import { resources } from './resources.js';
import { sampleOf } from './testing/sample-message.js';

const viaCopy = (typeName: string, message: object): Buffer => {
  const type = lookupMessage(typeName);
  return Buffer.from(type.encode(type.fromObject(message)).finish());
};
const asIs = (typeName: string, message: object): Buffer => Buffer.from(lookupMessage(typeName).encode(message).finish());

describe('encodesAsIs', () => {
  const requestTypes = [...new Set(protoRoot().lookupService('kubets.v1.Resources').methodsArray.map((m) => (m.resolve(), m.resolvedRequestType!)))];

  for (const type of requestTypes) {
    it(`says yes to a full ${type.name}, whose bytes are then those of the fromObject copy`, () => {
      const message = sampleOf(type, 3);
      expect(encodesAsIs(type, message)).toBe(true);
      expect(Buffer.from(type.encode(message).finish())).toEqual(Buffer.from(type.encode(type.fromObject(message)).finish()));
    });
  }

  for (const info of resources) {
    it(`says yes to a create of a full ${info.kind}`, () => {
      const request = { resource: info.resource, object: { [info.field]: sampleOf(lookupMessage(info.kind), 4) } };
      expect(encodesAsIs(lookupMessage('CreateRequest'), request)).toBe(true);
      expect(asIs('CreateRequest', request)).toEqual(viaCopy('CreateRequest', request));
    });
  }

  it.each([
    ['a number in a string field', 'CreateRequest', { resource: 'pods', object: { pod: { metadata: { name: 5 } } } }],
    ['a string in an int32 field', 'ListRequest', { resource: 'pods', limit: '10' }],
    ['an int32 that does not fit', 'CreateRequest', { resource: 'replicationcontrollers', object: { replicationController: { spec: { replicas: 2 ** 32 + 3 } } } }],
    ['a fraction in an integer field', 'ListRequest', { resource: 'pods', limit: 1.5 }],
    ['a string in a bool field', 'WatchRequest', { resource: 'pods', allowWatchBookmarks: 'true' }],
    ['base64 text in a bytes field', 'CreateRequest', { resource: 'secrets', object: { secret: { data: { k: 'aGk=' } } } }],
    ['a bigint in an int64 field', 'DeleteRequest', { resource: 'pods', options: { gracePeriodSeconds: 30n } }],
    ['a list where one message is expected', 'CreateRequest', { resource: 'pods', object: { pod: { metadata: [] } } }],
    ['one message where a list is expected', 'CreateRequest', { resource: 'pods', object: { pod: { spec: { containers: { name: 'c' } } } } }],
    ['a null in a list', 'CreateRequest', { resource: 'pods', object: { pod: { spec: { containers: [null] } } } }],
  ])('says no to %s, which only the fromObject copy converts or refuses', (_what, typeName, request) => {
    expect(encodesAsIs(lookupMessage(typeName), request)).toBe(false);
  });

  it('ignores keys that name no field, and undefined or null values, as the copy does', () => {
    const request = { resource: 'pods', namespace: undefined, dryRun: null, extra: 'x', object: { pod: { metadata: { name: 'p', extra: 1 } } } };
    expect(encodesAsIs(lookupMessage('CreateRequest'), request)).toBe(true);
    expect(asIs('CreateRequest', request)).toEqual(viaCopy('CreateRequest', request));
  });
});
