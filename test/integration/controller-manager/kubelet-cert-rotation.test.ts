import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { bootstrapTokenSecretData, DEFAULT_NODE_TOKEN_GROUP } from '../../../lib/auth/bootstrap-token.js';
import { caCertHash } from '../../../lib/certs/index.js';
import { ApiClient } from '../../../lib/client/client.js';
import { loadClientConfig } from '../../../lib/client-config.js';
import { joinNode } from '../../../cli/join/join.js';
import { ClientCertificateManager, loadClientCertificate } from '../../../services/kubelet/index.js';
import { useControlPlane } from '../../harness/use-control-plane.js';
import { eventually, useManagers } from './helpers.js';

// A joined kubelet's client certificate, signed for a short time, renewed through a CSR the
// controller manager approves for the node itself; the kubelet's client keeps working across it.

const cluster = useControlPlane();
const managers = useManagers(() => cluster.client);
const dir = mkdtempSync(join(tmpdir(), 'kubets-rotation-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const SIGNING_DURATION_MS = 12_000;

describe('kubelet client certificate rotation', () => {
  it('renews the node identity before it expires, approved as a self renewal, and calls keep succeeding on the new certificate', async () => {
    await managers.start({
      settings: {
        controllers: ['csrapproving', 'csrsigning'],
        clusterSigningCa: { certPem: cluster.cp.caPem, keyPem: readFileSync(join(cluster.cp.dataDir, 'pki', 'ca.key'), 'utf8') },
        clusterSigningDurationMs: SIGNING_DURATION_MS,
      },
    });
    const data = bootstrapTokenSecretData({ id: 'rotate', secret: '0123456789abcdef' }, { expiresAt: new Date(Date.now() + 3600_000), groups: [DEFAULT_NODE_TOKEN_GROUP] });
    await cluster.client.resource('secret').create({ metadata: { name: 'bootstrap-token-rotate', namespace: 'kube-system' }, type: 'bootstrap.kubernetes.io/token', stringData: data });
    const nodeDir = join(dir, 'node');
    await joinNode({
      server: cluster.cp.apiservers[0]!.address,
      token: 'rotate.0123456789abcdef',
      caCertHashes: [caCertHash(cluster.cp.caPem)],
      unsafeSkipCaVerification: false,
      nodeName: 'rotating',
      nodeIp: '10.20.0.9',
      dataDir: nodeDir,
      timeoutMs: 30_000,
    });

    const config = await loadClientConfig({ path: join(nodeDir, 'kubelet.conf'), env: {} });
    const first = config.clientCert!;
    const firstCert = new X509Certificate(first.certPem);
    // The duration asked for, the start backdated by a tenth of it for clock skew, both ends cut
    // to whole seconds by X.509's time format.
    expect(Date.parse(firstCert.validTo) - Date.parse(firstCert.validFrom)).toBeLessThanOrEqual(SIGNING_DURATION_MS * 1.1 + 1_000);
    const file = join(nodeDir, 'pki', 'kubelet-client-current.pem');
    // Nothing kept yet: the kubelet starts with its client config's certificate.
    expect(await loadClientCertificate(file, first)).toBe(first);

    const client = ApiClient.fromConfig(config);
    const stop = new AbortController();
    const manager = new ClientCertificateManager({ client, nodeName: 'rotating', current: first, file, log: pino({ level: 'silent' }), requestTimeoutMs: 30_000 });
    const running = manager.run(stop.signal);
    try {
      // Its calls as the node go on while the certificate is renewed, and after the first one expired.
      const heartbeat = async (n: number) => {
        const node = await client.resource('node').get('', 'rotating');
        await client.resource('node').patch('', 'rotating', { metadata: { labels: { beat: String(n) } } });
        return node;
      };
      let beats = 0;
      await eventually(
        async () => {
          await heartbeat(beats++);
          return Date.now() > Date.parse(firstCert.validTo) + 1_000 && manager.certificate !== first;
        },
        60_000,
        'the first certificate expired and replaced',
      );
      expect((await heartbeat(beats++)).metadata?.name).toBe('rotating');

      const renewed = new X509Certificate(manager.certificate.certPem);
      expect(renewed.subject).toBe('O=system:nodes\nCN=system:node:rotating');
      expect(renewed.serialNumber).not.toBe(firstCert.serialNumber);
      expect(renewed.checkIssued(new X509Certificate(cluster.cp.caPem))).toBe(true);
      // Kept for a restart, key included, readable by root only.
      expect(await loadClientCertificate(file, first)).toEqual(manager.certificate);

      // The renewals, asked for as the node itself (its join asked for its serving and proxy certificates so too).
      const csrs = (await cluster.client.resource('certificateSigningRequest').list('')).items.filter((c) => c.metadata?.name?.startsWith('node-renewal-'));
      expect(csrs.length).toBeGreaterThan(0);
      for (const csr of csrs) {
        expect(csr.spec?.username).toBe('system:node:rotating');
        expect(csr.spec?.signerName).toBe('kubernetes.io/kube-apiserver-client-kubelet');
        expect(csr.status?.conditions?.find((c) => c.type === 'Approved')?.message).toBe('Auto approving self kubelet client certificate after SubjectAccessReview.');
      }
    } finally {
      stop.abort();
      await running;
      client.close();
    }
  }, 120_000);
});
