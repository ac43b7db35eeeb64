import { beforeAll, describe, expect, it } from 'vitest';
import type { CertificateSigningRequest } from '../../../lib/api/generated/index.js';
import { formatTime } from '../../../lib/client/api-time.js';
import { createCertificateAuthority, createCsr, parseCsr, signCsr } from '../../../lib/certs/index.js';
import { eventually, useControllerTestEnv } from '../testing/fake-context.js';
import { CsrCleaner, csrDeletionTime } from './csr-cleaner.js';

const HOUR = 60 * 60 * 1000;
const T0 = Date.parse('2030-01-01T00:00:00Z');

/** A certificate valid for durationMs from now, as the signer would put in a CSR's status. */
async function certificate(durationMs: number): Promise<Buffer> {
  const ca = await createCertificateAuthority();
  const { csrPem } = await createCsr({ commonName: 'system:node:n1', organizations: ['system:nodes'] });
  return Buffer.from(await signCsr(ca, parseCsr(csrPem), { usages: ['digital signature', 'client auth'], durationMs }));
}

function csr(name: string, opts: { created?: number; decided?: { type: string; at: number }; cert?: Buffer } = {}): CertificateSigningRequest {
  const at = opts.decided && formatTime(opts.decided.at);
  return {
    metadata: { name, ...(opts.created !== undefined && { creationTimestamp: formatTime(opts.created) }) },
    spec: { request: Buffer.from('unused'), signerName: 'kubernetes.io/kube-apiserver-client-kubelet', usages: ['client auth'] },
    status: {
      conditions: opts.decided ? [{ type: opts.decided.type, status: 'True', reason: 'Test', message: '', lastUpdateTime: at, lastTransitionTime: at }] : [],
      ...(opts.cert && { certificate: opts.cert }),
    },
  };
}

describe('csrDeletionTime', () => {
  let expiringCert: Buffer;
  beforeAll(async () => {
    expiringCert = await certificate(10 * 60 * 1000);
  });

  it.each([
    ['approved: an hour after approval', { created: T0, decided: { type: 'Approved', at: T0 + HOUR } }, T0 + 2 * HOUR],
    ['denied: an hour after denial', { created: T0, decided: { type: 'Denied', at: T0 + 5 * HOUR } }, T0 + 6 * HOUR],
    ['failed: an hour after failing', { created: T0, decided: { type: 'Failed', at: T0 } }, T0 + HOUR],
    ['pending: a day after creation', { created: T0 }, T0 + 24 * HOUR],
  ])('%s', (_what, opts, expected) => {
    expect(csrDeletionTime(csr('x', opts))).toBe(expected);
  });

  it('deletes an issued request when its certificate expires, if that comes first', () => {
    const notAfter = csrDeletionTime(csr('x', { created: Date.now(), decided: { type: 'Approved', at: Date.now() + 24 * HOUR }, cert: expiringCert }))!;
    expect(Math.abs(notAfter - (Date.now() + 10 * 60 * 1000))).toBeLessThan(5 * 60 * 1000);
  });

  it('never deletes a request it cannot date', () => {
    expect(csrDeletionTime(csr('x'))).toBeUndefined();
  });
});

describe('CsrCleaner', () => {
  const env = useControllerTestEnv();
  const stored = (name: string) => env.fake.stored('certificateSigningRequest', '', name);

  it('deletes decided requests after an hour, issued ones whose certificate expired, and pending ones after a day', async () => {
    const now = Date.now();
    const csrs = env.client.resource('certificateSigningRequest');
    await csrs.create(csr('approved-2h-ago', { decided: { type: 'Approved', at: now - 2 * HOUR } }));
    await csrs.create(csr('denied-2h-ago', { decided: { type: 'Denied', at: now - 2 * HOUR } }));
    await csrs.create(csr('approved-just-now', { decided: { type: 'Approved', at: now } }));
    await csrs.create(csr('expired-cert', { decided: { type: 'Approved', at: now }, cert: await certificate(1) }));
    await csrs.create(csr('pending'));
    await env.ctx.start(new CsrCleaner(env.ctx, { resyncPeriodMs: 100 }));
    for (const gone of ['approved-2h-ago', 'denied-2h-ago', 'expired-cert']) await eventually(() => stored(gone) === undefined, 10_000, `${gone} deleted`);
    expect(stored('approved-just-now')).toBeDefined();
    expect(stored('pending')).toBeDefined();

    // A day later by the controller's clock, the next resync finds the pending one due too.
    env.ctx.clockOffsetMs = 25 * HOUR;
    await eventually(() => stored('pending') === undefined, 10_000, 'pending request deleted after a day');
    await eventually(() => stored('approved-just-now') === undefined, 10_000, 'approved request deleted after an hour');
  });
});
