import { readFile } from 'node:fs/promises';
import type { Readable, Writable } from 'node:stream';
import { ApiClient } from '../lib/client/client.js';
import { ClientConfigError, DEFAULT_NAMESPACE, loadClientConfig, resolveClientConfigPath } from '../lib/client-config.js';
import { CliError } from './errors.js';

/** The flags every verb accepts (kubectl's global flags). */
export interface GlobalOptions {
  server?: string;
  token?: string;
  certificateAuthority?: string;
  kubeconfig?: string;
  context?: string;
  namespace?: string;
  /** --as and --as-group: whom every call impersonates. */
  as?: string;
  asGroup?: string[];
}

export interface CliIO {
  stdout: Writable;
  stderr: Writable;
  stdin: Readable;
  env: Readonly<Record<string, string | undefined>>;
  /** Ends verbs that otherwise run until the process is killed (port-forward); tests set it. */
  signal?: AbortSignal;
}

/** Where and as whom the CLI talks, after flags have overridden the client config file. */
interface ConnectionSettings {
  servers: string[];
  caPem: string;
  token: string | undefined;
  /** A client certificate from the config file (a joined node's kubelet.conf), used when no token is given. */
  clientCert?: { certPem: string; keyPem: string };
  namespace: string;
}

// A CLI call should fail fast when nothing listens; long operations pass their own deadlines.
const CONNECT_TIMEOUT_MS = 5_000;

// Turns of the event loop a verb's new connection gets before the verb goes on: grpc-js resolves
// the address in the first, the socket connects and sends the TLS ClientHello in the next. The
// apiserver then works on its half of the handshake, on its own CPU, while this process loads the
// schema and encodes the first request, work that used to come before the connection opened.
const CONNECT_HEAD_START_TURNS = 3;

async function giveConnectionAHeadStart(client: ApiClient): Promise<void> {
  client.connectEarly();
  for (let turn = 0; turn < CONNECT_HEAD_START_TURNS; turn++) await new Promise((resolve) => setImmediate(resolve));
}

/** `https://host:port/` and `host:port` both name a server; the transport wants `host:port`. */
export function normalizeServer(server: string): string {
  const trimmed = server.trim().replace(/\/+$/, '');
  const match = /^[a-z][a-z0-9+.-]*:\/\/(.*)$/i.exec(trimmed);
  return match ? match[1]! : trimmed;
}

/** Resolves connection settings: the client config file, then flags on top (kubectl's precedence). */
export async function resolveConnection(globals: GlobalOptions, env: CliIO['env']): Promise<ConnectionSettings> {
  const flagServers = globals.server ? globals.server.split(',').map(normalizeServer).filter(Boolean) : [];
  const flagCa = globals.certificateAuthority ? await readCaFile(globals.certificateAuthority) : undefined;
  let fromFile: ConnectionSettings | undefined;
  try {
    const opts: Parameters<typeof loadClientConfig>[0] = { env };
    if (globals.kubeconfig) opts.path = globals.kubeconfig;
    if (globals.context) opts.context = globals.context;
    const config = await loadClientConfig(opts);
    fromFile = { servers: config.servers, caPem: config.caPem, token: config.token, namespace: config.namespace, ...(config.clientCert && { clientCert: config.clientCert }) };
  } catch (err) {
    // With every connection detail on the command line a missing default file does not matter.
    const usingDefaults = !globals.kubeconfig && !globals.context;
    if (!(err instanceof ClientConfigError) || !usingDefaults || flagServers.length === 0 || !isMissingFile(err, globals, env)) throw err;
  }
  const servers = flagServers.length > 0 ? flagServers : (fromFile?.servers ?? []);
  const caPem = flagCa ?? fromFile?.caPem;
  if (!caPem) throw new CliError('--certificate-authority is required when no client config file is found');
  return {
    servers,
    caPem,
    token: globals.token ?? fromFile?.token,
    ...(fromFile?.clientCert && { clientCert: fromFile.clientCert }),
    namespace: fromFile?.namespace ?? DEFAULT_NAMESPACE,
  };
}

function isMissingFile(err: ClientConfigError, globals: GlobalOptions, env: CliIO['env']): boolean {
  const opts: Parameters<typeof resolveClientConfigPath>[0] = { env };
  if (globals.kubeconfig) opts.path = globals.kubeconfig;
  return err.path === resolveClientConfigPath(opts).path && err.message.includes('file not found');
}

async function readCaFile(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    throw new CliError(`unable to read certificate-authority ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
}

/** A client made elsewhere (tests), used instead of one built from the client config. */
export interface InjectedConnection {
  client: ApiClient;
  namespace: string;
}

/** One invocation's view of the world: its flags, its streams and (lazily) its apiserver client. */
export class CliContext {
  private connection: Promise<ConnectionSettings> | undefined;
  private apiClient: ApiClient | undefined;

  constructor(
    readonly globals: GlobalOptions,
    readonly io: CliIO,
    private readonly injected?: InjectedConnection,
  ) {}

  settings(): Promise<ConnectionSettings> {
    this.connection ??= resolveConnection(this.globals, this.io.env);
    return this.connection;
  }

  async client(): Promise<ApiClient> {
    if (this.injected) return this.injected.client;
    if (!this.apiClient) {
      const s = await this.settings();
      const { as, asGroup = [] } = this.globals;
      if (!as && asGroup.length > 0) throw new CliError('error: --as-group requires --as: groups can only be impersonated along with a user');
      const impersonate = as ? { user: as, groups: asGroup } : undefined;
      this.apiClient = ApiClient.fromConfig({ servers: s.servers, caPem: s.caPem, token: s.token, ...(!s.token && s.clientCert && { clientCert: s.clientCert }) }, {
        connectTimeoutMs: CONNECT_TIMEOUT_MS,
        // As kubectl prints the apiserver's Warning headers.
        onWarning: (message) => this.err(`Warning: ${message}\n`),
        ...(impersonate && { impersonate }),
      });
      await giveConnectionAHeadStart(this.apiClient);
    }
    return this.apiClient;
  }

  /** `-n` if given, else the context's namespace, else "default". */
  async namespace(): Promise<string> {
    if (this.globals.namespace) return this.globals.namespace;
    if (this.injected) return this.injected.namespace;
    return (await this.settings()).namespace;
  }

  /** True when the user named the namespace on the command line (manifests must then agree with it). */
  get namespaceExplicit(): boolean {
    return Boolean(this.globals.namespace);
  }

  out(text: string): void {
    this.io.stdout.write(text);
  }

  err(text: string): void {
    this.io.stderr.write(text);
  }

  /** Whether this context made a client of its own (from the config and flags) and has not closed it. */
  get connected(): boolean {
    return this.apiClient !== undefined;
  }

  close(): void {
    this.apiClient?.close();
    this.apiClient = undefined;
  }
}
