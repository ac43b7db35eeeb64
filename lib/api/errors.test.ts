import * as grpc from '@grpc/grpc-js';
import { describe, expect, it } from 'vitest';
import { ApiError, conflict, fromServiceError, invalid, isGoneOrReplaced, notFound, STATUS_DETAILS_TRAILER, STATUS_TYPE_URL, toServiceError, uidPreconditionFailed } from './errors.js';
import * as field from '../validation/field-errors.js';
import { lookupType, toObjectOptions } from './proto.js';

describe('errors on the wire', () => {
  it('carry a google.rpc.Status in grpc-status-details-bin whose detail is the Kubernetes Status', () => {
    const sent = toServiceError(notFound('pods', 'web'));
    expect(sent.code).toBe(grpc.status.NOT_FOUND);
    expect(sent.metadata?.get('kubets-status-bin')).toEqual([]);
    const raw = sent.metadata?.get(STATUS_DETAILS_TRAILER)[0] as Buffer;
    const rpcStatusType = lookupType('google.rpc.Status');
    const rpcStatus = rpcStatusType.toObject(rpcStatusType.decode(raw), toObjectOptions) as { code: number; message: string; details: { type_url: string; value: Buffer }[] };
    expect(rpcStatus).toMatchObject({ code: grpc.status.NOT_FOUND, message: 'pods "web" not found' });
    expect(rpcStatus.details.map((d) => d.type_url)).toEqual([STATUS_TYPE_URL]);
    const statusType = lookupType('kubets.v1.Status');
    expect(statusType.toObject(statusType.decode(rpcStatus.details[0]!.value), toObjectOptions)).toEqual({
      status: 'Failure',
      message: 'pods "web" not found',
      reason: 'NotFound',
      details: { name: 'web', kind: 'pods' },
      code: 404,
    });
  });

  it('read back as the ApiError that was sent, and plain gRPC errors by their code', () => {
    const sent = toServiceError(new ApiError('Conflict', 'changed', { name: 'x' }));
    const back = fromServiceError({ code: sent.code, details: sent.details, metadata: sent.metadata });
    expect(back).toMatchObject({ reason: 'Conflict', message: 'changed', details: { name: 'x' } });
    expect(fromServiceError({ code: grpc.status.UNAVAILABLE, details: 'No connection established', metadata: new grpc.Metadata() })).toMatchObject({
      reason: 'ServiceUnavailable',
      message: 'No connection established',
    });
  });
});

describe('isGoneOrReplaced', () => {
  it('is true for NotFound and for a failed uid precondition, also after the trip over gRPC', () => {
    const replaced = uidPreconditionFailed('jobs', 'once', 'uid-1', 'uid-2');
    expect(replaced.message).toBe('Operation cannot be fulfilled on jobs "once": Precondition failed: UID in precondition: uid-1, UID in object meta: uid-2');
    expect(isGoneOrReplaced(replaced)).toBe(true);
    expect(isGoneOrReplaced(fromServiceError(toServiceError(replaced)))).toBe(true);
    expect(isGoneOrReplaced(notFound('jobs', 'once'))).toBe(true);
  });

  it('is false for the conflicts a retry resolves and for other errors', () => {
    expect(isGoneOrReplaced(conflict('jobs', 'once', 'too many concurrent changes, try again'))).toBe(false);
    expect(isGoneOrReplaced(conflict('jobs', 'once', 'the object has been modified; please apply your changes to the latest version and try again'))).toBe(false);
    expect(isGoneOrReplaced(new ApiError('ServiceUnavailable', 'etcd is unavailable'))).toBe(false);
    expect(isGoneOrReplaced(new Error('Precondition failed: UID in precondition: a, UID in object meta: b'))).toBe(false);
  });
});

describe('invalid', () => {
  it('qualifies the kind by its group when it has one, as Kubernetes names ListOptions', () => {
    const err = invalid('ListOptions', '', [field.forbidden(field.root('sendInitialEvents'), 'sendInitialEvents is forbidden for list')], 'meta.k8s.io');
    expect(err.toStatus()).toEqual({
      status: 'Failure',
      code: 422,
      reason: 'Invalid',
      message: 'ListOptions.meta.k8s.io "" is invalid: sendInitialEvents: Forbidden: sendInitialEvents is forbidden for list',
      details: {
        name: '',
        group: 'meta.k8s.io',
        kind: 'ListOptions',
        causes: [{ reason: 'FieldValueForbidden', field: 'sendInitialEvents', message: 'Forbidden: sendInitialEvents is forbidden for list' }],
      },
    });
    expect(invalid('Binding', 'b', [field.required(field.root('target'))]).message).toBe('Binding "b" is invalid: target: Required value');
  });
});
