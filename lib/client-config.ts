import { mkdir, readFile } from 'node:fs/promises';
import { isIP } from 'node:net';
import { homedir } from 'node:os';
import { dirname, isAbsolute, join, resolve } from 'node:path';

/** Where and how to reach one cluster as one user: kubeconfig's cluster, user and namespace in one place. */
export interface ClientContext {
  /** `host:port` of each apiserver, tried in order with failover; IPv6 hosts in brackets. */
  servers: string[];
  /** Path of the CA certificate (PEM); relative paths are relative to the config file. */
  certificateAuthority?: string;
  /** The CA certificate itself (PEM), instead of a path. */
  caData?: string;
  token?: string;
  /** A client certificate and its key (PEM), as a joined node's kubelet and proxy authenticate. */
  clientCertData?: string;
  clientKeyData?: string;
  namespace?: string;
}

export interface ClientConfigFile {
  currentContext: string;
  contexts: Record<string, ClientContext>;
}

/** The chosen context with everything a client needs read in. */
export interface ResolvedClientConfig {
  path: string;
  file: ClientConfigFile;
  contextName: string;
  servers: string[];
  caPem: string;
  token: string | undefined;
  /** The context's client certificate and key (PEM), when it has them. */
  clientCert?: { certPem: string; keyPem: string };
  namespace: string;
}

interface LoadClientConfigOptions {
  /** An explicit path (e.g. `--config`); wins over the environment. */
  path?: string;
  env: Readonly<Record<string, string | undefined>>;
  /** Use this context instead of `currentContext` (e.g. `--context`). */
  context?: string;
  homeDir?: string;
}

export class ClientConfigError extends Error {
  override readonly name = 'ClientConfigError';

  constructor(
    readonly path: string,
    detail: string,
  ) {
    super(`client config ${path}: ${detail}`);
  }
}

const CLIENT_CONFIG_ENV = 'KUBETS_CONFIG';
export const DEFAULT_NAMESPACE = 'default';

export function defaultClientConfigPath(homeDir: string = homedir()): string {
  return join(homeDir, '.kubets', 'config');
}

/** Explicit path, else $KUBETS_CONFIG, else ~/.kubets/config. */
export function resolveClientConfigPath(options: LoadClientConfigOptions): { path: string; source: 'explicit' | 'env' | 'default' } {
  if (options.path) return { path: resolve(options.path), source: 'explicit' };
  const fromEnv = options.env[CLIENT_CONFIG_ENV];
  if (fromEnv) return { path: resolve(fromEnv), source: 'env' };
  return { path: defaultClientConfigPath(options.homeDir ?? options.env.HOME ?? homedir()), source: 'default' };
}

export async function loadClientConfig(options: LoadClientConfigOptions): Promise<ResolvedClientConfig> {
  const { path, source } = resolveClientConfigPath(options);
  const hint = {
    explicit: '',
    env: ` (named by ${CLIENT_CONFIG_ENV})`,
    default: ` (the default; pass a config path or set ${CLIENT_CONFIG_ENV})`,
  }[source];
  const file = await loadClientConfigFile(path, hint);
  const contextName = options.context ?? file.currentContext;
  const context = file.contexts[contextName];
  if (!context) throw new ClientConfigError(path, `context ${JSON.stringify(contextName)} is not defined in contexts`);
  return {
    path,
    file,
    contextName,
    servers: [...context.servers],
    caPem: await readCa(path, contextName, context),
    token: context.token,
    ...(context.clientCertData && context.clientKeyData && { clientCert: { certPem: context.clientCertData, keyPem: context.clientKeyData } }),
    namespace: context.namespace ?? DEFAULT_NAMESPACE,
  };
}

/** Reads and validates the file alone (for commands that edit it); `missingHint` follows "file not found". */
export async function loadClientConfigFile(path: string, missingHint = ''): Promise<ClientConfigFile> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code !== 'ENOENT') throw new ClientConfigError(path, `cannot read: ${(err as Error).message}`);
    throw new ClientConfigError(path, `file not found${missingHint}`);
  }
  return parseClientConfig(text, path);
}

export function parseClientConfig(text: string, path: string): ClientConfigFile {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new ClientConfigError(path, `not valid JSON: ${(err as Error).message}`);
  }
  return validateClientConfig(value, path);
}

/** Checks the whole shape, unknown fields included, so a typo is reported rather than silently ignored. */
export function validateClientConfig(value: unknown, path: string): ClientConfigFile {
  const fail = (field: string, detail: string) => new ClientConfigError(path, `${field}: ${detail}`);
  const root = expectObject(value, '(root)', fail);
  rejectUnknown(root, ['currentContext', 'contexts'], '', fail);
  const currentContext = expectString(root.currentContext, 'currentContext', fail);
  const contextsValue = expectObject(root.contexts, 'contexts', fail);
  const contexts: Record<string, ClientContext> = {};
  for (const [name, raw] of Object.entries(contextsValue)) {
    if (name === '') throw fail('contexts', 'context names must not be empty');
    contexts[name] = validateContext(raw, `contexts.${name}`, fail);
  }
  if (!Object.hasOwn(contexts, currentContext)) {
    throw fail('currentContext', `${JSON.stringify(currentContext)} is not defined in contexts`);
  }
  return { currentContext, contexts };
}

