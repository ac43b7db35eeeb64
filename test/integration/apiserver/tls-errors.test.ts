import { once } from 'node:events';
import { connect as connectHttp2 } from 'node:http2';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { connect } from 'node:tls';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runVerb } from '../../../cli/testing/run-verb.js';
import { ensureClusterCerts } from '../../../lib/certs/index.js';
import { useControlPlane } from '../../harness/use-control-plane.js';

// A client that does not trust the apiserver's certificate is told so, in kubectl's words,
// instead of hearing that the server is unreachable; a client that says nothing is let go, on
// the HTTP API and on gRPC.

describe('TLS failures in the CLI', () => {
  const f = useControlPlane();

  it('names a certificate signed by an unknown authority', async () => {
    const other = mkdtempSync(join(tmpdir(), 'kubets-other-ca-'));
    const certs = await ensureClusterCerts(join(other, 'pki'), { hosts: ['127.0.0.1'] });
    const caFile = join(other, 'ca.crt');
    writeFileSync(caFile, certs.ca.certPem);
    const out = await runVerb(['get', 'pods', '--server', f.cp.apiservers[0]!.address, '--token', f.cp.token, '--certificate-authority', caFile], {});
    expect(out.code).not.toBe(0);
    expect(out.stderr).toBe('Unable to connect to the server: tls: failed to verify certificate: x509: certificate signed by unknown authority\n');
  });
});

describe('silent connections to the HTTP API', () => {
  const f = useControlPlane();

  it('are closed when they send no request after the TLS handshake', async () => {
    const socket = connect({ host: '127.0.0.1', port: f.cp.apiservers[0]!.restPort!, ca: f.cp.caPem, servername: 'kubernetes' });
    await once(socket, 'secureConnect');
    const closed = await Promise.race([once(socket, 'close').then(() => true), new Promise((r) => setTimeout(() => r(false), 60_000))]);
    expect(closed).toBe(true);
  }, 90_000);
});

describe('idle connections to the gRPC API', () => {
  const f = useControlPlane({ apiserver: { grpcIdleConnectionMs: 1_000 } });

  it('are sent away once no call has been open for the idle time, and calls on a new connection work', async () => {
    const session = connectHttp2(`https://${f.cp.apiservers[0]!.address}`, { ca: f.cp.caPem, servername: 'kubernetes' });
    await once(session, 'connect');
    const sentAway = await Promise.race([once(session, 'goaway').then(() => true), once(session, 'close').then(() => true), new Promise((r) => setTimeout(() => r(false), 30_000))]);
    session.destroy();
    expect(sentAway).toBe(true);
    // The components' channels reconnect at their next call.
    await new Promise((r) => setTimeout(r, 1_500));
    expect((await f.client.resource('namespace').get('', 'default')).metadata?.name).toBe('default');
  }, 60_000);
});
