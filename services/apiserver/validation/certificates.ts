import type { CertificateSigningRequest, CertificateSigningRequestCondition } from '../../../lib/api/generated/index.js';
import { KNOWN_USAGES, parseCsr } from '../../../lib/certs/index.js';
import * as field from '../../../lib/validation/field-errors.js';
import type { FieldError, FieldPath } from '../../../lib/validation/field-errors.js';
import { isDNS1123Subdomain } from '../../../lib/validation/names.js';
import { validateImmutableField } from './helpers.js';
import { validateObjectMeta, validateObjectMetaUpdate } from './object-meta.js';
import { nameIsPathSegment } from './rbac.js';

// certificates.k8s.io CertificateSigningRequests (ValidateCertificateSigningRequestCreate, its
// update, status and approval updates).

export const APPROVED = 'Approved';
export const DENIED = 'Denied';
export const FAILED = 'Failed';
const CONDITION_TYPES = [APPROVED, DENIED, FAILED];
const CONDITION_STATUSES = ['True', 'False', 'Unknown'];
const MIN_EXPIRATION_SECONDS = 600;
const SIGNER_NAME_FORM = "must be a fully qualified domain and path of the form 'example.com/signer-name'";

type Csr = CertificateSigningRequest;

const pemText = (bytes: Buffer | Uint8Array | string | undefined): string =>
  bytes === undefined ? '' : typeof bytes === 'string' ? bytes : Buffer.from(bytes).toString('utf8');

function validateSignerName(name: string, path: FieldPath): FieldError[] {
  if (!name) return [field.required(path)];
  const slash = name.indexOf('/');
  if (slash <= 0 || slash === name.length - 1) return [field.invalid(path, name, SIGNER_NAME_FORM)];
  const domain = name.slice(0, slash);
  const problems = isDNS1123Subdomain(domain);
  if (problems.length > 0) return [field.invalid(path, name, `${SIGNER_NAME_FORM}: ${problems.join(', ')}`)];
  if (name.length > 571) return [field.tooLong(path, 571)];
  return [];
}

function validateSpec(csr: Csr): FieldError[] {
  const spec = field.root('spec');
  const errs: FieldError[] = [];
  const request = pemText(csr.spec?.request);
  if (!request) errs.push(field.required(spec.child('request')));
  else {
    try {
      parseCsr(request);
    } catch (err) {
      errs.push(field.invalid(spec.child('request'), field.OMIT_VALUE, (err as Error).message));
    }
  }
  errs.push(...validateSignerName(csr.spec?.signerName ?? '', spec.child('signerName')));
  const usages = csr.spec?.usages ?? [];
  if (usages.length === 0) errs.push(field.required(spec.child('usages')));
  const seen = new Set<string>();
  usages.forEach((usage, i) => {
    const path = spec.child('usages').index(i);
    if (!KNOWN_USAGES.includes(usage)) errs.push(field.notSupported(path, usage, KNOWN_USAGES));
    else if (seen.has(usage)) errs.push(field.duplicate(path, usage));
    seen.add(usage);
  });
  const seconds = csr.spec?.expirationSeconds;
  if (seconds !== undefined && seconds !== null && seconds < MIN_EXPIRATION_SECONDS) {
    errs.push(field.invalid(spec.child('expirationSeconds'), seconds, `may not specify a duration less than ${MIN_EXPIRATION_SECONDS} seconds (10 minutes)`));
  }
  return errs;
}

function validateConditions(conditions: readonly CertificateSigningRequestCondition[]): FieldError[] {
  const path = field.root('status', 'conditions');
  const errs: FieldError[] = [];
  const seen = new Set<string>();
  conditions.forEach((c, i) => {
    const at = path.index(i);
    const type = c.type ?? '';
    if (!type) errs.push(field.required(at.child('type')));
    const status = c.status ?? '';
    if (!status) errs.push(field.required(at.child('status')));
    else if (!CONDITION_STATUSES.includes(status)) errs.push(field.notSupported(at.child('status'), status, CONDITION_STATUSES));
    if ((type === APPROVED || type === DENIED) && status && status !== 'True') errs.push(field.notSupported(at.child('status'), status, ['True']));
    if (CONDITION_TYPES.includes(type) && seen.has(type)) errs.push(field.duplicate(at.child('type'), type));
    seen.add(type);
  });
  if (seen.has(APPROVED) && seen.has(DENIED)) errs.push(field.invalid(path, field.OMIT_VALUE, `${APPROVED} and ${DENIED} conditions are mutually exclusive`));
  return errs;
}