/** Validates, then writes atomically with mode 0600 (the file holds a token); creates the folder as 0700. */
export async function writeClientConfig(path: string, config: ClientConfigFile): Promise<void> {
  const valid = validateClientConfig(config, path);
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  // Loaded here: every CLI call reads this file and few write it, and write-file-atomic loads
  // node's worker_threads when it loads.
  const { default: writeFileAtomic } = await import('write-file-atomic');
  await writeFileAtomic(path, `${JSON.stringify(valid, null, 2)}\n`, { mode: 0o600 });
}

type Fail = (field: string, detail: string) => ClientConfigError;

const CONTEXT_FIELDS = ['servers', 'certificateAuthority', 'caData', 'token', 'clientCertData', 'clientKeyData', 'namespace'];
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
const HOSTNAME = /^[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?$/;
const TOKEN = /^[\x21-\x7e]+$/;
const PEM_CERTIFICATE = /-----BEGIN CERTIFICATE-----/;

function validateContext(value: unknown, at: string, fail: Fail): ClientContext {
  const raw = expectObject(value, at, fail);
  rejectUnknown(raw, CONTEXT_FIELDS, `${at}.`, fail);

  if (!Array.isArray(raw.servers) || raw.servers.length === 0) throw fail(`${at}.servers`, 'must list at least one server');
  const servers = raw.servers.map((server: unknown, i) => {
    const field = `${at}.servers[${i}]`;
    const text = expectString(server, field, fail);
    if (!isHostPort(text)) throw fail(field, `${JSON.stringify(text)} must be host:port (IPv6 as [addr]:port)`);
    return text;
  });
  const context: ClientContext = { servers };

  const hasPath = raw.certificateAuthority !== undefined;
  const hasData = raw.caData !== undefined;
  if (hasPath === hasData) throw fail(at, 'set exactly one of certificateAuthority and caData');
  if (hasPath) context.certificateAuthority = expectString(raw.certificateAuthority, `${at}.certificateAuthority`, fail);
  if (hasData) {
    const caData = expectString(raw.caData, `${at}.caData`, fail);
    if (!PEM_CERTIFICATE.test(caData)) throw fail(`${at}.caData`, 'must be a PEM certificate');
    context.caData = caData;
  }

  if (raw.token !== undefined) {
    const token = expectString(raw.token, `${at}.token`, fail);
    if (!TOKEN.test(token)) throw fail(`${at}.token`, 'must be printable ASCII without spaces');
    context.token = token;
  }
  if ((raw.clientCertData === undefined) !== (raw.clientKeyData === undefined)) throw fail(at, 'clientCertData and clientKeyData go together');
  if (raw.clientCertData !== undefined) {
    const cert = expectString(raw.clientCertData, `${at}.clientCertData`, fail);
    if (!PEM_CERTIFICATE.test(cert)) throw fail(`${at}.clientCertData`, 'must be a PEM certificate');
    const key = expectString(raw.clientKeyData, `${at}.clientKeyData`, fail);
    if (!/-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(key)) throw fail(`${at}.clientKeyData`, 'must be a PEM private key');
    context.clientCertData = cert;
    context.clientKeyData = key;
  }
  if (raw.namespace !== undefined) {
    const namespace = expectString(raw.namespace, `${at}.namespace`, fail);
    if (!DNS_LABEL.test(namespace)) throw fail(`${at}.namespace`, `${JSON.stringify(namespace)} is not a valid namespace name`);
    context.namespace = namespace;
  }
  return context;
}

async function readCa(configPath: string, contextName: string, context: ClientContext): Promise<string> {
  if (context.caData !== undefined) return context.caData;
  const field = `contexts.${contextName}.certificateAuthority`;
  const caPath = context.certificateAuthority ?? '';
  const absolute = isAbsolute(caPath) ? caPath : resolve(dirname(configPath), caPath);
  let pem: string;
  try {
    pem = await readFile(absolute, 'utf8');
  } catch (err) {
    throw new ClientConfigError(configPath, `${field}: cannot read ${absolute}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  if (!PEM_CERTIFICATE.test(pem)) throw new ClientConfigError(configPath, `${field}: ${absolute} is not a PEM certificate`);
  return pem;
}

function isHostPort(text: string): boolean {
  const match = /^(\[([^\]]+)\]|([^:[\]]+)):(\d{1,5})$/.exec(text);
  if (!match) return false;
  const port = Number(match[4]);
  if (port < 1 || port > 65535) return false;
  if (match[2] !== undefined) return isIP(match[2]) === 6;
  return HOSTNAME.test(match[3] ?? '');
}

function expectObject(value: unknown, field: string, fail: Fail): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw fail(field, 'must be an object');
  return value as Record<string, unknown>;
}

function expectString(value: unknown, field: string, fail: Fail): string {
  if (typeof value !== 'string' || value === '') throw fail(field, 'must be a non-empty string');
  return value;
}

function rejectUnknown(object: Record<string, unknown>, known: readonly string[], prefix: string, fail: Fail): void {
  for (const key of Object.keys(object)) {
    if (!known.includes(key)) throw fail(`${prefix}${key}`, 'unknown field');
  }
}
