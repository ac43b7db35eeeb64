import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import type { Secret } from '../../lib/api/generated/index.js';
import { createCertificateAuthority } from '../../lib/certs/index.js';
import { configPaths, ensureDirectories, writeCertificates, writeFileAtomically } from './config-files.js';
import { HAProxyProcess } from './haproxy-process.js';
import { ingressesOfOurClasses } from './ingress-class.js';
import { DEFAULT_HAPROXY_BINARY } from './options.js';
import { renderConfig, type RenderOptions } from './render-config.js';
import { buildRoutingModel, type RoutingModel } from './routing-model.js';
import { fakeClusterView, makeIngress, makeService } from './testing.js';

const renderOptions: RenderOptions = { bindAddress: '127.0.0.1', httpPort: 8080, httpsPort: 8443, crtListPath: '/run/ing/crt-list', adminSocketPath: '/run/ing/admin.sock' };

const view = fakeClusterView({
  services: [makeService('web', ['10.244.0.5', '10.244.0.6']), makeService('api', ['10.244.0.7'], 9000), makeService('empty', [])],
});

/** The lines of one section (`frontend http`, `backend ...`) without their indentation. */
function section(config: string, header: string): string[] {
  const block = config.split('\n\n').find((b) => b.startsWith(`${header}\n`) || b === header);
  return (block ?? '').trimEnd().split('\n').slice(1).map((line) => line.trim());
}

describe('routing model', () => {
  it('orders paths longest first, Exact before Prefix on the same path', () => {
    const model = buildRoutingModel(
      [
        makeIngress('web', {
          rules: [
            {
              host: 'shop.example.com',
              paths: [
                { path: '/', service: 'web' },
                { path: '/api', service: 'api' },
                { path: '/api', pathType: 'Exact', service: 'web' },
                { path: '/api/v2', service: 'api' },
              ],
            },
          ],
        }),
      ],
      view,
    );
    expect(model.hosts[0]!.paths.map((p) => `${p.pathType} ${p.path}`)).toEqual(['Prefix /api/v2', 'Exact /api', 'Prefix /api', 'Prefix /']);
  });

  it('orders hosts exact, then wildcard, then the rules without a host', () => {
    const model = buildRoutingModel(
      [makeIngress('web', { rules: [{ paths: [{ path: '/', service: 'web' }] }, { host: '*.example.com', paths: [{ path: '/', service: 'web' }] }, { host: 'a.example.com', paths: [{ path: '/', service: 'web' }] }] })],
      view,
    );
    expect(model.hosts.map((h) => h.host)).toEqual(['a.example.com', '*.example.com', '']);
  });

  it('merges Ingresses; on the same host and path the oldest wins', () => {
    const older = makeIngress('older', { created: '2024-01-01T00:00:00Z', rules: [{ host: 'a.example.com', paths: [{ path: '/', service: 'web' }] }] });
    const newer = makeIngress('newer', {
      created: '2024-02-01T00:00:00Z',
      defaultBackend: 'api',
      rules: [{ host: 'a.example.com', paths: [{ path: '/', service: 'api' }, { path: '/api', service: 'api' }] }],
    });
    const model = buildRoutingModel([newer, older], view);
    expect(model.hosts).toEqual([
      {
        host: 'a.example.com',
        paths: [
          { path: '/api', pathType: 'Prefix', backend: 'default_api_80' },
          { path: '/', pathType: 'Prefix', backend: 'default_web_80' },
        ],
      },
    ]);
    expect(model.defaultBackend).toBe('default_api_80');
    expect(model.dropped).toEqual(['default/newer: host "a.example.com" path / (Prefix) (an older Ingress has it)']);
  });

  it('breaks a tie of creation times (whole seconds) by namespace and name', () => {
    const rule = { host: 'a.example.com', paths: [{ path: '/', service: 'web' }] };
    const b = makeIngress('b', { rules: [{ ...rule, paths: [{ path: '/', service: 'api' }] }] });
    const model = buildRoutingModel([b, makeIngress('a', { rules: [rule] })], view);
    expect(model.hosts[0]!.paths[0]!.backend).toBe('default_web_80');
  });

  it('keeps the oldest default backend', () => {
    const model = buildRoutingModel(
      [makeIngress('b', { created: '2024-03-01T00:00:00Z', defaultBackend: 'api' }), makeIngress('a', { created: '2024-01-01T00:00:00Z', defaultBackend: 'web' })],
      view,
    );
    expect(model.defaultBackend).toBe('default_web_80');
    expect(model.backends.map((b) => b.name)).toEqual(['default_web_80']);
    expect(model.dropped).toEqual(['default/b: default backend (an older Ingress has one)']);
  });

  it('leaves out paths a configuration line cannot carry', () => {
    const model = buildRoutingModel([makeIngress('odd', { rules: [{ paths: [{ path: '/a b', service: 'web' }, { path: '/ok', service: 'web' }] }] })], view);
    expect(model.hosts[0]!.paths.map((p) => p.path)).toEqual(['/ok']);
    expect(model.dropped).toEqual(['default/odd: host "" path "/a b" has characters HAProxy cannot match literally']);
  });

  it('resolves backends to ready endpoints and target ports, by port number or name', () => {
    const { service, slice } = makeService('web', ['10.244.0.5', '10.244.0.6']);
    slice.endpoints!.push({ addresses: ['10.244.0.9'], conditions: { ready: false } });
    const model = buildRoutingModel(
      [makeIngress('web', { rules: [{ paths: [{ path: '/', service: 'web' }, { path: '/named', service: 'web', port: 'http' }, { path: '/none', service: 'missing' }] }] })],
      fakeClusterView({ services: [{ service, slice }] }),
    );
    const servers = [
      { address: '10.244.0.5', port: 8080 },
      { address: '10.244.0.6', port: 8080 },
    ];
    expect(model.backends).toEqual([
      { name: 'default_missing_80', servers: [] },
      { name: 'default_web_80', servers },
      { name: 'default_web_http', servers },
    ]);
  });
});

