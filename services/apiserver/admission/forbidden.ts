import { ApiError } from '../../../lib/api/errors.js';
import type { AnyObject } from '../../../lib/api/resources.js';

/**
 * Kubernetes' admission.NewForbidden: `pods "web" is forbidden: <why>`. Before a generated name
 * exists the object is named by its generateName, as Kubernetes does.
 */
export function admissionForbidden(resource: string, object: AnyObject | undefined, why: string): ApiError {
  const name = object?.metadata?.name || object?.metadata?.generateName || 'Unknown';
  return new ApiError('Forbidden', `${resource} "${name}" is forbidden: ${why}`);
}
