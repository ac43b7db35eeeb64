import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiClient } from '../../../lib/client/client.js';
import { startCliEnvironment, type CliEnvironment } from '../../e2e/cli/cli-harness.js';
import { pollUntil } from '../../harness/poll.js';
import { freePort } from '../../harness/ports.js';

// `kubets ingress-controller` as its own process: it serves, writes status, and on SIGTERM stops
// HAProxy with it and exits 0. Loopback only.

function status(port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path: '/', headers: { host }, agent: false }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('kubets ingress-controller', () => {
  let env: CliEnvironment;
  let client: ApiClient;
  let dataDir: string;

  beforeAll(async () => {
    env = await startCliEnvironment();
    client = env.cp.client();
    dataDir = mkdtempSync(join(tmpdir(), 'kubets-ingress-process-'));
  }, 120_000);

  afterAll(async () => {
    await env?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('serves Ingresses of a default class it implements, then stops HAProxy on SIGTERM', async () => {
    const [httpPort, httpsPort] = [await freePort(), await freePort()];
    await client.resource('ingressClass').create({
      metadata: { name: 'haproxy', annotations: { 'ingressclass.kubernetes.io/is-default-class': 'true' } },
      spec: { controller: 'kubets.io/ingress-haproxy' },
    });
    await client.resource('service').create({ metadata: { name: 'web', namespace: 'default' }, spec: { ports: [{ name: 'http', port: 80, targetPort: { intVal: 8080 } }] } });
    await client.resource('ingress').create({
      metadata: { name: 'web', namespace: 'default' },
      spec: { rules: [{ host: 'web.example.com', http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: 'web', port: { number: 80 } } } }] } }] },
    });

    const child = env.spawn([
      'ingress-controller', '--kubeconfig', env.configPath, '--bind-address', '127.0.0.1', '--http-port', String(httpPort),
      '--https-port', String(httpsPort), '--status-address', '127.0.0.1', '--data-dir', dataDir,
    ]);
    let stderr = '';
    child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
    child.stdout?.resume();
    const exited = new Promise<number>((resolve) => child.on('close', (code) => resolve(code ?? -1)));
    try {
      // A Service without ready endpoints: HAProxy answers 503 for its host, 404 for any other.
      await pollUntil(async () => (await status(httpPort, 'web.example.com')) === 503, { timeoutMs: 60_000, intervalMs: 200, what: 'web.example.com answered' });
      expect(await status(httpPort, 'other.example.com')).toBe(404);
      await pollUntil(async () => ((await client.resource('ingress').get('default', 'web')).status?.loadBalancer?.ingress ?? []).length > 0, {
        timeoutMs: 30_000,
        intervalMs: 200,
        what: 'Ingress status',
      });
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited, stderr).toBe(0);
    await expect(status(httpPort, 'web.example.com')).rejects.toThrow(/ECONNREFUSED/);
  });
});
