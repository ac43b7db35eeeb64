import type { CertificateSigningRequest, Node } from '../../../lib/api/generated/index.js';
import { formatTime } from '../../../lib/client/api-time.js';
import { parseCsr, verifyCsrSignature, type ParsedCsr } from '../../../lib/certs/index.js';
import type { Informer } from '../../../lib/informer/informer.js';
import type { ControllerContext } from '../common/controller.js';
import { onAddOrUpdate, QueueController, type HandlerRegistration } from '../common/queue-controller.js';
import {
  hasCertificate,
  isDecided,
  KUBE_APISERVER_CLIENT,
  KUBE_APISERVER_CLIENT_KUBELET,
  kubeletClientProblem,
  kubeletServingProblem,
  KUBELET_SERVING,
  kubeProxyClientProblem,
  requestingNode,
  requestPem,
  servingNamesProblem,
} from './csr-kinds.js';

/** Asks the apiserver's authorizer whether the requester may create this CSR subresource (a SubjectAccessReview). */
export type RequesterCheck = (csr: CertificateSigningRequest, subresource: 'nodeclient' | 'selfnodeclient') => Promise<boolean>;

/** Why a request is approved, or undefined to leave it to someone else. */
export async function approvalFor(
  csr: CertificateSigningRequest,
  x: ParsedCsr,
  may: RequesterCheck,
  nodeNamed: (name: string) => Node | undefined,
): Promise<string | undefined> {
  const usages = csr.spec?.usages ?? [];
  switch (csr.spec?.signerName) {
    case KUBE_APISERVER_CLIENT_KUBELET:
      if (kubeletClientProblem(x, usages)) return undefined;
      // Renewal first: a node asking for its own name needs only selfnodeclient (kube-controller-manager's order).
      if (csr.spec?.username === x.commonName && (await may(csr, 'selfnodeclient'))) return 'Auto approving self kubelet client certificate after SubjectAccessReview.';
      return (await may(csr, 'nodeclient')) ? 'Auto approving kubelet client certificate after SubjectAccessReview.' : undefined;
    case KUBELET_SERVING: {
      const node = requestingNode(csr);
      if (!node || kubeletServingProblem(x, usages) || csr.spec?.username !== x.commonName) return undefined;
      const known = nodeNamed(node);
      if (!known || servingNamesProblem(x, known)) return undefined;
      return `Auto approving kubelet serving certificate: node ${node} asked for its own name and addresses.`;
    }
    case KUBE_APISERVER_CLIENT: {
      const node = requestingNode(csr);
      return node && !kubeProxyClientProblem(x, usages, node) ? `Auto approving kube-proxy client certificate: node ${node} asked for its own proxy's identity.` : undefined;
    }
    default:
      return undefined;
  }
}

/**
 * Kubernetes' csrapproving controller, plus two rules of kubets for joining nodes: a node's serving
 * certificate naming only that node (see servingNamesProblem), and its proxy's client certificate
 * (`system:kube-proxy:<node>` in `system:node-proxiers`) when that node asks for it. Anything else
 * stays pending for an administrator (`kubets certificate approve|deny`). Keys are CSR names.
 */
export class CsrApprovingController extends QueueController {
  private readonly csrs: Informer<CertificateSigningRequest>;
  private readonly nodes: Informer<Node>;

  constructor(ctx: ControllerContext) {
    super('csrapproving', ctx, { workers: 2 });
    this.csrs = ctx.informers.informerFor('certificateSigningRequest');
    this.nodes = ctx.informers.informerFor('node');
  }

  protected handlers(): HandlerRegistration[] {
    // A serving request waits for its Node's addresses: a changed Node looks at the pending ones again.
    const pendingServing = (): void => {
      for (const csr of this.csrs.store.list()) if (csr.spec?.signerName === KUBELET_SERVING && !isDecided(csr)) this.queue.add(csr.metadata?.name ?? '');
    };
    return [() => this.csrs.addEventHandler(onAddOrUpdate((csr) => this.queue.add(csr.metadata?.name ?? ''))), () => this.nodes.addEventHandler(onAddOrUpdate(pendingServing))];
  }

  async sync(name: string): Promise<void> {
    const csr = this.csrs.store.get(name);
    if (!csr || isDecided(csr) || hasCertificate(csr)) return;
    let x: ParsedCsr;
    try {
      x = parseCsr(requestPem(csr));
    } catch {
      return;
    }
    if (!(await verifyCsrSignature(x))) return;
    const why = await approvalFor(csr, x, (c, sub) => this.may(c, sub), (node) => this.nodes.store.get(node));
    if (!why) return;
    const now = formatTime();
    const condition = { type: 'Approved', status: 'True', reason: 'AutoApproved', message: why, lastUpdateTime: now, lastTransitionTime: now };
    const copy = structuredClone(csr);
    await this.ctx.client.resource('certificateSigningRequest').updateApproval({ ...copy, status: { ...copy.status, conditions: [...(copy.status?.conditions ?? []), condition] } });
    this.log.info({ csr: name, requestor: csr.spec?.username }, why);
  }

  private async may(csr: CertificateSigningRequest, subresource: 'nodeclient' | 'selfnodeclient'): Promise<boolean> {
    const review = await this.ctx.client.subjectAccessReview({
      spec: {
        user: csr.spec?.username ?? '',
        uid: csr.spec?.uid ?? '',
        groups: csr.spec?.groups ?? [],
        resourceAttributes: { group: 'certificates.k8s.io', resource: 'certificatesigningrequests', verb: 'create', subresource },
      },
    });
    return review.status?.allowed === true;
  }
}
