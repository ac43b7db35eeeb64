import type { CertificateSigningRequest } from '../../../lib/api/generated/index.js';
import { formatTime } from '../../../lib/client/api-time.js';
import { parseCsr, signCsr, verifyCsrSignature, type CertAndKey, type ParsedCsr } from '../../../lib/certs/index.js';
import type { Informer } from '../../../lib/informer/informer.js';
import type { ControllerContext } from '../common/controller.js';
import { onAddOrUpdate, QueueController, type HandlerRegistration } from '../common/queue-controller.js';
import {
  apiserverClientProblem,
  conditionOf,
  hasCertificate,
  isApproved,
  KUBE_APISERVER_CLIENT,
  KUBE_APISERVER_CLIENT_KUBELET,
  kubeletClientProblem,
  kubeletServingProblem,
  KUBELET_SERVING,
  requestPem,
} from './csr-kinds.js';

/** Kubernetes' --cluster-signing-duration default: a year. */
export const DEFAULT_SIGNING_DURATION_MS = 365 * 24 * 60 * 60 * 1000;

/** What a signer refuses to sign, whoever approved it: the shape each built-in signer requires. */
export async function signerProblem(csr: CertificateSigningRequest): Promise<{ x?: ParsedCsr; problem?: string }> {
  let x: ParsedCsr;
  try {
    x = parseCsr(requestPem(csr));
  } catch (err) {
    return { problem: (err as Error).message };
  }
  if (!(await verifyCsrSignature(x))) return { problem: 'the request is not signed by the key it names' };
  const usages = csr.spec?.usages ?? [];
  const check = { [KUBE_APISERVER_CLIENT_KUBELET]: kubeletClientProblem, [KUBELET_SERVING]: kubeletServingProblem, [KUBE_APISERVER_CLIENT]: apiserverClientProblem }[csr.spec?.signerName ?? ''];
  const problem = check?.(x, usages);
  return problem ? { problem } : { x };
}

/**
 * Kubernetes' csrsigning controller: signs approved requests of the built-in signers it knows with
 * the cluster CA (--cluster-signing-cert-file/--cluster-signing-key-file, which stay on the
 * masters), valid for the requested expirationSeconds or the signing duration, whichever is
 * shorter. A request the signer cannot honour gets a Failed condition instead. Keys are CSR names.
 */
export class CsrSigningController extends QueueController {
  private readonly csrs: Informer<CertificateSigningRequest>;

  constructor(
    ctx: ControllerContext,
    private readonly opts: { ca: CertAndKey; durationMs: number },
  ) {
    super('csrsigning', ctx, { workers: 2 });
    this.csrs = ctx.informers.informerFor('certificateSigningRequest');
  }

  protected handlers(): HandlerRegistration[] {
    return [() => this.csrs.addEventHandler(onAddOrUpdate((csr) => this.queue.add(csr.metadata?.name ?? '')))];
  }

  async sync(name: string): Promise<void> {
    const csr = this.csrs.store.get(name);
    if (!csr || !isApproved(csr) || hasCertificate(csr) || conditionOf(csr, 'Failed')) return;
    if (![KUBE_APISERVER_CLIENT_KUBELET, KUBELET_SERVING, KUBE_APISERVER_CLIENT].includes(csr.spec?.signerName ?? '')) return;
    const copy = structuredClone(csr);
    const { x, problem } = await signerProblem(copy);
    if (!x) {
      const now = formatTime();
      const failed = { type: 'Failed', status: 'True', reason: 'SignerValidationFailure', message: problem ?? '', lastUpdateTime: now, lastTransitionTime: now };
      await this.ctx.client.resource('certificateSigningRequest').updateStatus({ ...copy, status: { ...copy.status, conditions: [...(copy.status?.conditions ?? []), failed] } });
      this.log.warn({ csr: name, problem }, 'refusing to sign');
      return;
    }
    const requested = copy.spec?.expirationSeconds;
    const durationMs = requested ? Math.min(requested * 1000, this.opts.durationMs) : this.opts.durationMs;
    const certPem = await signCsr(this.opts.ca, x, { usages: copy.spec?.usages ?? [], durationMs });
    await this.ctx.client.resource('certificateSigningRequest').updateStatus({ ...copy, status: { ...copy.status, certificate: Buffer.from(certPem) } });
    this.log.info({ csr: name, signer: copy.spec?.signerName, subject: x.commonName }, 'certificate issued');
  }
}
