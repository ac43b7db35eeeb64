// The ingress controller's settings, compiled once from its flags.

export const DEFAULT_HTTP_PORT = 80;
export const DEFAULT_HTTPS_PORT = 443;
export const DEFAULT_HAPROXY_BINARY = '/usr/sbin/haproxy';
export const DEFAULT_RESYNC_MS = 30_000;

export interface IngressControllerOptions {
  /** Where haproxy.cfg, the crt-list, the certificates (0700) and the sockets live. */
  dataDir: string;
  bindAddress: string;
  httpPort: number;
  httpsPort: number;
  /** The address written to status.loadBalancer.ingress: an IP, else a host name. */
  statusAddress: string;
  haproxyBinary: string;
  /** A sync at least this often, so an HAProxy that died is started again without waiting for a change. */
  resyncMs: number;
}

export function compileIngressControllerOptions(input: Partial<IngressControllerOptions> & Pick<IngressControllerOptions, 'dataDir' | 'statusAddress'>): IngressControllerOptions {
  const options: IngressControllerOptions = {
    bindAddress: '0.0.0.0',
    httpPort: DEFAULT_HTTP_PORT,
    httpsPort: DEFAULT_HTTPS_PORT,
    haproxyBinary: DEFAULT_HAPROXY_BINARY,
    resyncMs: DEFAULT_RESYNC_MS,
    ...input,
  };
  for (const key of ['httpPort', 'httpsPort'] as const) {
    const port = options[key];
    if (!Number.isInteger(port) || port < 1 || port > 65535) throw new Error(`--${key === 'httpPort' ? 'http' : 'https'}-port: ${port} is not a port number (1-65535)`);
  }
  if (options.httpPort === options.httpsPort) throw new Error(`--http-port and --https-port are both ${options.httpPort}`);
  return options;
}