export function validateCertificateSigningRequest(csr: Csr): FieldError[] {
  return [...validateObjectMeta(csr.metadata, false, nameIsPathSegment), ...validateSpec(csr), ...validateConditions(csr.status?.conditions ?? [])];
}

export function validateCertificateSigningRequestUpdate(csr: Csr, old: Csr): FieldError[] {
  return [...validateObjectMetaUpdate(csr.metadata, old.metadata), ...validateImmutableField(csr.spec, old.spec, field.root('spec'))];
}

const isApproval = (c: CertificateSigningRequestCondition): boolean => c.type === APPROVED || c.type === DENIED;
const sameConditions = (a: readonly CertificateSigningRequestCondition[], b: readonly CertificateSigningRequestCondition[]): boolean =>
  JSON.stringify(a.map((c) => [c.type, c.status, c.reason, c.message])) === JSON.stringify(b.map((c) => [c.type, c.status, c.reason, c.message]));

/**
 * Writes through /approval add or keep Approved or Denied, nothing else: the certificate and the
 * other conditions stay as stored, and a decision once made is never taken back.
 */
export function validateCertificateSigningRequestApproval(csr: Csr, old: Csr): FieldError[] {
  const errs = [...validateObjectMetaUpdate(csr.metadata, old.metadata), ...validateConditions(csr.status?.conditions ?? [])];
  const now = csr.status?.conditions ?? [];
  const before = old.status?.conditions ?? [];
  if (!sameConditions(now.filter((c) => !isApproval(c)), before.filter((c) => !isApproval(c)))) {
    errs.push(field.forbidden(field.root('status', 'conditions'), 'only Approved and Denied conditions may be changed through the approval subresource'));
  }
  for (const kept of before.filter(isApproval)) {
    if (!now.some((c) => c.type === kept.type)) errs.push(field.forbidden(field.root('status', 'conditions'), `updates may not remove a condition of type "${kept.type}"`));
  }
  if (pemText(csr.status?.certificate) !== pemText(old.status?.certificate)) {
    errs.push(field.forbidden(field.root('status', 'certificate'), 'may not be changed through the approval subresource'));
  }
  return errs;
}

/**
 * Writes through /status (the signer's): conditions other than the decision, and the certificate
 * once, only for an approved request, as one PEM certificate.
 */
export function validateCertificateSigningRequestStatusUpdate(csr: Csr, old: Csr): FieldError[] {
  const errs = [...validateObjectMetaUpdate(csr.metadata, old.metadata), ...validateConditions(csr.status?.conditions ?? [])];
  if (!sameConditions((csr.status?.conditions ?? []).filter(isApproval), (old.status?.conditions ?? []).filter(isApproval))) {
    errs.push(field.forbidden(field.root('status', 'conditions'), 'Approved and Denied conditions may only be changed through the approval subresource'));
  }
  const cert = pemText(csr.status?.certificate);
  const oldCert = pemText(old.status?.certificate);
  const path = field.root('status', 'certificate');
  if (oldCert && cert !== oldCert) errs.push(field.invalid(path, field.OMIT_VALUE, 'updates may not modify existing certificate content'));
  else if (cert && !oldCert) {
    if (!(old.status?.conditions ?? []).some((c) => c.type === APPROVED)) errs.push(field.invalid(path, field.OMIT_VALUE, 'certificate may only be set if the request is approved'));
    if (!/^-----BEGIN CERTIFICATE-----\r?\n[\s\S]+?-----END CERTIFICATE-----\s*$/.test(cert.trim())) errs.push(field.invalid(path, field.OMIT_VALUE, 'must contain at least one CERTIFICATE PEM block'));
  }
  return errs;
}
