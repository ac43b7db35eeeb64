import { request, type IncomingHttpHeaders } from 'node:http';
import { isIPv4, isIPv6 } from 'node:net';
import { ApiError } from '../../../../lib/api/errors.js';
import type * as t from '../../../../lib/api/generated/index.js';
import type { ResourceCall } from '../call.js';
import type { ServiceProxyTarget } from '../routes.js';

// services/<name>[:<port>]/proxy/<path>: HTTP to one ready endpoint of the Service, as kubectl
// proxy users and dashboards reach in-cluster web UIs (Prometheus, for one) through the
// apiserver. The destination is only ever an address from the Service's own Endpoints, and,
// as in Kubernetes, never a loopback, link-local or unspecified one: an Endpoints object is
// writable by namespace editors, and the apiserver must not become their way into itself or
// the machine's local services. The caller's credentials stay here.

/** Request headers that are this hop's (RFC 9110 §7.6.1) or the caller's credentials. */
const NOT_FORWARDED = new Set([
  'authorization', 'cookie', 'connection', 'keep-alive', 'proxy-authorization', 'proxy-connection', 'te', 'trailer', 'transfer-encoding', 'upgrade', 'host',
]);
const NOT_RETURNED = new Set(['connection', 'keep-alive', 'transfer-encoding', 'trailer', 'upgrade', 'set-cookie']);

/** How long the endpoint may take to answer before the caller gets a 503. */
const RESPONSE_TIMEOUT_MS = 30_000;

function unavailable(message: string): ApiError {
  return new ApiError('ServiceUnavailable', message);
}

/** Whether the proxy may connect to an address (Kubernetes' IsProxyableIP). */
export function proxyable(ip: string): boolean {
  if (isIPv4(ip)) {
    const [a, b] = ip.split('.').map(Number);
    return a !== 127 && a !== 0 && !(a === 169 && b === 254);
  }
  if (isIPv6(ip)) {
    const lower = ip.toLowerCase();
    return lower !== '::1' && lower !== '::' && !/^fe[89ab]/.test(lower) && !lower.startsWith('::ffff:');
  }
  return false;
}

/**
 * The address and port a proxy request goes to: the Service port named (by name or number, or
 * its only port), then a ready endpoint address serving that port, picked at random.
 */
export function proxyDestination(service: t.Service, endpoints: t.Endpoints | undefined, wanted: string, random = Math.random): { ip: string; port: number } {
  const name = service.metadata?.name ?? '';
  const ports = service.spec?.ports ?? [];
  const port = wanted === '' ? (ports.length === 1 ? ports[0] : undefined) : ports.find((p) => p.name === wanted || String(p.port) === wanted);
  if (!port) throw unavailable(wanted === '' ? `no port given for service "${name}" with ${ports.length} ports` : `no service port "${wanted}" found for service "${name}"`);
  const candidates: { ip: string; port: number }[] = [];
  for (const subset of endpoints?.subsets ?? []) {
    const endpointPort = subset.ports?.find((p) => (p.name ?? '') === (port.name ?? ''));
    if (!endpointPort?.port) continue;
    for (const address of subset.addresses ?? []) {
      if (address.ip && proxyable(address.ip)) candidates.push({ ip: address.ip, port: endpointPort.port });
    }
  }
  if (candidates.length === 0) throw unavailable(`no endpoints available for service "${name}"`);
  return candidates[Math.floor(random() * candidates.length)]!;
}

function forwardedHeaders(headers: IncomingHttpHeaders): IncomingHttpHeaders {
  return Object.fromEntries(Object.entries(headers).filter(([name]) => !NOT_FORWARDED.has(name) && !name.startsWith('impersonate-')));
}

/** Sends the call's request to `destination` and streams the answer back as it is. */
export function forward(call: Pick<ResourceCall, 'req' | 'res' | 'abort' | 'query'>, destination: { ip: string; port: number }, path: string): Promise<void> {
  const { req, res } = call;
  const query = call.query.toString();
  return new Promise((resolve, reject) => {
    const upstream = request(
      {
        host: destination.ip,
        port: destination.port,
        method: req.method,
        path: `${path}${query ? `?${query}` : ''}`,
        headers: { ...forwardedHeaders(req.headers), host: isIPv6(destination.ip) ? `[${destination.ip}]:${destination.port}` : `${destination.ip}:${destination.port}` },
        signal: call.abort.signal,
        timeout: RESPONSE_TIMEOUT_MS,
      },
      (answer) => {
        const headers = Object.fromEntries(Object.entries(answer.headers).filter(([name]) => !NOT_RETURNED.has(name)));
        res.writeHead(answer.statusCode ?? 502, headers as Record<string, string | string[]>);
        answer.pipe(res);
        answer.on('end', resolve);
        answer.on('error', reject);
      },
    );
    upstream.on('timeout', () => upstream.destroy(unavailable(`the endpoint of the service did not answer within ${RESPONSE_TIMEOUT_MS / 1000}s`)));
    upstream.on('error', (err) => reject(err instanceof ApiError ? err : unavailable(`error trying to reach service: ${err.message}`)));
    req.pipe(upstream);
  });
}

export async function serviceProxy(call: ResourceCall, target: ServiceProxyTarget): Promise<void> {
  const service = (await call.ops.get(call.target)) as t.Service;
  const endpoints = (await call.ops.get({ ...call.target, resource: 'endpoints' }).catch((err: unknown) => {
    if (err instanceof ApiError && err.reason === 'NotFound') return undefined;
    throw err;
  })) as t.Endpoints | undefined;
  await forward(call, proxyDestination(service, endpoints, target.port), target.path);
}
