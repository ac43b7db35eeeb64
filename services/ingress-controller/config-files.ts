import { chmod, mkdir, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Certificate } from './routing-model.js';

// HAProxy's files in the controller's directory. Keys are written only under a 0700 directory,
// each file 0600, and every file by rename so HAProxy never reads half of one.

export interface ConfigPaths {
  dir: string;
  config: string;
  crtList: string;
  certs: string;
  defaultCertificate: string;
  masterSocket: string;
  adminSocket: string;
}

export function configPaths(dir: string): ConfigPaths {
  const certs = join(dir, 'certs');
  return {
    dir,
    config: join(dir, 'haproxy.cfg'),
    crtList: join(dir, 'crt-list'),
    certs,
    defaultCertificate: join(certs, 'default.pem'),
    masterSocket: join(dir, 'master.sock'),
    adminSocket: join(dir, 'admin.sock'),
  };
}

export async function writeFileAtomically(path: string, content: string, mode = 0o600): Promise<void> {
  const temporary = `${path}.tmp`;
  await writeFile(temporary, content, { mode });
  await chmod(temporary, mode);
  await rename(temporary, path);
}

export async function ensureDirectories(paths: ConfigPaths): Promise<void> {
  await mkdir(paths.dir, { recursive: true, mode: 0o700 });
  await mkdir(paths.certs, { recursive: true, mode: 0o700 });
  await chmod(paths.certs, 0o700);
}

const certificatePath = (paths: ConfigPaths, certificate: Certificate): string => join(paths.certs, `${certificate.name}.pem`);

/**
 * The crt-list: the default certificate first (HAProxy serves the first entry when no SNI name
 * matches), then each Secret's certificate for its hosts.
 */
export function renderCrtList(paths: ConfigPaths, certificates: readonly Certificate[]): string {
  const lines = [paths.defaultCertificate, ...certificates.map((c) => [certificatePath(paths, c), ...c.hosts].join(' '))];
  return `${lines.join('\n')}\n`;
}

/** Writes the certificates and the crt-list, and removes certificates no Ingress uses any more. */
export async function writeCertificates(paths: ConfigPaths, certificates: readonly Certificate[]): Promise<void> {
  const wanted = new Set([paths.defaultCertificate, ...certificates.map((c) => certificatePath(paths, c))]);
  for (const certificate of certificates) await writeFileAtomically(certificatePath(paths, certificate), certificate.pem);
  await writeFileAtomically(paths.crtList, renderCrtList(paths, certificates));
  for (const entry of await readdir(paths.certs)) {
    const path = join(paths.certs, entry);
    if (!wanted.has(path)) await rm(path, { force: true });
  }
}
