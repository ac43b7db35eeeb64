// `kubets up --addons ingress` on real pods: two Deployments behind one Ingress with host and path
// rules; requests to 127.0.0.1 with a Host header reach the right pods, TLS is served with the
// Secret's certificate, and an update of the Ingress reroutes while a bounded loop of requests
// sees no error across HAProxy's reload. Traffic goes only to loopback and the pods this test makes.
import { writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { createCertificateAuthority, issueServingCert } from '../../../lib/certs/index.js';
import { pollUntil } from '../../harness/poll.js';
import { freeApiserverPort, freeEtcdPort, freeKubeletPort, freePort } from '../../harness/ports.js';
import { clusterCli } from '../cluster-cli.js';

const SUFFIX = Math.random().toString(36).slice(2, 7);
const NODE = `ing-${SUFFIX}`;
const { dir, dataDir, ok, holdHostNetwork, tearDownAfterAll } = clusterCli('ingress-e2e');
let httpPort = 0;
let httpsPort = 0;
let caPem = '';

function apply(name: string, docs: object[]): Promise<string> {
  const file = join(dir, `${name}.yaml`);
  writeFileSync(file, docs.map((d) => JSON.stringify(d)).join('\n---\n'));
  return ok(['apply', '-f', file]);
}

interface Reply {
  status: number;
  body: string;
  /** The CN of the certificate the server presented (HTTPS only). */
  peer?: string;
}

/** One request on a fresh connection to the ingress on loopback, with `host` as Host (and SNI over TLS). */
function get(host: string, path: string, tls = false): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const options = { host: '127.0.0.1', port: tls ? httpsPort : httpPort, path, headers: { host }, agent: false };
    const onResponse = (res: import('node:http').IncomingMessage): void => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => {
        const cn = tls ? (res.socket as import('node:tls').TLSSocket).getPeerCertificate().subject?.CN : undefined;
        resolve({ status: res.statusCode ?? 0, body: body.trim(), ...(cn !== undefined && { peer: Array.isArray(cn) ? cn.join(',') : cn }) });
      });
    };
    const req = tls ? httpsRequest({ ...options, servername: host, ca: caPem }, onResponse) : request(options, onResponse);
    req.setTimeout(15_000, () => req.destroy(new Error('request timed out')));
    req.on('error', reject);
    req.end();
  });
}

const deployment = (name: string) => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name },
  spec: {
    replicas: 2,
    selector: { matchLabels: { app: name } },
    template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'web', image: 'kubets/hostname:v1', ports: [{ containerPort: 8080 }] }] } },
  },
});
const service = (name: string) => ({ apiVersion: 'v1', kind: 'Service', metadata: { name }, spec: { selector: { app: name }, ports: [{ port: 80, targetPort: 8080 }] } });
const backend = (name: string) => ({ service: { name, port: { number: 80 } } });

/** The Ingress: shop.example.com/ → alpha and /beta → beta; beta.example.com → `betaHost`. */
const ingress = (betaHost: string) => ({
  apiVersion: 'networking.k8s.io/v1',
  kind: 'Ingress',
  metadata: { name: 'shop' },
  spec: {
    tls: [{ hosts: ['shop.example.com'], secretName: 'shop-tls' }],
    rules: [
      { host: 'shop.example.com', http: { paths: [{ path: '/', pathType: 'Prefix', backend: backend('alpha') }, { path: '/beta', pathType: 'Prefix', backend: backend('beta') }] } },
      { host: 'beta.example.com', http: { paths: [{ path: '/', pathType: 'Prefix', backend: backend(betaHost) }] } },
    ],
  },
});

