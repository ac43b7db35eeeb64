import { createServer, request, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type * as t from '../../../../lib/api/generated/index.js';
import { forward, proxyable, proxyDestination } from './service-proxy.js';

const service = (ports: t.ServicePort[]): t.Service => ({ metadata: { name: 'prometheus' }, spec: { ports } });
const endpoints = (subsets: t.EndpointSubset[]): t.Endpoints => ({ metadata: { name: 'prometheus' }, subsets });

describe('proxyDestination', () => {
  it('picks a ready address of the endpoint port named like the service port', () => {
    const svc = service([{ name: 'web', port: 9090 }, { name: 'grpc', port: 9091 }]);
    const eps = endpoints([{ addresses: [{ ip: '10.0.0.5' }], notReadyAddresses: [{ ip: '10.0.0.6' }], ports: [{ name: 'web', port: 19090 }, { name: 'grpc', port: 19091 }] }]);
    expect(proxyDestination(svc, eps, '9090')).toEqual({ ip: '10.0.0.5', port: 19090 });
    expect(proxyDestination(svc, eps, 'grpc')).toEqual({ ip: '10.0.0.5', port: 19091 });
  });

  it('takes the only port when none is named, and spreads over the ready addresses', () => {
    const svc = service([{ port: 80 }]);
    const eps = endpoints([{ addresses: [{ ip: '10.0.0.1' }, { ip: '10.0.0.2' }], ports: [{ port: 8080 }] }]);
    expect(proxyDestination(svc, eps, '', () => 0)).toEqual({ ip: '10.0.0.1', port: 8080 });
    expect(proxyDestination(svc, eps, '', () => 0.99)).toEqual({ ip: '10.0.0.2', port: 8080 });
  });

  it('refuses an unknown port, a service without ready endpoints, and loopback or link-local endpoints', () => {
    const svc = service([{ name: 'web', port: 9090 }]);
    expect(() => proxyDestination(svc, undefined, '1')).toThrow('no service port "1" found for service "prometheus"');
    expect(() => proxyDestination(svc, undefined, 'web')).toThrow('no endpoints available for service "prometheus"');
    expect(() => proxyDestination(svc, endpoints([{ notReadyAddresses: [{ ip: '10.0.0.6' }], ports: [{ name: 'web', port: 1 }] }]), 'web')).toThrow('no endpoints available');
    const local = endpoints([{ addresses: [{ ip: '127.0.0.1' }, { ip: '169.254.169.254' }, { ip: '::1' }], ports: [{ name: 'web', port: 1 }] }]);
    expect(() => proxyDestination(svc, local, 'web')).toThrow('no endpoints available');
  });

  it.each([
    ['10.244.1.5', true], ['172.17.0.1', true], ['fd00::5', true],
    ['127.0.0.1', false], ['0.0.0.0', false], ['169.254.1.1', false], ['::1', false], ['fe80::1', false], ['::ffff:127.0.0.1', false], ['name', false],
  ])('proxyable(%s) is %s', (ip, ok) => {
    expect(proxyable(ip)).toBe(ok);
  });
});

describe('forward', () => {
  const servers: Server[] = [];
  afterEach(() => Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r)))));

  function listen(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<number> {
    const server = createServer(handler);
    servers.push(server);
    return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)));
  }

  it('sends the method, path, query and body on without the caller credentials, and returns the answer as it is', async () => {
    let seen: { method?: string; url?: string; authorization?: string; impersonate?: string; body: string } | undefined;
    const upstream = await listen((req, res) => {
      let body = '';
      req.on('data', (d) => (body += d));
      req.on('end', () => {
        seen = { method: req.method, url: req.url, authorization: req.headers.authorization, impersonate: req.headers['impersonate-user'] as string | undefined, body };
        res.writeHead(201, { 'Content-Type': 'application/json', 'Set-Cookie': 'x=1', 'X-Upstream': 'yes' });
        res.end('{"status":"success"}');
      });
    });
    const front = await listen((req, res) => {
      const url = new URL(req.url!, 'http://front');
      void forward({ req, res, abort: new AbortController(), query: url.searchParams }, { ip: '127.0.0.1', port: upstream }, '/api/v1/query_range');
    });
    const answer = await new Promise<{ code?: number; headers: IncomingMessage['headers']; body: string }>((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port: front, method: 'POST', path: '/x?query=up&step=15', headers: { Authorization: 'Bearer secret', 'Impersonate-User': 'jane' } }, (res) => {
        let body = '';
        res.on('data', (d) => (body += d));
        res.on('end', () => resolve({ code: res.statusCode, headers: res.headers, body }));
      });
      req.on('error', reject);
      req.end('payload');
    });
    expect(seen).toEqual({ method: 'POST', url: '/api/v1/query_range?query=up&step=15', authorization: undefined, impersonate: undefined, body: 'payload' });
    expect(answer.code).toBe(201);
    expect(answer.body).toBe('{"status":"success"}');
    expect(answer.headers['x-upstream']).toBe('yes');
    expect(answer.headers['set-cookie']).toBeUndefined();
  });

  it('answers 503 with the reason when the endpoint cannot be reached', async () => {
    const closed = await listen(() => undefined);
    await new Promise((r) => servers.pop()!.close(r));
    const failure = await new Promise<unknown>((resolve) => {
      const front = createServer((req, res) => {
        forward({ req, res, abort: new AbortController(), query: new URLSearchParams() }, { ip: '127.0.0.1', port: closed }, '/').then(() => resolve(undefined), (err: unknown) => {
          resolve(err);
          res.end();
        });
      });
      servers.push(front);
      front.listen(0, '127.0.0.1', () => request({ host: '127.0.0.1', port: (front.address() as AddressInfo).port }).on('error', () => undefined).end());
    });
    expect(failure).toMatchObject({ reason: 'ServiceUnavailable', message: expect.stringContaining('error trying to reach service') });
  });
});
