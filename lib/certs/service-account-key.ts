import { createPrivateKey, createPublicKey, generateKeyPairSync } from 'node:crypto';
import { chmod, mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import writeFileAtomic from 'write-file-atomic';
import { CertificateError } from './certificates.js';

/** The key pair that signs ServiceAccount tokens (sa.key) and verifies them (sa.pub), as kubeadm names them. */
export interface ServiceAccountKeyFiles {
  keyPath: string;
  publicKeyPath: string;
  keyPem: string;
  publicKeyPem: string;
}

async function readIfExists(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

/**
 * Makes `dir` hold the ServiceAccount signing key pair, an ECDSA P-256 key (ES256 tokens). An
 * existing pair is kept, since the tokens it signed stay valid only with it; both files are 0600.
 */
export async function ensureServiceAccountKey(dir: string): Promise<ServiceAccountKeyFiles> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const keyPath = join(dir, 'sa.key');
  const publicKeyPath = join(dir, 'sa.pub');
  const existing = await readIfExists(keyPath);
  if (existing !== undefined) {
    let publicKeyPem: string;
    try {
      publicKeyPem = createPublicKey(createPrivateKey(existing)).export({ type: 'spki', format: 'pem' }).toString();
    } catch (err) {
      throw new CertificateError(`${keyPath} is not a PEM private key: ${(err as Error).message}`);
    }
    await chmod(keyPath, 0o600);
    if ((await readIfExists(publicKeyPath)) !== publicKeyPem) await writeFileAtomic(publicKeyPath, publicKeyPem, { mode: 0o600 });
    return { keyPath, publicKeyPath, keyPem: existing, publicKeyPem };
  }
  const pair = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const keyPem = pair.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  const publicKeyPem = pair.publicKey.export({ type: 'spki', format: 'pem' }).toString();
  await writeFileAtomic(keyPath, keyPem, { mode: 0o600 });
  await writeFileAtomic(publicKeyPath, publicKeyPem, { mode: 0o600 });
  return { keyPath, publicKeyPath, keyPem, publicKeyPem };
}
