import { describe, expect, it } from 'vitest';
import { ApiError } from '../lib/api/errors.js';
import { CliError, formatError, SourcedApiError } from './errors.js';

describe('formatError', () => {
  it('prints server errors with their reason, and the source when there is one', () => {
    expect(formatError(new ApiError('NotFound', 'pods "x" not found'))).toBe('Error from server (NotFound): pods "x" not found');
    expect(formatError(new SourcedApiError(new ApiError('AlreadyExists', 'services "a" already exists'), 'creating', 'a.yaml'))).toBe(
      'Error from server (AlreadyExists): error when creating "a.yaml": services "a" already exists',
    );
  });

  it('rebuilds Invalid errors from their causes like kubectl', () => {
    const one = new ApiError('Invalid', 'x', { kind: 'Pod', name: 'p', causes: [{ field: 'spec.containers[0].image', message: 'Required value' }] });
    expect(formatError(one)).toBe('The Pod "p" is invalid: spec.containers[0].image: Required value');
    const two = new ApiError('Invalid', 'x', {
      kind: 'ReplicationController',
      name: 'r',
      causes: [
        { field: 'spec.selector', message: 'Required value' },
        { field: 'spec.template', message: 'Required value' },
      ],
    });
    expect(formatError(two)).toBe('The ReplicationController "r" is invalid: \n* spec.selector: Required value\n* spec.template: Required value');
  });

  it('names the unreachable server, and prefixes other errors with error:', () => {
    expect(formatError(new ApiError('ServiceUnavailable', 'no apiserver reachable (127.0.0.1:1: cannot connect)'))).toBe(
      'Unable to connect to the server: no apiserver reachable (127.0.0.1:1: cannot connect)',
    );
    expect(formatError(new ApiError('ServiceUnavailable', 'no apiserver reachable (127.0.0.1:6443: tls: failed to verify certificate: x509: certificate signed by unknown authority)'))).toBe(
      'Unable to connect to the server: tls: failed to verify certificate: x509: certificate signed by unknown authority',
    );
    expect(formatError(new ApiError('Unauthorized', 'invalid bearer token'))).toBe('error: You must be logged in to the server (invalid bearer token)');
    expect(formatError(new CliError('bad'))).toBe('error: bad');
  });
});
