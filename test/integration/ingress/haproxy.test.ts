import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { createServer, request, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect as tlsConnect } from 'node:tls';
import type { Etcd3 } from 'etcd3';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { wrap } from '../../../lib/api/envelope.js';
import type { EndpointSlice, Ingress } from '../../../lib/api/generated/index.js';
import { encodeObject } from '../../../lib/api/proto.js';
import { createCertificateAuthority, issueServingCert } from '../../../lib/certs/index.js';
import type { ApiClient } from '../../../lib/client/client.js';
import { compileIngressControllerOptions, CONTROLLER_NAME, DEFAULT_CLASS_ANNOTATION, IngressController } from '../../../services/ingress-controller/index.js';
import { currentWorkerPid, masterCommand, masterPid } from '../../../services/ingress-controller/haproxy-process.js';
import { rawEtcdClient } from '../../harness/etcd.js';
import { startControlPlane, type ControlPlane } from '../../harness/control-plane.js';
import { pollUntil } from '../../harness/poll.js';
import { freePort } from '../../harness/ports.js';

// A real apiserver and etcd, a real HAProxy on free loopback ports, and backends that are plain
// HTTP servers on 127.0.0.x answering with their own name. Only loopback traffic.

const HAPROXY = '/usr/sbin/haproxy';
const wait = { timeoutMs: 60_000, intervalMs: 200 };

interface Backend {
  name: string;
  address: string;
  port: number;
  server: Server;
}

async function startBackend(name: string, address: string): Promise<Backend> {
  const server = createServer((req, res) => {
    res.setHeader('content-type', 'text/plain');
    res.end(`${name} ${req.url}`);
  });
  await new Promise<void>((resolve) => server.listen(0, address, resolve));
  const port = (server.address() as { port: number }).port;
  return { name, address, port, server };
}

interface Reply {
  status: number;
  body: string;
}

/** One request on a fresh connection (so each one meets whatever HAProxy process listens now). */
function get(port: number, host: string, path: string): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, headers: { host }, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.setTimeout(10_000, () => req.destroy(new Error('request timed out')));
    req.on('error', reject);
    req.end();
  });
}

/** The subject CN of the certificate HAProxy presents for an SNI name. */
function peerCommonName(port: number, servername: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = tlsConnect({ host: '127.0.0.1', port, servername, rejectUnauthorized: false }, () => {
      const cn = socket.getPeerCertificate().subject?.CN;
      socket.end();
      resolve(Array.isArray(cn) ? cn.join(',') : (cn ?? ''));
    });
    socket.on('error', reject);
  });
}

