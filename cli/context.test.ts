import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { createCertificateAuthority } from '../lib/certs/index.js';
import { CliContext, normalizeServer, resolveConnection } from './context.js';

const dir = mkdtempSync(join(tmpdir(), 'kubets-context-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const CA = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';
const caPath = join(dir, 'ca.crt');
writeFileSync(caPath, CA);
const configPath = join(dir, 'config');
writeFileSync(
  configPath,
  JSON.stringify({
    currentContext: 'a',
    contexts: {
      a: { servers: ['10.0.0.1:6443'], caData: CA, token: 'tok-a', namespace: 'team-a' },
      b: { servers: ['10.0.0.2:6443'], certificateAuthority: 'ca.crt' },
    },
  }),
);

describe('resolveConnection', () => {
  it('reads the current context, or the one given with --context', async () => {
    expect(await resolveConnection({}, { KUBETS_CONFIG: configPath })).toEqual({ servers: ['10.0.0.1:6443'], caPem: CA, token: 'tok-a', namespace: 'team-a' });
    expect(await resolveConnection({ context: 'b', kubeconfig: configPath }, {})).toEqual({
      servers: ['10.0.0.2:6443'],
      caPem: CA,
      token: undefined,
      namespace: 'default',
    });
  });

  it('lets flags override the file', async () => {
    const settings = await resolveConnection({ server: 'https://127.0.0.1:7443/,127.0.0.2:7443', token: 'flag', certificateAuthority: caPath }, { KUBETS_CONFIG: configPath });
    expect(settings).toEqual({ servers: ['127.0.0.1:7443', '127.0.0.2:7443'], caPem: CA, token: 'flag', namespace: 'team-a' });
  });

  it('works from flags alone when the default file is missing', async () => {
    const env = { HOME: join(dir, 'nohome') };
    expect(await resolveConnection({ server: '127.0.0.1:6443', certificateAuthority: caPath, token: 't' }, env)).toEqual({
      servers: ['127.0.0.1:6443'],
      caPem: CA,
      token: 't',
      namespace: 'default',
    });
    await expect(resolveConnection({ server: '127.0.0.1:6443' }, env)).rejects.toThrow('--certificate-authority is required when no client config file is found');
    await expect(resolveConnection({}, env)).rejects.toThrow(/file not found \(the default; pass a config path or set KUBETS_CONFIG\)/);
    await expect(resolveConnection({ server: '127.0.0.1:1', kubeconfig: join(dir, 'nope') }, env)).rejects.toThrow('file not found');
  });

  it('normalizes server addresses', () => {
    expect(normalizeServer('https://example.com:6443/')).toBe('example.com:6443');
    expect(normalizeServer(' 127.0.0.1:1 ')).toBe('127.0.0.1:1');
  });
});

describe('CliContext', () => {
  // The verb then loads the schema and encodes its first request while the apiserver answers the
  // TLS handshake, instead of doing both one after the other.
  it('starts connecting to the apiserver as soon as it makes the client, before any call', async () => {
    const listener = createServer((socket) => socket.destroy());
    await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
    const accepted = once(listener, 'connection');
    const caFile = join(dir, 'real-ca.crt');
    writeFileSync(caFile, (await createCertificateAuthority()).certPem);
    const io = { stdout: new PassThrough(), stderr: new PassThrough(), stdin: new PassThrough(), env: { KUBETS_CONFIG: join(dir, 'missing') } };
    const ctx = new CliContext({ server: `127.0.0.1:${(listener.address() as AddressInfo).port}`, token: 't', certificateAuthority: caFile }, io);
    try {
      await ctx.client();
      await accepted;
    } finally {
      ctx.close();
      listener.close();
    }
  });
});
