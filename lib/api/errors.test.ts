import * as grpc from '@grpc/grpc-js';
import { describe, expect, it } from 'vitest';
import { ApiError, fromServiceError, notFound, STATUS_DETAILS_TRAILER, STATUS_TYPE_URL, toServiceError } from './errors.js';
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
