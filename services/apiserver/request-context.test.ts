import { describe, expect, it } from 'vitest';
import { ApiError } from '../../lib/api/errors.js';
import { resolveResource } from './request-context.js';

describe('resolveResource', () => {
  it('takes the plural, the singular or the kind', () => {
    for (const name of ['deployments', 'deployment', 'Deployment']) expect(resolveResource(name).resource).toBe('deployments');
    expect(resolveResource('Endpoints').resource).toBe('endpoints');
  });

  it('infers the resource from the object a request carries when none is named', () => {
    expect(resolveResource('', { configMap: { metadata: { name: 'c' } } }).resource).toBe('configmaps');
  });

  it('refuses an empty resource without an object, and names an unknown one', () => {
    expect(() => resolveResource('')).toThrow(new ApiError('BadRequest', 'resource: Required value'));
    expect(() => resolveResource('', {})).toThrow(/resource: Required value/);
    expect(() => resolveResource('po')).toThrow(`the server doesn't have a resource type "po"`);
    expect(() => resolveResource('DEPLOYMENT')).toThrow(/doesn't have a resource type/);
  });
});