describe('ingress classes', () => {
  const haproxyClass = { metadata: { name: 'haproxy' }, spec: { controller: 'kubets.io/ingress-haproxy' } };
  const otherClass = { metadata: { name: 'nginx', annotations: { 'ingressclass.kubernetes.io/is-default-class': 'true' } }, spec: { controller: 'k8s.io/ingress-nginx' } };
  const ingresses = [makeIngress('ours', { className: 'haproxy' }), makeIngress('theirs', { className: 'nginx' }), makeIngress('unclassed', {}), makeIngress('unknown', { className: 'gone' })];
  const names = (list: { metadata?: { name?: string } | null }[]) => list.map((i) => i.metadata?.name);

  it('takes only Ingresses of a class with our controller', () => {
    expect(names(ingressesOfOurClasses(ingresses, [haproxyClass, otherClass]))).toEqual(['ours']);
  });

  it('takes Ingresses without a class when our class is the default', () => {
    const defaultOurs = { ...haproxyClass, metadata: { name: 'haproxy', annotations: { 'ingressclass.kubernetes.io/is-default-class': 'true' } } };
    expect(names(ingressesOfOurClasses(ingresses, [defaultOurs, { ...otherClass, metadata: { name: 'nginx' } }]))).toEqual(['ours', 'unclassed']);
  });
});