beforeAll(async () => {
  await holdHostNetwork();
  const [port, etcdPort, kubeletPort] = [await freeApiserverPort(), await freeEtcdPort(), await freeKubeletPort()];
  [httpPort, httpsPort] = [await freePort(), await freePort()];
  await ok(
    ['up', '--detach', '--node-name', NODE, '--data-dir', dataDir, '--port', String(port), '--etcd-port', String(etcdPort), '--kubelet-port', String(kubeletPort),
      '--addons', 'ingress', '--ingress-http-port', String(httpPort), '--ingress-https-port', String(httpsPort)],
    180_000,
  );
  const ca = await createCertificateAuthority({ commonName: 'e2e CA' });
  caPem = ca.certPem;
  const cert = await issueServingCert(ca, { commonName: 'shop.example.com', hosts: ['shop.example.com'] });
  await apply('apps', [deployment('alpha'), deployment('beta'), service('alpha'), service('beta')]);
  await apply('tls', [{ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'shop-tls' }, type: 'kubernetes.io/tls', data: { 'tls.crt': Buffer.from(cert.certPem).toString('base64'), 'tls.key': Buffer.from(cert.keyPem).toString('base64') } }]);
  await apply('ingress', [ingress('beta')]);
  // Waiting for another test file's turn on the host network (holdHostNetwork, up to 10 minutes) comes first.
}, 1_000_000);

tearDownAfterAll({ downArgs: ['--node-name', NODE], downTimeoutMs: 120_000 });

/** The pods answering a route: each answers with its own name. */
async function answeringPods(host: string, path: string, tries = 12): Promise<Set<string>> {
  const names = new Set<string>();
  for (let i = 0; i < tries; i++) names.add((await get(host, path)).body);
  return names;
}

describe('kubets up --addons ingress on real pods', () => {
  it('routes by host and path to the right Deployment, over both of its pods', async () => {
    await pollUntil(async () => (await get('shop.example.com', '/')).body.startsWith('alpha-'), { timeoutMs: 240_000, intervalMs: 1_000, what: 'shop.example.com/ answered by an alpha pod' });
    await pollUntil(async () => (await answeringPods('shop.example.com', '/')).size === 2, { timeoutMs: 120_000, intervalMs: 1_000, what: 'both alpha pods answering' });
    const alpha = await answeringPods('shop.example.com', '/');
    expect([...alpha].every((n) => n.startsWith('alpha-'))).toBe(true);
    const beta = await pollUntil(async () => {
      const pods = await answeringPods('shop.example.com', '/beta/x');
      return pods.size === 2 && pods;
    }, { timeoutMs: 120_000, intervalMs: 1_000, what: 'both beta pods answering /beta' });
    expect([...beta].every((n) => n.startsWith('beta-'))).toBe(true);
    expect((await get('beta.example.com', '/')).body).toMatch(/^beta-/);
    // A host no rule names has no backend: HAProxy answers 404 itself.
    expect((await get('nobody.example.org', '/')).status).toBe(404);
  }, 300_000);

  it("serves TLS with the Secret's certificate", async () => {
    const reply = await pollUntil(async () => {
      const r = await get('shop.example.com', '/', true);
      return r.peer === 'shop.example.com' && r;
    }, { timeoutMs: 60_000, intervalMs: 1_000, what: "the Secret's certificate on HTTPS" });
    expect(reply.status).toBe(200);
    expect(reply.body).toMatch(/^alpha-/);
  }, 120_000);

  it('reroutes on an update without a failed request during the reload', async () => {
    let stop = false;
    const failures: string[] = [];
    let requests = 0;
    const load = (async () => {
      // Bounded: at most 2000 requests, however long the reroute takes.
      while (!stop && requests < 2_000) {
        requests++;
        try {
          const r = await get('shop.example.com', '/');
          if (r.status !== 200 || !r.body.startsWith('alpha-')) failures.push(`${r.status} ${r.body}`);
        } catch (err) {
          failures.push((err as Error).message);
        }
      }
    })();
    await apply('ingress', [ingress('alpha')]);
    await pollUntil(async () => (await get('beta.example.com', '/')).body.startsWith('alpha-'), { timeoutMs: 60_000, intervalMs: 250, what: 'beta.example.com rerouted to alpha' });
    // A few more requests after the reload, then stop.
    const after = requests + 20;
    await pollUntil(() => requests >= after || requests >= 2_000, { timeoutMs: 60_000, intervalMs: 100, what: 'requests after the reload' });
    stop = true;
    await load;
    expect(requests).toBeGreaterThan(20);
    expect(failures).toEqual([]);
  }, 240_000);
});
