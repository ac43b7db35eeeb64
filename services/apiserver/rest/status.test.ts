import { describe, expect, it } from 'vitest';
import { ApiError, invalid, notFound } from '../../../lib/api/errors.js';
import { DecodeError } from '../../../lib/api/json.js';
import { required, root } from '../../../lib/validation/field-errors.js';
import { apiErrorOf, internalError, statusOf } from './status.js';

describe('statusOf', () => {
  it('gives a NotFound as metav1.Status with its HTTP code and details', () => {
    expect(statusOf(notFound('pods', 'x'))).toEqual({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: 'pods "x" not found',
      reason: 'NotFound',
      details: { name: 'x', kind: 'pods' },
      code: 404,
    });
  });

  it('carries one cause per field error of an Invalid', () => {
    const status = statusOf(invalid('Pod', 'p', [required(root('spec').child('containers'), '')]));
    expect(status).toMatchObject({ code: 422, reason: 'Invalid', details: { name: 'p', kind: 'Pod', causes: [{ reason: 'FieldValueRequired', field: 'spec.containers' }] } });
    expect(status.message).toBe('Pod "p" is invalid: spec.containers: Required value');
  });

  it('leaves out empty details', () => {
    expect(statusOf(new ApiError('Unauthorized', 'Unauthorized'))).not.toHaveProperty('details');
  });
});

describe('apiErrorOf', () => {
  it('keeps ApiErrors, turns decode errors into BadRequest, and leaves bugs to the caller', () => {
    const err = new ApiError('Conflict', 'c');
    expect(apiErrorOf(err)).toBe(err);
    expect(apiErrorOf(new DecodeError(['unknown field "spec.x"']))).toMatchObject({ reason: 'BadRequest', message: 'unknown field "spec.x"' });
    expect(apiErrorOf(new TypeError('oops'))).toBeUndefined();
    expect(statusOf(internalError(new TypeError('oops')))).toMatchObject({ code: 500, reason: 'InternalError', message: 'Internal error occurred: oops' });
  });
});
