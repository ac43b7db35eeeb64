import { describe, expect, it } from 'vitest';
import { createCertificateAuthority, caCertHash } from '../../lib/certs/index.js';
import { checkHashFormat, checkPinnedCa } from './discovery.js';

describe("join's CA pin", () => {
  it('accepts the CA whose public key hash is pinned, in any case', async () => {
    const ca = await createCertificateAuthority();
    expect(() => checkPinnedCa(ca.certPem, [caCertHash(ca.certPem).toUpperCase().replace('SHA256', 'sha256')])).not.toThrow();
  });

  it("refuses another CA with kubeadm's message naming the hash it found", async () => {
    const ca = await createCertificateAuthority();
    const other = await createCertificateAuthority();
    expect(() => checkPinnedCa(ca.certPem, [caCertHash(other.certPem)])).toThrow(
      `cluster CA found in cluster-info ConfigMap is invalid: none of the public keys "${caCertHash(ca.certPem)}" are pinned`,
    );
  });

  it('refuses malformed hashes before contacting anyone', () => {
    expect(() => checkHashFormat(['sha256:abc'])).toThrow('invalid discovery token CA certificate hash "sha256:abc": expected "sha256:" followed by 64 hexadecimal digits');
    expect(() => checkHashFormat([`md5:${'0'.repeat(64)}`])).toThrow();
    expect(() => checkHashFormat([`sha256:${'a'.repeat(64)}`])).not.toThrow();
  });
});
