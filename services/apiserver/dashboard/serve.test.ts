import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AssetCache, assetFile } from './assets.js';
import { serveDashboard } from './serve.js';

describe('assetFile', () => {
  it('serves the page, its own files and the named vendor files only', () => {
    expect(assetFile('')).toMatch(/dashboard\/web\/index\.html$/);
    expect(assetFile('app.js')).toMatch(/dashboard\/web\/app\.js$/);
    expect(assetFile('views/workloads.js')).toMatch(/dashboard\/web\/views\/workloads\.js$/);
    expect(assetFile('vendor/preact.js')).toMatch(/node_modules\/preact\/dist\/preact\.module\.js$/);
    expect(assetFile('vendor/yaml/index.js')).toMatch(/node_modules\/yaml\/browser\/dist\/index\.js$/);
  });

  it.each(['../assets.ts', 'views/../../serve.ts', 'vendor/../../../../package.json', 'vendor/yaml/../../../package.json', 'vendor/other.js', 'app.ts', 'secret'])('refuses %s', (path) => {
    expect(assetFile(path)).toBeUndefined();
  });
});

describe('serveDashboard', () => {
  let server: Server;
  let port = 0;
  const assets = new AssetCache();

  beforeAll(async () => {
    server = createServer((req, res) => {
      const url = new URL(req.url!, 'http://x');
      void serveDashboard(req, res, url.pathname, url.pathname.replace(/^\/dashboard\/?/, ''), assets);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  function get(path: string, headers: Record<string, string> = {}, method = 'GET'): Promise<{ code?: number; headers: Record<string, string | string[] | undefined>; body: Buffer }> {
    return new Promise((resolve, reject) => {
      request({ host: '127.0.0.1', port, path, headers, method }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ code: res.statusCode, headers: res.headers, body: Buffer.concat(chunks) }));
      }).on('error', reject).end();
    });
  }

  it('serves the page with a policy that allows its own scripts and its import map only', async () => {
    const page = await get('/dashboard/');
    expect(page.code).toBe(200);
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(page.body.toString()).toContain('<script type="importmap">');
    const csp = String(page.headers['content-security-policy']);
    expect(csp).toMatch(/script-src 'self' 'sha256-[A-Za-z0-9+/]+=*'/);
    expect(csp).toContain("connect-src 'self'");
    expect(page.headers['x-content-type-options']).toBe('nosniff');
  });

  it('gzips for clients that take it and answers a repeated request with 304', async () => {
    const plain = await get('/dashboard/vendor/preact.js');
    const zipped = await get('/dashboard/vendor/preact.js', { 'Accept-Encoding': 'gzip, br' });
    expect(zipped.headers['content-encoding']).toBe('gzip');
    expect(zipped.body.length).toBeLessThan(plain.body.length);
    expect(gunzipSync(zipped.body).equals(plain.body)).toBe(true);
    expect(plain.headers['content-type']).toBe('text/javascript; charset=utf-8');
    const again = await get('/dashboard/vendor/preact.js', { 'If-None-Match': String(plain.headers.etag) });
    expect(again.code).toBe(304);
    expect(again.body.length).toBe(0);
  });

  it('redirects /dashboard to /dashboard/, refuses writes and answers 404 for anything else', async () => {
    expect(await get('/dashboard')).toMatchObject({ code: 301, headers: { location: '/dashboard/' } });
    expect((await get('/dashboard/app.js', {}, 'POST')).code).toBe(405);
    expect((await get('/dashboard/missing.js')).code).toBe(404);
    expect((await get('/dashboard/vendor/%2E%2E/%2E%2E/package.json')).code).toBe(404);
  });
});
