import { createPrivateKey, X509Certificate } from 'node:crypto';
import { mkdir, readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Logger } from 'pino';
import writeFileAtomic from 'write-file-atomic';
import { requestCertificate } from '../../../lib/certs/index.js';
import type { ApiClient } from '../../../lib/client/client.js';
import { Backoff, sleep } from '../../../lib/informer/backoff.js';

export interface ClientCertificate {
  certPem: string;
  keyPem: string;
}

/** The file a kubelet keeps its current client certificate and key in (one PEM, as Kubernetes' kubelet-client-current.pem). */
export const CLIENT_CERT_FILE_NAME = 'kubelet-client-current.pem';

const KUBELET_CLIENT_SIGNER = 'kubernetes.io/kube-apiserver-client-kubelet';
/** setTimeout's longest delay; a year-long certificate is waited for in steps. */
const MAX_SLEEP_MS = 2 ** 31 - 1;

/**
 * When to renew (Kubernetes' certificate manager): at a jittered 70 to 90 % of the certificate's
 * lifetime, so nodes issued together do not all renew at once and there is time to retry before
 * it expires. `random` is in [0, 1).
 */
export function rotationDeadline(certPem: string, random: number): number {
  const cert = new X509Certificate(certPem);
  const notBefore = Date.parse(cert.validFrom);
  const lifetime = Date.parse(cert.validTo) - notBefore;
  return notBefore + lifetime * (0.7 + 0.2 * random);
}

function usable(cert: ClientCertificate, now: number): boolean {
  try {
    const x = new X509Certificate(cert.certPem);
    return Date.parse(x.validTo) > now && x.checkPrivateKey(createPrivateKey(cert.keyPem));
  } catch {
    return false;
  }
}

const PEM_BLOCK = /-----BEGIN ([A-Z ]+)-----[\s\S]+?-----END \1-----\n?/g;

/** The kept certificate when there is a valid one, else the one the kubelet was started with (its client config's). */
export async function loadClientCertificate(file: string, initial: ClientCertificate, now = Date.now()): Promise<ClientCertificate> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    return initial;
  }
  const blocks = text.match(PEM_BLOCK) ?? [];
  const kept = { certPem: blocks.filter((b) => b.includes('CERTIFICATE')).join(''), keyPem: blocks.filter((b) => b.includes('PRIVATE KEY')).join('') };
  return usable(kept, now) ? kept : initial;
}

export interface ClientCertificateManagerOptions {
  client: ApiClient;
  nodeName: string;
  current: ClientCertificate;
  /** Where the renewed certificate and key are written (mode 0600), so a restart uses the newest. */
  file: string;
  log: Logger;
  /** How long one request may wait for approval and signing. */
  requestTimeoutMs?: number;
  random?: () => number;
}

/**
 * Kubernetes' kubelet client certificate rotation: when the certificate passes its rotation
 * deadline, a new key and a CSR for the same identity (CN system:node:<name>, O system:nodes),
 * sent with the current certificate, which the controller manager approves for a node renewing
 * itself (selfnodeclient) and signs; the client then switches to the new certificate on new
 * connections, without a restart, and the file keeps it. A failed renewal is retried with backoff.
 */
export class ClientCertificateManager {
  private current: ClientCertificate;

  constructor(private readonly o: ClientCertificateManagerOptions) {
    this.current = o.current;
  }

  get certificate(): ClientCertificate {
    return this.current;
  }

  /** Renews whenever due until the signal aborts. */
  async run(signal: AbortSignal): Promise<void> {
    const random = this.o.random ?? Math.random;
    const backoff = new Backoff({ initialMs: 1_000, maxMs: 5 * 60_000 });
    while (!signal.aborted) {
      const deadline = rotationDeadline(this.current.certPem, random());
      if (deadline > Date.now()) this.o.log.info({ renewAt: new Date(deadline).toISOString() }, 'client certificate rotation scheduled');
      // A year-long certificate is waited for in steps (setTimeout's limit).
      while (!signal.aborted && Date.now() < deadline) await sleep(Math.min(deadline - Date.now(), MAX_SLEEP_MS), signal);
      if (signal.aborted) return;
      try {
        await this.rotate(signal);
        backoff.reset();
      } catch (err) {
        if (signal.aborted) return;
        this.o.log.warn({ err: (err as Error).message }, 'client certificate rotation failed; retrying');
        await sleep(backoff.next(), signal);
      }
    }
  }

  /** One renewal: request, keep, switch. */
  async rotate(signal?: AbortSignal): Promise<void> {
    const user = `system:node:${this.o.nodeName}`;
    const renewed = await requestCertificate(
      this.o.client,
      { purpose: 'node-renewal', subject: { commonName: user, organizations: ['system:nodes'] }, signerName: KUBELET_CLIENT_SIGNER, usages: ['digital signature', 'client auth'] },
      this.o.requestTimeoutMs ?? 15 * 60_000,
      signal,
    );
    const next = { certPem: renewed.certPem, keyPem: renewed.keyPem };
    await mkdir(dirname(this.o.file), { recursive: true, mode: 0o700 });
    await writeFileAtomic(this.o.file, next.certPem + next.keyPem, { mode: 0o600 });
    this.o.client.useClientCertificate(next);
    this.current = next;
    this.o.log.info({ csr: renewed.name, notAfter: new X509Certificate(next.certPem).validTo }, 'client certificate rotated');
  }
}