describe('haproxy.cfg', () => {
  const model = buildRoutingModel(
    [
      makeIngress('shop', {
        rules: [
          { host: 'shop.example.com', paths: [{ path: '/', service: 'web' }, { path: '/api/', service: 'api' }, { path: '/status', pathType: 'Exact', service: 'api' }] },
          { host: '*.example.com', paths: [{ path: '/', service: 'web' }] },
          { paths: [{ path: '/legacy', pathType: 'ImplementationSpecific', service: 'empty' }] },
        ],
      }),
    ],
    view,
  );
  const config = renderConfig(model, renderOptions);

  it('routes by host ACL and path, Prefix by whole segments, longest path first', () => {
    expect(section(config, 'frontend http')).toEqual([
      'bind 127.0.0.1:8080',
      'acl host_0 req.hdr(host),field(1,:),lower -m str shop.example.com',
      'acl path_0 path -m str /status',
      'acl path_1 path -m str /api',
      'acl path_1 path_beg /api/',
      'acl host_1 req.hdr(host),field(1,:),lower -m reg ^[^.]+\\.example\\.com$',
      'acl path_2 path_beg /legacy',
      'use_backend default_api_80 if host_0 path_0',
      'use_backend default_api_80 if host_0 path_1',
      'use_backend default_web_80 if host_0',
      'use_backend default-404 if host_0',
      'use_backend default_web_80 if host_1',
      'use_backend default-404 if host_1',
      'use_backend default_empty_80 if path_2',
      'default_backend default-404',
    ]);
  });

  it('serves the same routes over TLS from the crt-list', () => {
    const https = section(config, 'frontend https');
    expect(https[0]).toBe('bind 127.0.0.1:8443 ssl crt-list /run/ing/crt-list');
    expect(https.slice(1)).toEqual(section(config, 'frontend http').slice(1));
  });

  it('lists each backend with its endpoints, a backend without endpoints empty (HAProxy answers 503)', () => {
    expect(section(config, 'backend default_web_80')).toEqual(['server s0 10.244.0.5:8080', 'server s1 10.244.0.6:8080']);
    expect(section(config, 'backend default_api_80')).toEqual(['server s0 10.244.0.7:9000']);
    expect(config).toContain('backend default_empty_80\n\n');
  });

  it('sends unmatched requests to the default backend of an Ingress when one has it', () => {
    const withDefault = renderConfig(buildRoutingModel([makeIngress('d', { defaultBackend: 'web' })], view), renderOptions);
    expect(section(withDefault, 'frontend http').slice(1)).toEqual(['default_backend default_web_80']);
  });

  it('keeps the admin socket that hands listening sockets to a reloaded HAProxy', () => {
    expect(section(config, 'global')).toContain('stats socket /run/ing/admin.sock mode 600 level admin expose-fd listeners');
  });
});

describe.runIf(existsSync(DEFAULT_HAPROXY_BINARY))('haproxy -c accepts every rendered configuration', () => {
  let dir: string;
  let secret: Secret;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ingress-render-'));
    const ca = await createCertificateAuthority({ commonName: 'shop.example.com' });
    secret = { metadata: { name: 'shop-tls', namespace: 'default' }, type: 'kubernetes.io/tls', data: { 'tls.crt': Buffer.from(ca.certPem), 'tls.key': Buffer.from(ca.keyPem) } } as Secret;
    const paths = configPaths(dir);
    await ensureDirectories(paths);
    await writeFileAtomically(paths.defaultCertificate, `${ca.certPem.trimEnd()}\n${ca.keyPem.trimEnd()}\n`);
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const cases: [string, () => RoutingModel][] = [
    ['no Ingresses', () => buildRoutingModel([], view)],
    ['hosts, wildcards, all path types', () => model],
    ['a default backend', () => buildRoutingModel([makeIngress('d', { defaultBackend: 'web' })], view)],
    [
      'TLS',
      () =>
        buildRoutingModel(
          [makeIngress('tls', { tls: [{ hosts: ['shop.example.com'], secretName: 'shop-tls' }], rules: [{ host: 'shop.example.com', paths: [{ path: '/', service: 'web' }] }] })],
          fakeClusterView({ services: [makeService('web', ['10.244.0.5'])], secrets: [secret] }),
        ),
    ],
  ];
  const model = buildRoutingModel(
    [
      makeIngress('all', {
        rules: [
          { host: 'a.example.com', paths: [{ path: '/', service: 'web' }, { path: '/x', pathType: 'Exact', service: 'api' }] },
          { host: '*.example.com', paths: [{ path: '/y/', service: 'empty' }] },
          { paths: [{ path: '/z', pathType: 'ImplementationSpecific', service: 'web' }] },
        ],
      }),
    ],
    view,
  );

  it.each(cases)('%s', async (_name, build) => {
    const routing = build();
    const paths = configPaths(dir);
    await writeCertificates(paths, routing.certificates);
    const file = join(dir, 'haproxy.cfg');
    await writeFileAtomically(file, renderConfig(routing, { ...renderOptions, crtListPath: paths.crtList, adminSocketPath: paths.adminSocket }));
    const haproxy = new HAProxyProcess({ binary: DEFAULT_HAPROXY_BINARY, configPath: file, masterSocketPath: paths.masterSocket, log: pino({ level: 'silent' }) });
    await expect(haproxy.check(file)).resolves.toBeUndefined();
  });
});
