import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  type ClientConfigFile,
  ClientConfigError,
  defaultClientConfigPath,
  loadClientConfig,
  parseClientConfig,
  resolveClientConfigPath,
  validateClientConfig,
  writeClientConfig,
} from './client-config.js';

const CA_PEM = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kubets-client-config-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

function config(overrides: Partial<ClientConfigFile> = {}): ClientConfigFile {
  return {
    currentContext: 'local',
    contexts: {
      local: { servers: ['127.0.0.1:6443', '127.0.0.1:6444'], certificateAuthority: 'pki/ca.crt', token: 'tok', namespace: 'dev' },
      other: { servers: ['[::1]:7443'], caData: CA_PEM },
    },
    ...overrides,
  };
}

describe('resolveClientConfigPath', () => {
  it('prefers the explicit path, then KUBETS_CONFIG, then ~/.kubets/config', () => {
    const env = { KUBETS_CONFIG: '/env/config', HOME: '/home/u' };
    expect(resolveClientConfigPath({ path: '/flag/config', env })).toEqual({ path: '/flag/config', source: 'explicit' });
    expect(resolveClientConfigPath({ env })).toEqual({ path: '/env/config', source: 'env' });
    expect(resolveClientConfigPath({ env: { HOME: '/home/u' } })).toEqual({ path: '/home/u/.kubets/config', source: 'default' });
    expect(resolveClientConfigPath({ env: { KUBETS_CONFIG: '' }, homeDir: '/h' })).toEqual({ path: '/h/.kubets/config', source: 'default' });
    expect(defaultClientConfigPath('/x')).toBe('/x/.kubets/config');
  });
});

describe('writeClientConfig and loadClientConfig', () => {
  it('writes mode 0600 and loads the current context with its CA file resolved beside the config', async () => {
    const path = join(dir, 'nested', 'config');
    await mkdir(join(dir, 'nested', 'pki'), { recursive: true });
    await writeFile(join(dir, 'nested', 'pki', 'ca.crt'), CA_PEM);
    await writeClientConfig(path, config());
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    expect(JSON.parse(await readFile(path, 'utf8'))).toEqual(config());

    const loaded = await loadClientConfig({ path, env: {} });
    expect(loaded).toMatchObject({
      path,
      contextName: 'local',
      servers: ['127.0.0.1:6443', '127.0.0.1:6444'],
      caPem: CA_PEM,
      token: 'tok',
      namespace: 'dev',
    });
    expect(loaded.file).toEqual(config());
  });

  it('selects another context on request and defaults the namespace', async () => {
    const path = join(dir, 'config');
    await writeClientConfig(path, config());
    const loaded = await loadClientConfig({ env: { KUBETS_CONFIG: path }, context: 'other' });
    expect(loaded).toMatchObject({ contextName: 'other', servers: ['[::1]:7443'], caPem: CA_PEM, token: undefined, namespace: 'default' });
  });

  it('falls back to ~/.kubets/config', async () => {
    await writeClientConfig(defaultClientConfigPath(dir), config({ currentContext: 'other' }));
    expect((await stat(join(dir, '.kubets'))).mode & 0o777).toBe(0o700);
    const loaded = await loadClientConfig({ env: { HOME: dir } });
    expect(loaded.contextName).toBe('other');
  });

  it('says where a missing file came from', async () => {
    const missing = join(dir, 'nope');
    await expect(loadClientConfig({ path: missing, env: {} })).rejects.toThrow(`client config ${missing}: file not found`);
    await expect(loadClientConfig({ env: { KUBETS_CONFIG: missing } })).rejects.toThrow('(named by KUBETS_CONFIG)');
    await expect(loadClientConfig({ env: {}, homeDir: dir })).rejects.toThrow(
      `client config ${join(dir, '.kubets', 'config')}: file not found (the default; pass a config path or set KUBETS_CONFIG)`,
    );
  });

  it('reports an unreadable CA file and an unknown context', async () => {
    const path = join(dir, 'config');
    await writeClientConfig(path, config());
    await expect(loadClientConfig({ path, env: {} })).rejects.toThrow(
      `client config ${path}: contexts.local.certificateAuthority: cannot read ${join(dir, 'pki', 'ca.crt')}: ENOENT`,
    );
    await expect(loadClientConfig({ path, env: {}, context: 'prod' })).rejects.toThrow(
      `client config ${path}: context "prod" is not defined in contexts`,
    );
  });

  it('refuses to write an invalid config', async () => {
    const path = join(dir, 'config');
    await expect(writeClientConfig(path, config({ currentContext: 'missing' }))).rejects.toThrow(ClientConfigError);
    await expect(stat(path)).rejects.toThrow(/ENOENT/);
  });
});

