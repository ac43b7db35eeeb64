import { X509Certificate } from 'node:crypto';
import { isApiError } from '../../../lib/api/errors.js';
import type { CertificateSigningRequest } from '../../../lib/api/generated/index.js';
import { parseTime } from '../../../lib/client/api-time.js';
import type { Informer } from '../../../lib/informer/informer.js';
import type { ControllerContext } from '../common/controller.js';
import { onAddOrUpdate, QueueController, type HandlerRegistration } from '../common/queue-controller.js';
import { conditionOf } from './csr-kinds.js';

const HOUR_MS = 60 * 60 * 1000;
/** How long a decided request (approved, denied or failed) stays for its requester to read. */
export const DECIDED_EXPIRATION_MS = HOUR_MS;
/** How long a request nobody decided stays. */
export const PENDING_EXPIRATION_MS = 24 * HOUR_MS;
/** Every request is looked at again this often as well (Kubernetes' polling interval), in case the clock jumped. */
export const CSR_CLEANER_RESYNC_MS = HOUR_MS;

/** When the issued certificate stops being valid; undefined when there is none or it cannot be read. */
function certificateNotAfter(csr: CertificateSigningRequest): number | undefined {
  const pem = csr.status?.certificate;
  if (!pem || pem.length === 0) return undefined;
  try {
    return Date.parse(new X509Certificate(Buffer.from(pem)).validTo);
  } catch {
    return undefined;
  }
}

/**
 * When Kubernetes' csrcleaner deletes a request: an hour after it was approved, denied or failed
 * (the condition's last update), a day after its creation while nobody decides it, and at once
 * when the certificate it carries has expired. The earliest of those that apply; undefined when
 * none does (a request without a creation time).
 */
export function csrDeletionTime(csr: CertificateSigningRequest): number | undefined {
  const times: number[] = [];
  const decided = ['Approved', 'Denied', 'Failed'].map((type) => conditionOf(csr, type)).filter((c) => c !== undefined);
  for (const condition of decided) {
    const at = parseTime(condition.lastUpdateTime || condition.lastTransitionTime);
    if (!Number.isNaN(at)) times.push(at + DECIDED_EXPIRATION_MS);
  }
  if (decided.length === 0) {
    const created = parseTime(csr.metadata?.creationTimestamp);
    if (!Number.isNaN(created)) times.push(created + PENDING_EXPIRATION_MS);
  }
  const notAfter = certificateNotAfter(csr);
  if (notAfter !== undefined && !Number.isNaN(notAfter)) times.push(notAfter);
  return times.length > 0 ? Math.min(...times) : undefined;
}

/**
 * Kubernetes' csrcleaner: CertificateSigningRequests are requests, not records, so each is deleted
 * once its requester has had time to collect the answer (see csrDeletionTime). Level-triggered: a
 * request that expires later is looked at again then, and every request once per resync period.
 * Keys are CSR names.
 */
export class CsrCleaner extends QueueController {
  private readonly csrs: Informer<CertificateSigningRequest>;

  constructor(ctx: ControllerContext, opts: { resyncPeriodMs?: number } = {}) {
    super('csrcleaner', ctx, { workers: 1, resyncPeriodMs: opts.resyncPeriodMs ?? CSR_CLEANER_RESYNC_MS });
    this.csrs = ctx.informers.informerFor('certificateSigningRequest');
  }

  protected handlers(): HandlerRegistration[] {
    return [() => this.csrs.addEventHandler(onAddOrUpdate((csr) => this.queue.add(csr.metadata?.name ?? '')))];
  }

  protected override resyncKeys(): Iterable<string> {
    return this.csrs.store.list().map((csr) => csr.metadata?.name ?? '');
  }

  async sync(name: string): Promise<void> {
    const csr = this.csrs.store.get(name);
    if (!csr || csr.metadata?.deletionTimestamp) return;
    const deleteAt = csrDeletionTime(csr);
    if (deleteAt === undefined) return;
    const left = deleteAt - this.ctx.now();
    if (left > 0) {
      this.queue.addAfter(name, left);
      return;
    }
    this.log.info({ csr: name }, 'deleting finished or stale certificate signing request');
    try {
      await this.ctx.client.resource('certificateSigningRequest').delete('', name, { preconditions: { uid: csr.metadata?.uid ?? '' } });
    } catch (err) {
      if (!isApiError(err, 'NotFound')) throw err;
    }
  }
}
