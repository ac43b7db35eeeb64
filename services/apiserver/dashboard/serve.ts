import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AssetCache } from './assets.js';

// Serves the dashboard's files at /dashboard/. They need no authentication: they hold no data,
// and the page asks the API for everything with the token its user logs in with. The page's
// Content-Security-Policy lets it run only its own files and talk only to this server, so a
// value shown on the page can never run as script or send the token elsewhere.

function securityHeaders(importMapHash: string | undefined): Record<string, string> {
  const scripts = ["'self'", ...(importMapHash ? [`'sha256-${importMapHash}'`] : [])].join(' ');
  return {
    'Content-Security-Policy': `default-src 'self'; script-src ${scripts}; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'`,
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
  };
}

function plain(res: ServerResponse, code: number, text: string, headers: Record<string, string> = {}): void {
  res.writeHead(code, { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

function acceptsGzip(req: IncomingMessage): boolean {
  return /\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''));
}

/** pathname: the request's path; path: the part below /dashboard/. */
export async function serveDashboard(req: IncomingMessage, res: ServerResponse, pathname: string, path: string, assets: AssetCache): Promise<void> {
  // The page's relative URLs need the trailing slash.
  if (pathname === '/dashboard') return plain(res, 301, 'Moved Permanently', { Location: '/dashboard/' });
  if (req.method !== 'GET' && req.method !== 'HEAD') return plain(res, 405, 'Method Not Allowed', { Allow: 'GET, HEAD' });
  const asset = await assets.get(path);
  if (!asset) return plain(res, 404, 'Not Found');
  const headers: Record<string, string> = {
    'Content-Type': asset.type,
    ETag: asset.etag,
    // Revalidated on every load (a 304 costs a few bytes), so an upgraded cluster serves its new page at once.
    'Cache-Control': 'no-cache',
    Vary: 'Accept-Encoding',
    ...securityHeaders(asset.importMapHash),
  };
  if (req.headers['if-none-match'] === asset.etag) {
    res.writeHead(304, headers);
    return void res.end();
  }
  const gzip = asset.gzipped && acceptsGzip(req);
  const body = gzip ? asset.gzipped! : asset.body;
  res.writeHead(200, { ...headers, ...(gzip && { 'Content-Encoding': 'gzip' }), 'Content-Length': String(body.length) });
  res.end(req.method === 'HEAD' ? undefined : body);
}
