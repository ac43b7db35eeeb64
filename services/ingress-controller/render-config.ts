import type { PathRoute, RoutingModel } from './routing-model.js';

// The routing model as haproxy.cfg text. HAProxy takes the first `use_backend` whose condition
// holds, so the order of the lines is the order of precedence: exact hosts, wildcard hosts, then
// the rules without a host; within a host the longest path first.

export interface RenderOptions {
  bindAddress: string;
  httpPort: number;
  httpsPort: number;
  /** Where the crt-list file of the HTTPS frontend is. */
  crtListPath: string;
  /** The admin socket: with `expose-fd listeners` a reloaded HAProxy takes over the listening sockets. */
  adminSocketPath: string;
}

/** Answers requests that no rule takes when no Ingress names a default backend (ingress-nginx's 404). */
export const NOT_FOUND_BACKEND = 'default-404';

const regexEscape = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** A Prefix path as Kubernetes defines it: whole segments, a trailing '/' ignored, '/' matches all. */
function prefixAcl(path: string): string[] {
  const trimmed = path.replace(/\/+$/, '');
  if (trimmed === '') return [];
  return [`path -m str ${trimmed}`, `path_beg ${trimmed}/`];
}

/** The ACL lines (alternatives) a path needs; none when it matches every path. */
function pathAcl(route: PathRoute): string[] {
  switch (route.pathType) {
    case 'Exact':
      return [`path -m str ${route.path}`];
    case 'Prefix':
      return prefixAcl(route.path);
    case 'ImplementationSpecific':
      // As ingress-nginx reads it: a plain string prefix.
      return route.path === '/' ? [] : [`path_beg ${route.path}`];
  }
}

function hostAcl(host: string): string {
  const fetch = 'req.hdr(host),field(1,:),lower';
  if (host.startsWith('*.')) return `${fetch} -m reg ^[^.]+${regexEscape(host.slice(1))}$`;
  return `${fetch} -m str ${host}`;
}

/** The ACLs and use_backend lines, the same for both frontends. */
function renderRouting(model: RoutingModel, defaultBackend: string): string[] {
  const acls: string[] = [];
  const rules: string[] = [];
  const pathAcls = new Map<string, string>();
  const pathCondition = (route: PathRoute): string | undefined => {
    const lines = pathAcl(route);
    if (lines.length === 0) return undefined;
    const key = lines.join('\n');
    let name = pathAcls.get(key);
    if (!name) {
      name = `path_${pathAcls.size}`;
      pathAcls.set(key, name);
      for (const line of lines) acls.push(`acl ${name} ${line}`);
    }
    return name;
  };
  model.hosts.forEach(({ host, paths }, i) => {
    const hostName = host === '' ? undefined : `host_${i}`;
    if (hostName) acls.push(`acl ${hostName} ${hostAcl(host)}`);
    for (const route of paths) {
      const condition = [hostName, pathCondition(route)].filter(Boolean).join(' ');
      rules.push(condition ? `use_backend ${route.backend} if ${condition}` : `use_backend ${route.backend}`);
    }
    // A request for a known host that none of its paths match gets the default backend, not the
    // rules without a host.
    if (hostName) rules.push(`use_backend ${defaultBackend} if ${hostName}`);
  });
  return [...acls, ...rules, `default_backend ${defaultBackend}`];
}

const indent = (lines: string[]): string[] => lines.map((line) => `    ${line}`);

export function renderConfig(model: RoutingModel, options: RenderOptions): string {
  const defaultBackend = model.defaultBackend ?? NOT_FOUND_BACKEND;
  const routing = indent(renderRouting(model, defaultBackend));
  const sections = [
    ['# Written by the kubets ingress controller from the cluster\'s Ingresses; rewritten on every change.'],
    ['global', ...indent([`stats socket ${options.adminSocketPath} mode 600 level admin expose-fd listeners`, 'maxconn 4096'])],
    [
      'defaults',
      ...indent(['mode http', 'option forwardfor', 'timeout connect 5s', 'timeout client 60s', 'timeout server 60s', 'timeout http-request 10s', 'timeout http-keep-alive 10s']),
    ],
    ['frontend http', `    bind ${options.bindAddress}:${options.httpPort}`, ...routing],
    ['frontend https', `    bind ${options.bindAddress}:${options.httpsPort} ssl crt-list ${options.crtListPath}`, ...routing],
    [`backend ${NOT_FOUND_BACKEND}`, '    http-request return status 404 content-type text/plain string "default backend - 404"'],
    ...model.backends.map((backend) => [
      `backend ${backend.name}`,
      ...backend.servers.map((server, i) => `    server s${i} ${server.address.includes(':') ? `[${server.address}]` : server.address}:${server.port}`),
    ]),
  ];
  return `${sections.map((lines) => lines.join('\n')).join('\n\n')}\n`;
}
