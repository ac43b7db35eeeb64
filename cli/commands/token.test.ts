import { describe, expect, it } from 'vitest';
import { createCertificateAuthority, caCertHash } from '../../lib/certs/index.js';
import { joinCommandLine, tokenRows } from './token.js';

describe('kubets token', () => {
  it('prints the join command with the CA pinned by hash', async () => {
    const ca = await createCertificateAuthority();
    expect(joinCommandLine('10.0.0.1:6443', 'abcdef.0123456789abcdef', ca.certPem)).toBe(`kubets join 10.0.0.1:6443 --token abcdef.0123456789abcdef --ca-cert-hash ${caCertHash(ca.certPem)}`);
  });

  it("lists tokens as kubeadm does: time left, expiry, usages, description and groups", () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    const secret = (id: string, data: Record<string, string>) => ({
      metadata: { name: `bootstrap-token-${id}`, namespace: 'kube-system' },
      type: 'bootstrap.kubernetes.io/token',
      data: Object.fromEntries(Object.entries({ 'token-id': id, 'token-secret': '0123456789abcdef', ...data }).map(([k, v]) => [k, Buffer.from(v)])),
    });
    expect(
      tokenRows(
        [
          secret('abcdef', { expiration: '2026-01-01T23:00:00Z', 'usage-bootstrap-authentication': 'true', 'usage-bootstrap-signing': 'true', 'auth-extra-groups': 'system:bootstrappers:kubeadm:default-node-token' }),
          secret('foreva', { 'usage-bootstrap-authentication': 'true', description: 'lab' }),
        ],
        now,
      ),
    ).toEqual([
      ['abcdef.0123456789abcdef', '23h', '2026-01-01T23:00:00Z', 'authentication,signing', '<none>', 'system:bootstrappers:kubeadm:default-node-token'],
      ['foreva.0123456789abcdef', '<forever>', '<never>', 'authentication', 'lab', '<none>'],
    ]);
  });
});