describe.runIf(process.platform === 'linux')('ingress controller with HAProxy', () => {
  let cp: ControlPlane;
  let client: ApiClient;
  let etcd: Etcd3;
  let dataDir: string;
  let httpPort: number;
  let httpsPort: number;
  const stop = new AbortController();
  let running: Promise<void>;
  const backends: Record<string, Backend> = {};

  /**
   * The apiserver refuses loopback endpoint addresses (as Kubernetes does), so the backends'
   * EndpointSlices go straight into etcd, where the apiserver's watch picks them up like any write.
   */
  async function putEndpointSlice(service: string, backend: Backend): Promise<void> {
    const slice: EndpointSlice = {
      metadata: { name: `${service}-x`, namespace: 'default', uid: `uid-${service}`, labels: { 'kubernetes.io/service-name': service }, creationTimestamp: new Date().toISOString() },
      addressType: 'IPv4',
      ports: [{ name: 'http', port: backend.port, protocol: 'TCP' }],
      endpoints: [{ addresses: [backend.address], conditions: { ready: true } }],
    } as EndpointSlice;
    await etcd.put(`/registry/endpointslices/default/${service}-x`).value(encodeObject(wrap('endpointSlice', slice)));
  }

  async function createService(name: string, backend: Backend): Promise<void> {
    await client.resource('service').create({ metadata: { name, namespace: 'default' }, spec: { ports: [{ name: 'http', port: 80, targetPort: { intVal: backend.port } }] } });
    await putEndpointSlice(name, backend);
  }

  const ingressClient = () => client.resource('ingress');
  const path = (p: string, service: string, pathType = 'Prefix') => ({ path: p, pathType, backend: { service: { name: service, port: { number: 80 } } } });

  async function updateIngress(change: (ingress: Ingress) => void): Promise<void> {
    const current = structuredClone(await ingressClient().get('default', 'shop'));
    change(current);
    await ingressClient().update(current);
  }

  const expectRoute = (host: string, p: string, body: string, port = () => httpPort) =>
    pollUntil(async () => (await get(port(), host, p)).body === body, { ...wait, what: `${host}${p} answered by "${body}"` });

  beforeAll(async () => {
    cp = await startControlPlane();
    client = cp.client();
    etcd = rawEtcdClient(cp.etcd);
    dataDir = mkdtempSync(join(tmpdir(), 'kubets-ingress-'));
    [httpPort, httpsPort] = [await freePort(), await freePort()];
    for (const [name, address] of [['web', '127.0.0.2'], ['api', '127.0.0.3'], ['v2', '127.0.0.4']] as const) backends[name] = await startBackend(name, address);

    await client.resource('ingressClass').create({ metadata: { name: 'haproxy', annotations: { [DEFAULT_CLASS_ANNOTATION]: 'true' } }, spec: { controller: CONTROLLER_NAME } });
    for (const name of ['web', 'api', 'v2']) await createService(name, backends[name]!);
    const ca = await createCertificateAuthority({ commonName: 'test CA' });
    const cert = await issueServingCert(ca, { commonName: 'shop.example.com', hosts: ['shop.example.com'] });
    await client.resource('secret').create({
      metadata: { name: 'shop-tls', namespace: 'default' },
      type: 'kubernetes.io/tls',
      data: { 'tls.crt': Buffer.from(cert.certPem), 'tls.key': Buffer.from(cert.keyPem) },
    });
    await ingressClient().create({
      metadata: { name: 'shop', namespace: 'default' },
      spec: {
        tls: [{ hosts: ['shop.example.com'], secretName: 'shop-tls' }],
        rules: [
          { host: 'shop.example.com', http: { paths: [path('/', 'web'), path('/api', 'api'), path('/exact', 'api', 'Exact')] } },
          { host: '*.example.com', http: { paths: [path('/', 'api')] } },
        ],
      },
    });

    const options = compileIngressControllerOptions({ dataDir, bindAddress: '127.0.0.1', httpPort, httpsPort, statusAddress: '127.0.0.1', haproxyBinary: HAPROXY, resyncMs: 500 });
    running = new IngressController(client, options, pino({ level: process.env.KUBETS_TEST_LOG ?? 'silent' })).run(stop.signal);
    await expectRoute('shop.example.com', '/', 'web /');
  }, 120_000);

  afterAll(async () => {
    stop.abort();
    await running;
    etcd?.close();
    for (const backend of Object.values(backends)) backend.server.close();
    await cp?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('routes by Host header (a wildcard takes one label) and path: Prefix by whole segments, Exact exactly, unknown hosts to the 404 backend', async () => {
    const shop = (p: string) => get(httpPort, 'shop.example.com', p);
    expect((await shop('/api')).body).toBe('api /api');
    expect((await shop('/api/orders?x=1')).body).toBe('api /api/orders?x=1');
    expect((await shop('/apix')).body).toBe('web /apix');
    expect((await shop('/exact')).body).toBe('api /exact');
    expect((await shop('/exact/more')).body).toBe('web /exact/more');
    expect((await get(httpPort, 'shop.example.com:8080', '/api')).body).toBe('api /api');
    expect((await get(httpPort, 'Other.Example.com', '/')).body).toBe('api /');
    expect((await get(httpPort, 'a.b.example.com', '/')).status).toBe(404);
    expect((await get(httpPort, 'shop.exampleXcom', '/')).status).toBe(404);
    expect((await get(httpPort, 'example.org', '/')).status).toBe(404);
  });

  it('serves TLS with the Secret\'s certificate and routes HTTPS the same way', async () => {
    expect(await peerCommonName(httpsPort, 'shop.example.com')).toBe('shop.example.com');
    expect(await peerCommonName(httpsPort, 'unknown.example.com')).toBe('Kubets Ingress Controller Fake Certificate');
    const dir = join(dataDir, 'certs');
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    expect(statSync(join(dir, 'default_shop-tls.pem')).mode & 0o777).toBe(0o600);
  });

  it('writes the node address into the Ingress status', async () => {
    const ingress = await pollUntil(async () => {
      const current = await ingressClient().get('default', 'shop');
      return (current.status?.loadBalancer?.ingress ?? []).length > 0 && current;
    }, { ...wait, what: 'status.loadBalancer.ingress set' });
    expect(ingress.status?.loadBalancer?.ingress).toEqual([{ ip: '127.0.0.1' }]);
  });

  it('keeps the oldest Ingress\'s rule on a conflict, does not reload HAProxy when the configuration stays the same, and clears the status of an Ingress it no longer serves', async () => {
    const workerPid = async () => currentWorkerPid(await masterCommand(join(dataDir, 'master.sock'), 'show proc'));
    const before = await workerPid();
    expect(before).toBeGreaterThan(0);
    // Creation times have whole seconds; on a tie the namespace/name decides, and "tardy" sorts after "shop".
    await ingressClient().create({ metadata: { name: 'tardy', namespace: 'default' }, spec: { rules: [{ host: 'shop.example.com', http: { paths: [path('/', 'api')] } }] } });
    await pollUntil(async () => ((await ingressClient().get('default', 'tardy')).status?.loadBalancer?.ingress ?? []).length > 0, { ...wait, what: 'status of the tardy Ingress' });
    expect((await get(httpPort, 'shop.example.com', '/')).body).toBe('web /');
    expect(await workerPid()).toBe(before);

    // Moved to a class of another controller, it is no longer ours: the address we wrote goes.
    const tardy = structuredClone(await ingressClient().get('default', 'tardy'));
    tardy.spec = { ...tardy.spec, ingressClassName: 'nginx' };
    await ingressClient().update(tardy);
    await pollUntil(async () => ((await ingressClient().get('default', 'tardy')).status?.loadBalancer?.ingress ?? []).length === 0, { ...wait, what: 'status of the tardy Ingress cleared' });
    await ingressClient().delete('default', 'tardy');
  });

  it('reroutes when the Ingress changes', async () => {
    await updateIngress((ingress) => {
      ingress.spec!.rules![0]!.http!.paths = [path('/', 'web'), path('/api', 'v2')];
    });
    await expectRoute('shop.example.com', '/api/x', 'v2 /api/x');
  });

  it('answers every request while HAProxy reloads several times', async () => {
    let stopLoad = false;
    const failures: string[] = [];
    let requests = 0;
    const load = (async () => {
      while (!stopLoad) {
        requests++;
        try {
          const reply = await get(httpPort, 'shop.example.com', '/');
          if (reply.status !== 200) failures.push(`status ${reply.status}`);
        } catch (err) {
          failures.push(String(err));
        }
      }
    })();
    for (let i = 0; i < 4; i++) {
      await updateIngress((ingress) => {
        ingress.spec!.rules![0]!.http!.paths!.push(path(`/reload-${i}`, 'api'));
      });
      await expectRoute('shop.example.com', `/reload-${i}`, `api /reload-${i}`);
    }
    stopLoad = true;
    await load;
    expect(requests).toBeGreaterThan(4);
    expect(failures).toEqual([]);
  });

  it('starts HAProxy again when it died', async () => {
    // The master socket is closed while the master re-executes for a reload (the test before
    // this one reloads): ask until it answers rather than once.
    const master = await pollUntil(async () => masterPid(await masterCommand(join(dataDir, 'master.sock'), 'show proc')), { ...wait, what: 'the HAProxy master answering' });
    expect(master).toBeGreaterThan(0);
    process.kill(master, 'SIGKILL');
    await pollUntil(async () => {
      const now = masterPid(await masterCommand(join(dataDir, 'master.sock'), 'show proc'));
      return now !== undefined && now !== master;
    }, { ...wait, what: 'a new HAProxy master' });
    await expectRoute('shop.example.com', '/', 'web /');
  });
});
