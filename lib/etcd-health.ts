import { request as httpsRequest } from 'node:https';
import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';

/** The client side of etcd's TLS: its CA, and the client certificate its --client-cert-auth asks for. */
export interface EtcdTlsFiles {
  caFile: string;
  certFile: string;
  keyFile: string;
}

/**
 * Whether the etcd member at endpoint answers its /health with "true". Over https it verifies the
 * member against caFile and presents the client certificate, as every client of a
 * --client-cert-auth etcd must.
 */
export async function etcdHealthy(endpoint: string, tls?: EtcdTlsFiles, timeoutMs = 2_000): Promise<boolean> {
  const url = new URL('/health', endpoint);
  if (url.protocol === 'http:') {
    const res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
    return res.ok && /"health":\s*"true"/.test(await res.text());
  }
  if (!tls) throw new Error(`${endpoint}: an https etcd needs its CA and a client certificate`);
  // The certificate names the member's IP; an IP is no TLS server name (SNI), so none is sent.
  const servername = isIP(url.hostname.replace(/^\[|\]$/g, '')) ? '' : url.hostname;
  const options = { ca: readFileSync(tls.caFile), cert: readFileSync(tls.certFile), key: readFileSync(tls.keyFile), timeout: timeoutMs, servername };
  return new Promise((resolve, reject) => {
    const req = httpsRequest(url, options, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve(res.statusCode === 200 && /"health":\s*"true"/.test(body)));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`${endpoint} did not answer in ${timeoutMs} ms`)));
    req.on('error', reject);
    req.end();
  });
}
