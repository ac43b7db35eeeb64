import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Etcd3, type IOptions } from 'etcd3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCertificateAuthority, issueClientCert } from '../../../lib/certs/index.js';
import { etcdHealthy } from '../../../lib/etcd-health.js';
import { rawEtcdClient } from '../../harness/etcd.js';
import { useControlPlane } from '../../harness/use-control-plane.js';
import { configMap } from './helpers.js';

// etcd as `kubets up` runs it: https with --client-cert-auth, certificates from etcd's own CA.
// The apiserver works with its client certificate; every other client is refused.

const f = useControlPlane({ etcdTls: true });
let dir: string;
let foreign: { caFile: string; certFile: string; keyFile: string };

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'kubets-etcd-tls-'));
  const otherCa = await createCertificateAuthority({ commonName: 'other-ca' });
  const cert = await issueClientCert(otherCa, { commonName: 'kube-apiserver-etcd-client', organizations: ['system:masters'] });
  foreign = { caFile: f.cp.etcd.tls!.caFile, certFile: join(dir, 'foreign.crt'), keyFile: join(dir, 'foreign.key') };
  writeFileSync(foreign.certFile, cert.certPem);
  writeFileSync(foreign.keyFile, cert.keyPem, { mode: 0o600 });
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

/** One read through a client that gives up at the first failure (no retries, no long dial). */
async function readWith(options: Partial<IOptions>): Promise<string> {
  const client = new Etcd3({ hosts: [f.cp.etcd.endpoint], dialTimeout: 2_000, ...options, faultHandling: { global: undefined, host: undefined } as unknown as IOptions['faultHandling'] });
  try {
    const count = await client.getAll().prefix('/registry/').count();
    return `read ${count} keys`;
  } catch (err) {
    return `refused: ${(err as Error).message}`;
  } finally {
    client.close();
  }
}

describe('etcd with client certificates', () => {
  it('listens on https only and serves the apiserver, which connects with its client certificate', async () => {
    expect(f.cp.etcd.endpoint).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    const created = await f.client.resource('configMap').create(configMap('over-tls'));
    expect(created.metadata?.resourceVersion).toBeTruthy();
    const raw = rawEtcdClient(f.cp.etcd);
    try {
      expect(await raw.get('/registry/configmaps/default/over-tls').buffer()).not.toBeNull();
    } finally {
      raw.close();
    }
    expect(await etcdHealthy(f.cp.etcd.endpoint, f.cp.etcd.tls)).toBe(true);
  });

  it('refuses a client without a certificate', async () => {
    const ca = readFileSync(f.cp.etcd.tls!.caFile);
    expect(await readWith({ credentials: { rootCertificate: ca } })).toMatch(/^refused: .*(bad certificate|certificate required)/);
    await expect(etcdHealthy(f.cp.etcd.endpoint.replace('https:', 'http:'))).rejects.toThrow();
  });

  it('refuses a client whose certificate another CA issued', async () => {
    const credentials = { rootCertificate: readFileSync(foreign.caFile), certChain: readFileSync(foreign.certFile), privateKey: readFileSync(foreign.keyFile) };
    expect(await readWith({ credentials })).toMatch(/^refused: .*(bad certificate|unknown ca)/);
    await expect(etcdHealthy(f.cp.etcd.endpoint, foreign)).rejects.toThrow();
  });

  it('reads with the right certificate through the same kind of client', async () => {
    const tls = f.cp.etcd.tls!;
    const credentials = { rootCertificate: readFileSync(tls.caFile), certChain: readFileSync(tls.certFile), privateKey: readFileSync(tls.keyFile) };
    expect(await readWith({ credentials })).toMatch(/^read \d+ keys$/);
  });
});