describe('validateClientConfig', () => {
  const withLocal = (local: Record<string, unknown>) => ({ currentContext: 'local', contexts: { local } });
  const ca = { certificateAuthority: '/ca.crt' };

  it.each([
    [withLocal({ ...ca, servers: [] }), 'contexts.local.servers: must list at least one server'],
    [withLocal({ ...ca }), 'contexts.local.servers: must list at least one server'],
    [withLocal({ ...ca, servers: ['127.0.0.1'] }), 'contexts.local.servers[0]: "127.0.0.1" must be host:port (IPv6 as [addr]:port)'],
    [withLocal({ ...ca, servers: ['a:1', 'h:70000'] }), 'contexts.local.servers[1]: "h:70000" must be host:port (IPv6 as [addr]:port)'],
    [withLocal({ ...ca, servers: ['::1:6443'] }), 'contexts.local.servers[0]: "::1:6443" must be host:port (IPv6 as [addr]:port)'],
    [withLocal({ ...ca, servers: [42] }), 'contexts.local.servers[0]: must be a non-empty string'],
    [withLocal({ servers: ['a:1'] }), 'contexts.local: set exactly one of certificateAuthority and caData'],
    [withLocal({ servers: ['a:1'], ...ca, caData: CA_PEM }), 'contexts.local: set exactly one of certificateAuthority and caData'],
    [withLocal({ servers: ['a:1'], caData: 'nope' }), 'contexts.local.caData: must be a PEM certificate'],
    [withLocal({ servers: ['a:1'], ...ca, token: 'a b' }), 'contexts.local.token: must be printable ASCII without spaces'],
    [withLocal({ servers: ['a:1'], ...ca, namespace: 'Dev' }), 'contexts.local.namespace: "Dev" is not a valid namespace name'],
    [withLocal({ servers: ['a:1'], ...ca, sever: 'x' }), 'contexts.local.sever: unknown field'],
    [{ currentContext: 'local', contexts: { local: { servers: ['a:1'], ...ca } }, extra: 1 }, 'extra: unknown field'],
    [{ currentContext: 'prod', contexts: { local: { servers: ['a:1'], ...ca } } }, 'currentContext: "prod" is not defined in contexts'],
    [{ contexts: {} }, 'currentContext: must be a non-empty string'],
    [{ currentContext: 'x', contexts: [] }, 'contexts: must be an object'],
    [[], '(root): must be an object'],
  ])('rejects %j', (value, detail) => {
    expect(() => validateClientConfig(value, '/x')).toThrow(ClientConfigError);
    expect(() => validateClientConfig(value, '/x')).toThrow(`client config /x: ${detail}`);
  });

  it('accepts host names, IPv4 and bracketed IPv6 servers', () => {
    const servers = ['localhost:6443', 'api.example.com:443', '10.0.0.1:6443', '[fe80::1]:6443'];
    expect(validateClientConfig(withLocal({ servers, ...ca }), '/x').contexts.local?.servers).toEqual(servers);
  });

  it('reports JSON syntax errors with the path', () => {
    expect(() => parseClientConfig('{', '/x')).toThrow(/^client config \/x: not valid JSON: /);
  });
});

describe('client certificates in a client config', () => {
  const KEY_PEM = '-----BEGIN PRIVATE KEY-----\nMIGH\n-----END PRIVATE KEY-----\n';
  const withCert = (ctx: object) => ({ currentContext: 'node', contexts: { node: { servers: ['10.0.0.1:6443'], caData: CA_PEM, ...ctx } } });

  it('loads a certificate and its key, inline', async () => {
    const path = join(dir, 'kubelet.conf');
    await writeClientConfig(path, withCert({ clientCertData: CA_PEM, clientKeyData: KEY_PEM }));
    const loaded = await loadClientConfig({ path, env: {} });
    expect(loaded.clientCert).toEqual({ certPem: CA_PEM, keyPem: KEY_PEM });
    expect(loaded.token).toBeUndefined();
  });

  it('wants both, each PEM', () => {
    expect(() => validateClientConfig(withCert({ clientCertData: CA_PEM }), 'x')).toThrow('client config x: contexts.node: clientCertData and clientKeyData go together');
    expect(() => validateClientConfig(withCert({ clientCertData: CA_PEM, clientKeyData: 'secret' }), 'x')).toThrow('contexts.node.clientKeyData: must be a PEM private key');
  });
});
