import * as field from '../../../lib/validation/field-errors.js';
import type { FieldError } from '../../../lib/validation/field-errors.js';

/** How a list's resourceVersion is read: Kubernetes' metav1.ResourceVersionMatch values. */
export const NOT_OLDER_THAN = 'NotOlderThan';
export const EXACT = 'Exact';

/** The parameters of a list or watch that constrain one another (Kubernetes' ListOptions). */
export interface ListOptionsToCheck {
  watch: boolean;
  resourceVersion?: string;
  resourceVersionMatch?: string;
  continueToken?: string;
  /** Present (true or false) only when the client sent it: on a watch its mere presence matters. */
  sendInitialEvents?: boolean;
}

/**
 * Kubernetes' ValidateListOptions (with its watch-list feature on): a list reads resourceVersion
 * as resourceVersionMatch says, which needs a resourceVersion and no continue token, and takes no
 * sendInitialEvents; a watch takes resourceVersionMatch only with sendInitialEvents, and then only
 * NotOlderThan.
 */
export function validateListOptions(opts: ListOptionsToCheck): FieldError[] {
  return opts.watch ? validateWatchOptions(opts) : validateListOnly(opts);
}

const matchPath = field.root('resourceVersionMatch');

function validateListOnly(opts: ListOptionsToCheck): FieldError[] {
  const errs: FieldError[] = [];
  const match = opts.resourceVersionMatch;
  if (match) {
    if (!opts.resourceVersion) errs.push(field.forbidden(matchPath, 'resourceVersionMatch is forbidden unless resourceVersion is provided'));
    if (opts.continueToken) errs.push(field.forbidden(matchPath, 'resourceVersionMatch is forbidden when continue is provided'));
    if (match !== EXACT && match !== NOT_OLDER_THAN) errs.push(field.notSupported(matchPath, match, [EXACT, NOT_OLDER_THAN, '']));
    if (match === EXACT && opts.resourceVersion === '0') errs.push(field.forbidden(matchPath, 'resourceVersionMatch "exact" is forbidden for resourceVersion "0"'));
  }
  if (opts.sendInitialEvents !== undefined) errs.push(field.forbidden(field.root('sendInitialEvents'), 'sendInitialEvents is forbidden for list'));
  return errs;
}

function validateWatchOptions(opts: ListOptionsToCheck): FieldError[] {
  const errs: FieldError[] = [];
  const match = opts.resourceVersionMatch;
  if (opts.sendInitialEvents !== undefined && match !== NOT_OLDER_THAN) {
    errs.push(field.forbidden(matchPath, `sendInitialEvents requires setting resourceVersionMatch to ${NOT_OLDER_THAN}`));
  }
  if (match) {
    if (opts.sendInitialEvents === undefined) errs.push(field.forbidden(matchPath, 'resourceVersionMatch is forbidden for watch unless sendInitialEvents is provided'));
    if (match !== NOT_OLDER_THAN) errs.push(field.notSupported(matchPath, match, [NOT_OLDER_THAN]));
    if (opts.continueToken) errs.push(field.forbidden(matchPath, 'resourceVersionMatch is forbidden when continue is provided'));
  }
  return errs;
}
