import * as grpc from '@grpc/grpc-js';
import { describe, expect, it } from 'vitest';
import { ApiError, fromServiceError } from '../api/errors.js';
import { encodeObject, lookupMessage, packageDefinition } from '../api/proto.js';
import { encodeRequest } from './request-encoding.js';

const serialize = (value: object): Buffer => encodeObject((value as { object: never }).object);

function refusal(method: string, request: object): ApiError {
  try {
    encodeRequest(method, request, serialize);
  } catch (err) {
    return err as ApiError;
  }
  throw new Error('expected the request to be refused');
}

describe('encodeRequest', () => {
  it('refuses an int32 that protobufjs would wrap, as Invalid on the object', () => {
    const err = refusal('Create', { resource: 'replicationcontrollers', object: { replicationController: { metadata: { name: 'rc' }, spec: { replicas: 4294967299 } } } });
    expect(err.reason).toBe('Invalid');
    expect(err.message).toBe('ReplicationController "rc" is invalid: spec.replicas: Invalid value: 4294967299: must be a 32-bit integer');
    expect(err.details.causes).toEqual([{ reason: 'FieldValueInvalid', field: 'spec.replicas', message: 'Invalid value: 4294967299: must be a 32-bit integer' }]);
  });

  it('reports an int32 out of range even when the name is not a string', () => {
    const err = refusal('Create', { resource: 'replicationcontrollers', object: { replicationController: { metadata: { name: 7 }, spec: { replicas: 4294967299 } } } });
    expect(err.message).toBe('ReplicationController "" is invalid: spec.replicas: Invalid value: 4294967299: must be a 32-bit integer');
  });

  it('refuses a fraction, NaN or a string in an integer field of the request itself as BadRequest', () => {
    expect(refusal('Delete', { resource: 'pods', name: 'p', options: { gracePeriodSeconds: 1.5 } }).message).toBe(
      'invalid DeleteRequest: options.gracePeriodSeconds: Invalid value: 1.5: must be an integer',
    );
    expect(refusal('UpdateScale', { resource: 'replicasets', scale: { spec: { replicas: NaN } } }).message).toBe('invalid ScaleRequest: scale.spec.replicas: Invalid value: NaN: must be an integer');
    expect(refusal('List', { resource: 'pods', limit: '10' }).message).toBe('invalid ListRequest: limit: Invalid value: "10": expected integer, got string');
  });

  it('finds a bad integer deep in lists of an object among valid ones, with its path', () => {
    const pod = {
      metadata: { name: 'p' },
      spec: {
        containers: [
          { name: 'a', image: 'x', ports: [{ containerPort: 80 }] },
          { name: 'b', image: 'x', ports: [{ containerPort: 8080 }, { containerPort: 4294967376 }] },
        ],
      },
    };
    expect(refusal('Create', { resource: 'pods', object: { pod } }).message).toBe(
      'Pod "p" is invalid: spec.containers[1].ports[1].containerPort: Invalid value: 4294967376: must be a 32-bit integer',
    );
    expect(encodeRequest('Create', { resource: 'pods', object: { pod: { ...pod, spec: { containers: [pod.spec.containers[0]!] } } } }, serialize).length).toBeGreaterThan(0);
  });

  it('encodes a request whose values are of their fields\' types as is, and converts one that needs it as before', () => {
    const create = packageDefinition['kubets.v1.Resources'].Create!.requestSerialize;
    const type = lookupMessage('CreateRequest');
    const typed = { resource: 'pods', object: { pod: { metadata: { name: 'p', labels: { a: 'b' } }, spec: { priority: 5 } } } };
    expect(encodeRequest('Create', typed, create)).toEqual(Buffer.from(type.encode(type.fromObject(typed)).finish()));
    const loose = { resource: 'pods', dryRun: 1, object: { pod: { metadata: { name: 7 }, spec: { priority: 5 } } } };
    const converted = { resource: 'pods', dryRun: true, object: { pod: { metadata: { name: '7' }, spec: { priority: 5 } } } };
    expect(encodeRequest('Create', loose, create)).toEqual(encodeRequest('Create', converted, create));
  });

  it('refuses a message over the server limit naming the object', () => {
    const big = { resource: 'configmaps', object: { configMap: { metadata: { name: 'huge' }, data: { blob: 'x'.repeat(5 * 1024 * 1024) } } } };
    const err = refusal('Create', big);
    expect(err.reason).toBe('RequestEntityTooLarge');
    expect(err.message).toMatch(/^Request entity too large: ConfigMap "huge" is \d+ bytes, limit is 4194304$/);
  });
});

describe('fromServiceError', () => {
  it("reads grpc-js' own oversize refusal as RequestEntityTooLarge with the limit", () => {
    const err = fromServiceError({ code: grpc.status.RESOURCE_EXHAUSTED, details: 'Received message larger than max (5242940 vs 4194304)' });
    expect(err.reason).toBe('RequestEntityTooLarge');
    expect(err.message).toBe('Request entity too large: the message is 5242940 bytes, limit is 4194304');
  });
});
